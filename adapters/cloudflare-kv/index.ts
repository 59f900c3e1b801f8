import { type JsonRecord, type ScanPage, StorageError, type StoreAdapter, type StoreBatch } from "restsync";
import {
  applyChanges,
  type ChunkMeta,
  chunkFor,
  compareKeys,
  type Entry,
  emptyRoot,
  findEntry,
  type Root,
  split,
  type TableMeta,
} from "./_layout";

/** The part of a Workers KV binding this adapter calls (a `KVNamespace` satisfies it). */
export interface KVNamespaceLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Options for {@link kvAdapter}. */
export interface KvAdapterOptions {
  /** Prefix of every key this adapter writes, so several stores can share a namespace. @default "restsync/" */
  prefix?: string;
  /** Largest chunk value, in bytes of JSON. @default 262144 */
  maxChunkBytes?: number;
  /** Most records in one chunk. @default 2000 */
  maxChunkRecords?: number;
  /** Buffered records that trigger a flush before the run ends (bounds memory). @default 5000 */
  flushAfterRecords?: number;
  /** How long a replaced chunk is kept before deletion, for readers of an older root. @default 1800000 (30 min) */
  garbageDelayMs?: number;
}

/**
 * Stores records and state in Workers KV with few, bounded operations.
 *
 * Layout: one mutable key, `<prefix>root`, holds all state and, per table, the
 * list of its chunks; records live in immutable chunk keys `<prefix>chunk/<id>`
 * of up to `maxChunkRecords` sorted records. Writes are buffered; a flush
 * writes new chunks first and then the root, so state never becomes visible
 * before its records, and an invocation that dies mid-flush leaves the old root
 * and every chunk it names intact. The root is written at most once a second
 * (KV's per-key limit); replaced chunks are deleted only after
 * `garbageDelayMs`, since KV reads elsewhere may lag by up to 60 s.
 *
 * @example
 * export default { scheduled: scheduledHandler<Env>({ name: "analytics", source: () => config, store: (env) => kvAdapter(env.STATE) }) };
 */
export function kvAdapter(binding: KVNamespaceLike, options: KvAdapterOptions = {}): StoreAdapter {
  const prefix = options.prefix ?? "restsync/";
  const maxBytes = options.maxChunkBytes ?? 262_144;
  const maxRecords = options.maxChunkRecords ?? 2000;
  const flushAfter = options.flushAfterRecords ?? 5000;
  const garbageDelay = options.garbageDelayMs ?? 1_800_000;
  const rootKey = `${prefix}root`;
  const chunkKey = (id: string) => `${prefix}chunk/${id}`;

  let root: Promise<Root> | undefined;
  const chunks = new Map<string, Entry[]>();
  let pending = new Map<string, Map<string, JsonRecord | null>>();
  let pendingDrops = new Set<string>();
  let pendingState = new Map<string, unknown>();
  let pendingCount = 0;
  let flushing: Promise<void> = Promise.resolve();
  let lastRootPut = 0;

  const loadRoot = (): Promise<Root> => {
    root ??= binding.get(rootKey, "text").then((text) => (text ? (JSON.parse(text) as Root) : emptyRoot()));
    root.catch(() => (root = undefined));
    return root;
  };

  const loadChunk = async (id: string): Promise<Entry[]> => {
    const cached = chunks.get(id);
    if (cached) return cached;
    const text = await binding.get(chunkKey(id), "text");
    if (text === null)
      throw new StorageError(
        `KV chunk ${chunkKey(id)} is missing: the store was changed outside this adapter or garbage-collected too early`,
      );
    const entries = JSON.parse(text) as Entry[];
    remember(id, entries);
    return entries;
  };

  const remember = (id: string, entries: Entry[]) => {
    chunks.set(id, entries);
    // A small cache: enough for a run's working set, bounded for big tables.
    if (chunks.size > 64) chunks.delete(chunks.keys().next().value!);
  };

  const baseTable = async (table: string): Promise<TableMeta> =>
    (await loadRoot()).tables[table] ?? { count: 0, chunks: [] };

  const baseGet = async (table: string, key: string): Promise<JsonRecord | undefined> => {
    const meta = await baseTable(table);
    if (meta.chunks.length === 0) return undefined;
    const chunk = meta.chunks[chunkFor(meta.chunks, key)]!;
    if (compareKeys(key, chunk.first) < 0 || compareKeys(key, chunk.last) > 0) return undefined;
    return findEntry(await loadChunk(chunk.id), key);
  };

  const get = async (table: string, key: string): Promise<JsonRecord | undefined> => {
    const change = pending.get(table)?.get(key);
    if (change !== undefined) return change === null ? undefined : structuredClone(change);
    if (pendingDrops.has(table)) return undefined;
    const found = await baseGet(table, key);
    return found === undefined ? undefined : structuredClone(found);
  };

  const doFlush = async (): Promise<void> => {
    if (pending.size === 0 && pendingDrops.size === 0 && pendingState.size === 0) return;
    const wait = lastRootPut + 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Take what is buffered now; writes arriving during the flush go to the next one.
    const [changes, drops, states] = [pending, pendingDrops, pendingState];
    [pending, pendingDrops, pendingState, pendingCount] = [new Map(), new Set(), new Map(), 0];
    try {
      const current = await loadRoot();
      const next: Root = {
        ...current,
        state: { ...current.state },
        tables: { ...current.tables },
        garbage: [...current.garbage],
      };
      const now = Date.now();
      const writes: Array<[string, Entry[]]> = [];
      for (const table of drops) {
        for (const chunk of next.tables[table]?.chunks ?? []) next.garbage.push({ id: chunk.id, at: now });
        delete next.tables[table];
      }
      for (const [table, tableChanges] of changes) {
        const meta = next.tables[table] ?? { count: 0, chunks: [] };
        const byChunk = new Map<number, Map<string, JsonRecord | null>>();
        for (const [key, record] of tableChanges) {
          const index = meta.chunks.length === 0 ? -1 : chunkFor(meta.chunks, key);
          const group = byChunk.get(index) ?? new Map();
          group.set(key, record);
          byChunk.set(index, group);
        }
        const replaced = new Map<number, ChunkMeta[]>();
        for (const [index, group] of byChunk) {
          const old = index >= 0 ? meta.chunks[index]! : undefined;
          const entries = applyChanges(old ? await loadChunk(old.id) : [], group);
          const fresh = split(entries, maxBytes, maxRecords).map((piece) => {
            const id = `${(next.seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
            writes.push([id, piece]);
            return { id, first: piece[0]![0], last: piece[piece.length - 1]![0], count: piece.length };
          });
          if (old) next.garbage.push({ id: old.id, at: now });
          replaced.set(index, fresh);
        }
        const list =
          meta.chunks.length === 0
            ? (replaced.get(-1) ?? [])
            : meta.chunks.flatMap((chunk, i) => replaced.get(i) ?? [chunk]);
        next.tables[table] = { count: list.reduce((n, c) => n + c.count, 0), chunks: list };
      }
      for (const [key, value] of states) {
        if (value === undefined) delete next.state[key];
        else next.state[key] = value;
      }
      // Records first: every chunk the new root names exists before the root does.
      await inBatches(writes, 6, ([id, piece]) => binding.put(chunkKey(id), JSON.stringify(piece)));
      const collectable = next.garbage.filter((g) => now - g.at >= garbageDelay).slice(0, 50);
      await inBatches(collectable, 6, (g) => binding.delete(chunkKey(g.id)));
      const gone = new Set(collectable.map((g) => g.id));
      next.garbage = next.garbage.filter((g) => !gone.has(g.id));
      await putRoot(JSON.stringify(next));
      lastRootPut = Date.now();
      for (const [id, piece] of writes) remember(id, piece);
      root = Promise.resolve(next);
    } catch (error) {
      // Nothing became visible: put the changes back in front of anything buffered since.
      restore(changes, drops, states);
      throw error;
    }
  };

  const restore = (changes: typeof pending, drops: Set<string>, states: Map<string, unknown>) => {
    for (const [table, later] of pending) {
      const merged = changes.get(table) ?? new Map();
      if (pendingDrops.has(table)) merged.clear();
      for (const [key, value] of later) merged.set(key, value);
      changes.set(table, merged);
    }
    for (const table of pendingDrops) drops.add(table);
    for (const [key, value] of pendingState) states.set(key, value);
    [pending, pendingDrops, pendingState] = [changes, drops, states];
    pendingCount = [...pending.values()].reduce((n, m) => n + m.size, 0);
  };

  const putRoot = async (value: string) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await binding.put(rootKey, value);
      } catch (error) {
        // KV allows one write per second per key; anything else is not ours to retry.
        if (attempt >= 3 || !/429|too many/i.test(String((error as Error)?.message ?? error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
    }
  };

  const flush = (): Promise<void> => {
    const run = flushing.then(doFlush);
    flushing = run.catch(() => undefined);
    return run;
  };

  const settled = async (table: string) => {
    if (pending.has(table) || pendingDrops.has(table)) await flush();
  };

  return {
    name: "cloudflare-kv",
    atomic: false,
    async write(batch: StoreBatch) {
      // Validate state now, so a value that cannot be stored fails this call, not a later flush.
      const states = (batch.state ?? []).map(
        ({ key, value }) => [key, value === undefined ? undefined : JSON.parse(JSON.stringify(value))] as const,
      );
      for (const table of batch.drops ?? []) {
        pendingCount -= pending.get(table)?.size ?? 0;
        pending.delete(table);
        pendingDrops.add(table);
      }
      for (const { table, key, record } of batch.puts ?? []) stage(table, key, record);
      for (const { table, key } of batch.deletes ?? []) stage(table, key, null);
      for (const [key, value] of states) pendingState.set(key, value);
      if (pendingCount >= flushAfter) await flush();
    },
    get,
    async getMany(table, keys) {
      return Promise.all(keys.map((key) => get(table, key)));
    },
    async count(table) {
      await settled(table);
      return (await baseTable(table)).count;
    },
    async scan(table, { after, limit }): Promise<ScanPage> {
      await settled(table);
      const size = Math.max(1, limit);
      const meta = await baseTable(table);
      const out: Entry[] = [];
      let index = after === undefined || meta.chunks.length === 0 ? 0 : chunkFor(meta.chunks, after);
      for (; index < meta.chunks.length && out.length <= size; index++) {
        for (const entry of await loadChunk(meta.chunks[index]!.id)) {
          if (after !== undefined && compareKeys(entry[0], after) <= 0) continue;
          out.push(entry);
          if (out.length > size) break;
        }
      }
      const entries = out.slice(0, size).map(([key, record]) => ({ key, record: structuredClone(record) }));
      return { entries, next: out.length > size ? entries[entries.length - 1]!.key : undefined };
    },
    async getState(key) {
      if (pendingState.has(key)) return pendingState.get(key);
      return (await loadRoot()).state[key];
    },
    flush,
    async close() {
      await flush();
    },
  };

  function stage(table: string, key: string, record: JsonRecord | null) {
    let changes = pending.get(table);
    if (!changes) pending.set(table, (changes = new Map()));
    if (!changes.has(key)) pendingCount++;
    changes.set(key, record);
  }
}

async function inBatches<T>(items: readonly T[], size: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}
