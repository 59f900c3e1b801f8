import type { JsonRecord, StoreBatch } from "restsync";
import {
  applyChanges,
  type Entry,
  encodeRoot,
  indexFile,
  type Root,
  type SegmentMeta,
  segmentFile,
  segmentFor,
  split,
} from "./_layout";

/** What planning a batch may read, and how it allocates file ids. */
export interface PlanContext {
  loadIndex(id: string): Promise<SegmentMeta[]>;
  loadSegment(id: string): Promise<Entry[]>;
  /** Next unused file id; advanced by planning, never reused in this process. */
  ids: { next: number };
  maxBytes: number;
  maxRecords: number;
}

/** Everything one commit writes, all serialised before the first byte reaches the disk. */
export interface Plan {
  next: Root;
  rootText: string;
  /** New immutable files (segments and indexes), by name. */
  files: Array<[name: string, text: string]>;
  /** New segments and indexes, for the caches once committed. */
  segments: Array<[id: string, text: string]>;
  indexes: Array<[id: string, segments: SegmentMeta[]]>;
  /** Files the new root no longer names. */
  replaced: string[];
}

function toJson(key: string, value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`state "${key}" is not JSON-serialisable`);
  return JSON.parse(text);
}

/**
 * Plans a batch against `root`: record changes, then drops, then state, as
 * {@link StoreBatch} orders them. Only the segments a change falls in are
 * rewritten (split when they outgrow the limits, removed when emptied), plus
 * the index of each changed table and the root. Returns `undefined` for a batch
 * that changes nothing.
 */
export async function planBatch(batch: StoreBatch, root: Root, ctx: PlanContext): Promise<Plan | undefined> {
  const state = (batch.state ?? []).map(
    ({ key, value }) => [key, value === undefined ? undefined : toJson(key, value)] as const,
  );
  const drops = new Set(batch.drops ?? []);
  const changes = new Map<string, Map<string, JsonRecord | null>>();
  const stage = (table: string, key: string, record: JsonRecord | null) => {
    if (drops.has(table)) return; // dropped after its changes in this same batch: they cannot matter
    let tableChanges = changes.get(table);
    if (!tableChanges) changes.set(table, (tableChanges = new Map()));
    tableChanges.set(key, record);
  };
  for (const { table, key, record } of batch.puts ?? []) stage(table, key, record);
  for (const { table, key } of batch.deletes ?? []) stage(table, key, null);

  const next: Root = { seq: 0, state: new Map(root.state), tables: new Map(root.tables), garbage: [...root.garbage] };
  const plan: Plan = { next, rootText: "", files: [], segments: [], indexes: [], replaced: [] };
  const newId = () => (ctx.ids.next++).toString(36);

  for (const [table, tableChanges] of changes) {
    const ref = root.tables.get(table);
    const metas = ref ? await ctx.loadIndex(ref.index) : [];
    const groups = new Map<number, Map<string, JsonRecord | null>>();
    for (const [key, record] of tableChanges) {
      const at = metas.length === 0 ? -1 : segmentFor(metas, key);
      let group = groups.get(at);
      if (!group) groups.set(at, (group = new Map()));
      group.set(key, record);
    }
    const rewritten = new Map<number, SegmentMeta[]>();
    for (const [at, group] of groups) {
      const old = at >= 0 ? metas[at]! : undefined;
      const entries = applyChanges(old ? await ctx.loadSegment(old.id) : [], group);
      // Deletes of keys that are not stored change nothing: keep the segment as it is.
      if ((old?.count ?? 0) === entries.length && [...group.values()].every((record) => record === null)) continue;
      const pieces = split(entries, ctx.maxBytes, ctx.maxRecords).map(({ text, first, last, count }) => {
        const id = newId();
        plan.files.push([segmentFile(id), text]);
        plan.segments.push([id, text]);
        return { id, first, last, count };
      });
      if (old) plan.replaced.push(segmentFile(old.id));
      rewritten.set(at, pieces);
    }
    if (rewritten.size === 0) continue;
    const list =
      metas.length === 0 ? (rewritten.get(-1) ?? []) : metas.flatMap((meta, i) => rewritten.get(i) ?? [meta]);
    if (ref) plan.replaced.push(indexFile(ref.index));
    if (list.length === 0) {
      next.tables.delete(table);
      continue;
    }
    const id = newId();
    plan.files.push([indexFile(id), JSON.stringify(list)]);
    plan.indexes.push([id, list]);
    next.tables.set(table, { index: id, count: list.reduce((n, meta) => n + meta.count, 0) });
  }

  for (const table of drops) {
    const ref = root.tables.get(table);
    if (!ref) continue;
    for (const meta of await ctx.loadIndex(ref.index)) plan.replaced.push(segmentFile(meta.id));
    plan.replaced.push(indexFile(ref.index));
    next.tables.delete(table);
  }

  for (const [key, value] of state) {
    if (value === undefined) next.state.delete(key);
    else next.state.set(key, value);
  }
  if (plan.files.length === 0 && plan.replaced.length === 0 && state.length === 0) return undefined;
  next.garbage.push(...plan.replaced);
  next.seq = ctx.ids.next;
  plan.rootText = encodeRoot(next);
  return plan;
}
