/**
 * Prototype of a write-order chunked layout for the idb adapter, measured by
 * bench/_idb-page.ts (it documents a design decision; adapters/idb is not
 * changed). Each page's records of a table are ONE value, a chunk, under the
 * out-of-line key `[table, seq]` (seq increasing with every chunk written),
 * value `{ ik: [[table, key], …], records: […] }` (`ik[i]` is the key of
 * `records[i]`). The object store has a multiEntry index on `ik`, so
 * IndexedDB itself keeps one index entry per record, maintained inside the
 * chunk's own `put`: the key → chunk lookup is `index.getKey([table, key])`,
 * which answers the chunk's primary key. Unlike key-range chunks
 * (bench/_idb-chunked.ts), where a page's records land does not depend on
 * their keys.
 *
 * A page is one readwrite transaction. `blind` puts the chunk and the page's
 * state and nothing else (valid for inserts only: an older version of a key
 * would stay live in its old chunk). `checked` first queues one
 * `index.getKey` per key of the page (all in flight at once, raw request
 * callbacks, no promise per request), then reads every older chunk that holds
 * some of the keys, drops those keys and puts it back (deletes it when it
 * empties), and only then puts the new chunk and the state.
 */
import type { JsonRecord, RecordPut } from "restsync";

/** One chunk's value: `ik[i]` is the `[table, key]` of `records[i]`. */
export interface MultiEntryChunk {
  ik: Array<[string, string]>;
  records: JsonRecord[];
}

export type MultiEntryMode = "blind" | "checked";

export interface MultiEntryPageStats {
  /** IndexedDB requests the page made: lookups, old-chunk gets, puts and deletes, the new chunk's put, state puts. */
  requests: number;
  /** Older chunks the page rewrote (put back smaller) or deleted. */
  chunksTouched: number;
  /** Records of older chunks written again because a chunk lost some of its keys. */
  rewritten: number;
  /** Bytes (JSON, as `sizeOf` reports them) of those records. */
  rewrittenBytes: number;
}

export interface MultiEntryContents {
  /** Live keys and the record each holds, read from the chunks; the reader throws if a key is in two chunks. */
  records: Map<string, JsonRecord>;
  /** Chunks in the table. */
  chunks: number;
  /** Index entries under the table, each checked to point at the chunk that holds its key. */
  indexEntries: number;
}

/** The object store's name (the adapter's schema has `records` too, without the index) and the index's. */
export const CHUNK_STORE = "records";
export const KEY_INDEX = "ik";

/** Creates the layout's schema in an upgrade: the chunk store with its multiEntry index on `ik`, and `state`. */
export function createMultiEntrySchema(db: IDBDatabase): void {
  db.createObjectStore(CHUNK_STORE).createIndex(KEY_INDEX, "ik", { multiEntry: true });
  db.createObjectStore("state");
}

const chunkKey = (table: string, seq: number): [string, number] => [table, seq];
const tableRange = (table: string) => IDBKeyRange.bound([table], [table, []], true, true);

const completion = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });

/**
 * Resolves with the results of `requests` (already queued), in order, once
 * all have succeeded: one callback per request, one promise for the lot.
 */
function all<T>(requests: Array<IDBRequest<T>>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const results: T[] = new Array(requests.length);
    let pending = requests.length;
    if (!pending) return resolve(results);
    requests.forEach((req, i) => {
      req.onsuccess = () => {
        results[i] = req.result;
        if (--pending === 0) resolve(results);
      };
      req.onerror = () => reject(req.error);
    });
  });
}

/**
 * Writes one page of `table`'s records as the chunk `[table, seq]`, and the
 * page's state, in one readwrite transaction. `seq` must be above every chunk
 * of the table so far (the caller counts; an adapter would read the last
 * chunk key once when it opens). A key twice in `puts`: the last one wins.
 */
export async function writeMultiEntryPage(
  db: IDBDatabase,
  table: string,
  seq: number,
  puts: RecordPut[],
  state: Array<{ key: string; value: unknown }>,
  mode: MultiEntryMode,
  sizeOf: (key: string) => number,
): Promise<MultiEntryPageStats> {
  const tx = db.transaction([CHUNK_STORE, "state"], "readwrite");
  const settled = completion(tx);
  void settled.catch(() => undefined); // awaited below, or the abort is reported by the error thrown
  const store = tx.objectStore(CHUNK_STORE);
  const stats: MultiEntryPageStats = { requests: 0, chunksTouched: 0, rewritten: 0, rewrittenBytes: 0 };
  try {
    const latest = new Map<string, JsonRecord>();
    for (const { key, record } of puts) latest.set(key, record);
    const chunk: MultiEntryChunk = { ik: [], records: [] };
    for (const [key, record] of latest) {
      chunk.ik.push([table, key]);
      chunk.records.push(record);
    }

    if (mode === "checked") {
      // Every lookup in flight at once; the transaction stays active across the callbacks.
      const index = store.index(KEY_INDEX);
      const found = await all(chunk.ik.map((k) => index.getKey(k)));
      stats.requests += chunk.ik.length;
      // Older chunks holding some of the page's keys, by their seq.
      const stale = new Map<number, Set<string>>();
      found.forEach((primary, i) => {
        if (primary === undefined) return;
        const seqOf = (primary as [string, number])[1];
        const keys = stale.get(seqOf);
        if (keys) keys.add(chunk.ik[i]![1]);
        else stale.set(seqOf, new Set([chunk.ik[i]![1]]));
      });
      if (stale.size) {
        const seqs = [...stale.keys()];
        const olds = await all(seqs.map((s) => store.get(chunkKey(table, s)) as IDBRequest<MultiEntryChunk>));
        stats.requests += seqs.length;
        seqs.forEach((s, n) => {
          const old = olds[n]!;
          const drop = stale.get(s)!;
          const kept: MultiEntryChunk = { ik: [], records: [] };
          old.ik.forEach((k, i) => {
            if (drop.has(k[1])) return;
            kept.ik.push(k);
            kept.records.push(old.records[i]!);
            stats.rewrittenBytes += sizeOf(k[1]);
          });
          if (kept.ik.length) store.put(kept, chunkKey(table, s));
          else store.delete(chunkKey(table, s));
          stats.rewritten += kept.ik.length;
        });
        stats.requests += seqs.length;
        stats.chunksTouched += seqs.length;
      }
    }

    store.put(chunk, chunkKey(table, seq));
    for (const { key, value } of state) tx.objectStore("state").put(value, key);
    stats.requests += 1 + state.length;
    await settled;
    return stats;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already committed or aborted
    }
    throw error;
  }
}

/**
 * Reads the table back for checking: every chunk (its `ik` as long as its
 * records, no key in two chunks), then every index entry under the table (each
 * must point at the chunk that holds its key, and there must be exactly one
 * per live key).
 */
export async function readMultiEntry(db: IDBDatabase, table: string): Promise<MultiEntryContents> {
  const tx = db.transaction(CHUNK_STORE, "readonly");
  const store = tx.objectStore(CHUNK_STORE);
  const keysRequest = all([store.getAllKeys(tableRange(table))]);
  const valuesRequest = all([store.getAll(tableRange(table)) as IDBRequest<MultiEntryChunk[]>]);
  const [[primaries], [chunks]] = await Promise.all([keysRequest, valuesRequest]);
  const records = new Map<string, JsonRecord>();
  const holder = new Map<string, number>();
  chunks!.forEach((chunk, c) => {
    const seq = (primaries![c] as [string, number])[1];
    if (chunk.ik.length !== chunk.records.length)
      throw new Error(`chunk ${seq} holds ${chunk.ik.length} keys but ${chunk.records.length} records`);
    if (!chunk.ik.length) throw new Error(`chunk ${seq} is empty (it should have been deleted)`);
    chunk.ik.forEach(([t, key], i) => {
      if (t !== table) throw new Error(`chunk ${seq} of ${table} lists a key of ${t}`);
      if (holder.has(key)) throw new Error(`key ${key} is in chunks ${holder.get(key)} and ${seq}`);
      holder.set(key, seq);
      records.set(key, chunk.records[i]!);
    });
  });
  const indexEntries = await new Promise<number>((resolve, reject) => {
    let count = 0;
    const cursor = store.index(KEY_INDEX).openKeyCursor(IDBKeyRange.bound([table], [table, []], true, true));
    cursor.onerror = () => reject(cursor.error);
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return resolve(count);
      const key = (at.key as [string, string])[1];
      const seq = (at.primaryKey as [string, number])[1];
      if (holder.get(key) !== seq)
        return reject(
          new Error(
            `the index maps ${key} to chunk ${seq}, but ${holder.has(key) ? `chunk ${holder.get(key)} holds it` : "no chunk holds it"}`,
          ),
        );
      count++;
      at.continue();
    };
  });
  if (indexEntries !== records.size)
    throw new Error(`the index has ${indexEntries} entries for ${records.size} live keys`);
  return { records, chunks: chunks!.length, indexEntries };
}
