import { type JsonRecord, type ScanPage, StorageError } from "restsync";
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
import type { Taken } from "./_pending";
import type { KVNamespaceLike } from "./index";

/** Chunk limits and key names of a {@link KvChunks}. */
export interface KvChunksOptions {
  prefix: string;
  maxBytes: number;
  maxRecords: number;
  garbageDelay: number;
}

/**
 * What KV holds: the root (read once, cached) and the immutable chunks it names
 * (an LRU), reads against them, and the publication of a flush's changes —
 * new chunks first, then the root.
 */
export class KvChunks {
  #root: Promise<Root> | undefined;
  readonly #chunks = new Map<string, Entry[]>();
  readonly #rootKey: string;

  constructor(
    readonly binding: KVNamespaceLike,
    readonly options: KvChunksOptions,
  ) {
    this.#rootKey = `${options.prefix}root`;
  }

  #chunkKey(id: string): string {
    return `${this.options.prefix}chunk/${id}`;
  }

  loadRoot(): Promise<Root> {
    const root = (this.#root ??= this.binding
      .get(this.#rootKey, "text")
      .then((text) => (text ? (JSON.parse(text) as Root) : emptyRoot())));
    root.catch(() => (this.#root = undefined));
    return root;
  }

  async #loadChunk(id: string): Promise<Entry[]> {
    const cached = this.#chunks.get(id);
    if (cached) return cached;
    const text = await this.binding.get(this.#chunkKey(id), "text");
    if (text === null)
      throw new StorageError(
        `KV chunk ${this.#chunkKey(id)} is missing: the store was changed outside this adapter or garbage-collected too early`,
      );
    const entries = JSON.parse(text) as Entry[];
    this.#remember(id, entries);
    return entries;
  }

  #remember(id: string, entries: Entry[]): void {
    this.#chunks.set(id, entries);
    // A small cache: enough for a run's working set, bounded for big tables.
    if (this.#chunks.size > 64) this.#chunks.delete(this.#chunks.keys().next().value!);
  }

  async table(table: string): Promise<TableMeta> {
    return (await this.loadRoot()).tables[table] ?? { count: 0, chunks: [] };
  }

  /** A record as published (not a copy). */
  async get(table: string, key: string): Promise<JsonRecord | undefined> {
    const meta = await this.table(table);
    if (meta.chunks.length === 0) return undefined;
    const chunk = meta.chunks[chunkFor(meta.chunks, key)]!;
    if (compareKeys(key, chunk.first) < 0 || compareKeys(key, chunk.last) > 0) return undefined;
    return findEntry(await this.#loadChunk(chunk.id), key);
  }

  async scan(table: string, after: string | undefined, limit: number): Promise<ScanPage> {
    const size = Math.max(1, limit);
    const meta = await this.table(table);
    const out: Entry[] = [];
    let index = after === undefined || meta.chunks.length === 0 ? 0 : chunkFor(meta.chunks, after);
    for (; index < meta.chunks.length && out.length <= size; index++) {
      for (const entry of await this.#loadChunk(meta.chunks[index]!.id)) {
        if (after !== undefined && compareKeys(entry[0], after) <= 0) continue;
        out.push(entry);
        if (out.length > size) break;
      }
    }
    const entries = out.slice(0, size).map(([key, record]) => ({ key, record: structuredClone(record) }));
    return { entries, next: out.length > size ? entries[entries.length - 1]!.key : undefined };
  }

  /** Publishes a flush's changes: new chunks, old garbage deleted, then the root that names them. */
  async publish({ changes, drops, states }: Taken): Promise<void> {
    const current = await this.loadRoot();
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
      next.tables[table] = await this.#rewrite(next, next.tables[table], tableChanges, writes, now);
    }
    for (const [key, value] of states) {
      if (value === undefined) delete next.state[key];
      else next.state[key] = value;
    }
    // Records first: every chunk the new root names exists before the root does.
    await inBatches(writes, 6, ([id, piece]) => this.binding.put(this.#chunkKey(id), JSON.stringify(piece)));
    const collectable = next.garbage.filter((g) => now - g.at >= this.options.garbageDelay).slice(0, 50);
    await inBatches(collectable, 6, (g) => this.binding.delete(this.#chunkKey(g.id)));
    const gone = new Set(collectable.map((g) => g.id));
    next.garbage = next.garbage.filter((g) => !gone.has(g.id));
    await this.#putRoot(JSON.stringify(next));
    for (const [id, piece] of writes) this.#remember(id, piece);
    this.#root = Promise.resolve(next);
  }

  /** A table's chunk list with `tableChanges` applied: the chunks they touch rewritten (queued on `writes`), the old ones marked garbage. */
  async #rewrite(
    next: Root,
    meta: TableMeta = { count: 0, chunks: [] },
    tableChanges: Map<string, JsonRecord | null>,
    writes: Array<[string, Entry[]]>,
    now: number,
  ): Promise<TableMeta> {
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
      const entries = applyChanges(old ? await this.#loadChunk(old.id) : [], group);
      const fresh = split(entries, this.options.maxBytes, this.options.maxRecords).map((piece) => {
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
    return { count: list.reduce((n, c) => n + c.count, 0), chunks: list };
  }

  async #putRoot(value: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.binding.put(this.#rootKey, value);
      } catch (error) {
        // KV allows one write per second per key; anything else is not ours to retry.
        if (attempt >= 3 || !/429|too many/i.test(String((error as Error)?.message ?? error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
    }
  }
}

async function inBatches<T>(items: readonly T[], size: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}
