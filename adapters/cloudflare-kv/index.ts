import type { JsonRecord, ScanPage, StoreAdapter, StoreBatch } from "restsync";
import { KvChunks } from "./_chunks";
import { PendingWrites } from "./_pending";

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
  const flushAfter = options.flushAfterRecords ?? 5000;
  const store = new KvChunks(binding, {
    prefix: options.prefix ?? "restsync/",
    maxBytes: options.maxChunkBytes ?? 262_144,
    maxRecords: options.maxChunkRecords ?? 2000,
    garbageDelay: options.garbageDelayMs ?? 1_800_000,
  });
  const pending = new PendingWrites();
  let flushing: Promise<void> = Promise.resolve();
  let lastRootPut = 0;

  const get = async (table: string, key: string): Promise<JsonRecord | undefined> => {
    const change = pending.changes.get(table)?.get(key);
    if (change !== undefined) return change === null ? undefined : structuredClone(change);
    if (pending.drops.has(table)) return undefined;
    const found = await store.get(table, key);
    return found === undefined ? undefined : structuredClone(found);
  };

  const doFlush = async (): Promise<void> => {
    if (pending.empty) return;
    const wait = lastRootPut + 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const taken = pending.take();
    try {
      await store.publish(taken);
      lastRootPut = Date.now();
    } catch (error) {
      pending.restore(taken);
      throw error;
    }
  };

  const flush = (): Promise<void> => {
    const run = flushing.then(doFlush);
    flushing = run.catch(() => undefined);
    return run;
  };

  const settled = async (table: string) => {
    if (pending.touches(table)) await flush();
  };

  return {
    name: "cloudflare-kv",
    atomic: false,
    async write(batch: StoreBatch) {
      pending.add(batch);
      if (pending.count >= flushAfter) await flush();
    },
    get,
    async getMany(table, keys) {
      return Promise.all(keys.map((key) => get(table, key)));
    },
    async count(table) {
      await settled(table);
      return (await store.table(table)).count;
    },
    async scan(table, { after, limit }): Promise<ScanPage> {
      await settled(table);
      return store.scan(table, after, limit);
    },
    async getState(key) {
      if (pending.states.has(key)) return pending.states.get(key);
      return (await store.loadRoot()).state[key];
    },
    flush,
    async close() {
      await flush();
    },
  };
}
