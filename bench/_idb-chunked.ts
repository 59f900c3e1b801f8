/**
 * Prototype of a key-range chunked layout for the idb adapter, measured by
 * bench/_idb-page.ts (it documents a design decision; adapters/idb is not
 * changed). Each chunk holds a sorted, contiguous key range of one table as one
 * value under `[table, chunkId]`, like a B-tree leaf; a per-table directory
 * under `[table]` (outside the table's `[table, …]` range) lists the chunks in
 * key order with their first and last key and count.
 *
 * A page is one readwrite transaction: read the directory, read every chunk the
 * page's keys fall into, merge, half-split any chunk past `capacity` records,
 * put the chunks and the directory back, put the page's state. The cost this
 * layout trades for fewer requests is the read-modify-write: every record
 * already in a touched chunk is cloned and written again.
 */
import type { JsonRecord, RecordPut } from "restsync";

/** One chunk's value: keys in ascending IndexedDB order, records alongside. */
interface Chunk {
  keys: string[];
  records: JsonRecord[];
}

interface ChunkEntry {
  id: number;
  first: string;
  last: string;
  count: number;
}

/** The per-table directory value: chunks in key order; `nextId` is the id the next new chunk gets. */
interface Directory {
  nextId: number;
  chunks: ChunkEntry[];
}

export interface ChunkedPageStats {
  /** Records inside the chunk values put: what was cloned and written, new and old. */
  rewritten: number;
  /** IndexedDB requests the page made: directory get and put, chunk gets and puts, state puts. */
  requests: number;
}

export interface ChunkedContents {
  /** Distinct keys found in the chunks. */
  keys: Set<string>;
  /** Keys found, duplicates included; equals `keys.size` when no key is in two chunks. */
  stored: number;
  /** Chunks in the table (values under `[table, …]`). */
  chunks: number;
  /** Sum of the directory's counts. */
  listed: number;
}

const directoryKey = (table: string) => [table];
const chunkKey = (table: string, id: number) => [table, id];
const tableRange = (table: string) => IDBKeyRange.bound([table], [table, []], true, true);

/** IndexedDB compares string keys by UTF-16 code unit, as `<` does: "10" sorts before "9". */
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const request = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

const completion = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });

/** Index of the chunk `key` belongs in: the last whose first key is ≤ `key`, else the first chunk. */
function chunkIndex(chunks: ChunkEntry[], key: string): number {
  let low = 0;
  let high = chunks.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (chunks[mid]!.first <= key) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Merges sorted `puts` into `chunk`; a put whose key is already there replaces that record. */
function merge(chunk: Chunk, puts: RecordPut[]): Chunk {
  const keys: string[] = [];
  const records: JsonRecord[] = [];
  let i = 0;
  let j = 0;
  while (i < chunk.keys.length || j < puts.length) {
    const order = i === chunk.keys.length ? 1 : j === puts.length ? -1 : byKey(chunk.keys[i]!, puts[j]!.key);
    if (order < 0) {
      keys.push(chunk.keys[i]!);
      records.push(chunk.records[i++]!);
    } else {
      if (order === 0) i++;
      keys.push(puts[j]!.key);
      records.push(puts[j++]!.record);
    }
  }
  return { keys, records };
}

/** Halves `chunk` until every piece holds at most `capacity` records. */
function split(chunk: Chunk, capacity: number): Chunk[] {
  if (chunk.keys.length <= capacity) return [chunk];
  const mid = chunk.keys.length >> 1;
  return [
    ...split({ keys: chunk.keys.slice(0, mid), records: chunk.records.slice(0, mid) }, capacity),
    ...split({ keys: chunk.keys.slice(mid), records: chunk.records.slice(mid) }, capacity),
  ];
}

/** Writes one page of `table`'s records, and the page's state, in one readwrite transaction. */
export async function writeChunkedPage(
  db: IDBDatabase,
  table: string,
  puts: RecordPut[],
  state: Array<{ key: string; value: unknown }>,
  capacity: number,
): Promise<ChunkedPageStats> {
  const tx = db.transaction(["records", "state"], "readwrite");
  const settled = completion(tx);
  void settled.catch(() => undefined); // awaited below, or the abort is reported by the error thrown
  const store = tx.objectStore("records");
  try {
    const sorted = [...puts].sort((a, b) => byKey(a.key, b.key));
    const directory: Directory = (await request<Directory | undefined>(store.get(directoryKey(table)))) ?? {
      nextId: 0,
      chunks: [],
    };
    let requests = 1;
    if (!directory.chunks.length)
      directory.chunks.push({ id: directory.nextId++, first: sorted[0]!.key, last: sorted[0]!.key, count: 0 });

    const groups = new Map<number, RecordPut[]>();
    for (const put of sorted) {
      const index = chunkIndex(directory.chunks, put.key);
      const group = groups.get(index);
      if (group) group.push(put);
      else groups.set(index, [put]);
    }
    const touched = [...groups.keys()];
    // Every touched chunk is read in parallel: one round of requests, not one per chunk.
    const loaded = await Promise.all(
      touched.map((index) => {
        const entry = directory.chunks[index]!;
        if (!entry.count) return { keys: [], records: [] };
        requests++;
        return request<Chunk>(store.get(chunkKey(table, entry.id)));
      }),
    );

    let rewritten = 0;
    const replaced = new Map<number, ChunkEntry[]>();
    touched.forEach((index, n) => {
      const pieces = split(merge(loaded[n]!, groups.get(index)!), capacity);
      const entries = pieces.map((piece, p) => {
        const id = p === 0 ? directory.chunks[index]!.id : directory.nextId++;
        store.put(piece, chunkKey(table, id));
        rewritten += piece.keys.length;
        return { id, first: piece.keys[0]!, last: piece.keys[piece.keys.length - 1]!, count: piece.keys.length };
      });
      requests += pieces.length;
      replaced.set(index, entries);
    });
    directory.chunks = directory.chunks.flatMap((entry, index) => replaced.get(index) ?? [entry]);
    store.put(directory, directoryKey(table));
    for (const { key, value } of state) tx.objectStore("state").put(value, key);
    requests += 1 + state.length;
    await settled;
    return { rewritten, requests };
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already committed or aborted
    }
    throw error;
  }
}

/** Reads every chunk of `table` back, for checking what the writes left. */
export async function readChunked(db: IDBDatabase, table: string): Promise<ChunkedContents> {
  const tx = db.transaction("records", "readonly");
  const store = tx.objectStore("records");
  const [chunks, directory] = await Promise.all([
    request<Chunk[]>(store.getAll(tableRange(table))),
    request<Directory | undefined>(store.get(directoryKey(table))),
  ]);
  const keys = new Set<string>();
  let stored = 0;
  for (const chunk of chunks) {
    if (chunk.keys.length !== chunk.records.length)
      throw new Error(`a chunk holds ${chunk.keys.length} keys but ${chunk.records.length} records`);
    for (const key of chunk.keys) keys.add(key);
    stored += chunk.keys.length;
  }
  const listed = directory?.chunks.reduce((sum, entry) => sum + entry.count, 0) ?? 0;
  if (directory && directory.chunks.length !== chunks.length)
    throw new Error(`the directory lists ${directory.chunks.length} chunks but the table holds ${chunks.length}`);
  return { keys, stored, chunks: chunks.length, listed };
}
