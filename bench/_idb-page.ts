/**
 * Browser half of bench/idb.ts: bundled with esbuild and run in headless
 * Chromium on a 127.0.0.1 page. Installs `globalThis.__idbBench`; does nothing
 * else when loaded. Every measurement uses a fresh database, times only the
 * writes (records are generated and the database is opened before the clock
 * starts), counts the records afterwards and deletes the database.
 */
import { type IDBPDatabase, openDB, unwrap } from "idb";
import type { JsonRecord, RecordPut, StoreBatch } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { readChunked, writeChunkedPage } from "./_idb-chunked";
import { createMultiEntrySchema, type MultiEntryMode, readMultiEntry, writeMultiEntryPage } from "./_idb-multientry";

const TABLE = "stories";

export interface Measurement {
  /** Records written (and counted back). */
  records: number;
  /** Wall time of the writes, ms. */
  ms: number;
  recordsPerSec: number;
  /** Records found in the table afterwards; equals `records` or the page throws. */
  counted: number;
  /** Prototype paths only: ms spent on the page's main thread queuing the puts (cloning, key encoding, IPC send); the rest of `ms` is waiting for commits. */
  queueMs?: number;
  /** Layout comparison only: records cloned and written per record written (1 for one value per record). */
  writeAmplification?: number;
  /** Layout comparison only: IndexedDB requests per page (transaction), on average. */
  requestsPerPage?: number;
  /** Chunked layouts only: chunks in the table afterwards. */
  chunks?: number;
  /** Write-order (multiEntry) layout only: JSON bytes of older records written again, per record written (0 when no older chunk is touched). */
  rewrittenBytesPerRecord?: number;
  /** Write-order (multiEntry) layout, `checked` only: the update phase that followed the load, on the same database. */
  update?: Measurement;
}

/**
 * How records are keyed: `sequential` is "0", "1", … (what restsync stores for
 * integer ids; they sort as strings, so "1000" lands between "100" and "101"),
 * `uuid` is `crypto.randomUUID()` (no locality at all).
 */
export type KeyPattern = "sequential" | "uuid";

/** A JSON record of about `bytes` bytes (as JSON.stringify measures it), shaped like an API's story. */
function makeRecord(i: number, bytes: number): JsonRecord {
  const record: JsonRecord = {
    id: i,
    updated_at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
    created_at: new Date(Date.UTC(2023, 0, 1) + i * 1000).toISOString(),
    name: `Story number ${i}`,
    story_type: ["feature", "bug", "chore"][i % 3]!,
    estimate: i % 8,
    labels: [{ id: i % 17, name: `label-${i % 17}` }],
    owner_ids: [`owner-${i % 5}`, `owner-${i % 7}`],
    archived: false,
    description: "",
  };
  const missing = bytes - JSON.stringify(record).length;
  const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
  // Varied text (not one repeated char), so the record is not unusually compressible.
  let text = `${i} `;
  while (text.length < missing) text += words.slice((i + text.length) % 13);
  record.description = text.slice(0, Math.max(0, missing));
  return record;
}

function makePuts(count: number, bytes: number, keys: KeyPattern = "sequential"): RecordPut[] {
  const puts: RecordPut[] = [];
  for (let i = 0; i < count; i++)
    puts.push({ table: TABLE, key: keys === "uuid" ? crypto.randomUUID() : String(i), record: makeRecord(i, bytes) });
  return puts;
}

/** The engine saves the resource's position with every page it writes: a small state entry per batch. */
const stateFor = (page: number) => [
  {
    key: `bench/${TABLE}`,
    value: { cursor: { last_value: new Date(Date.UTC(2024, 0, 1) + page).toISOString(), keys: [String(page)] }, page },
  },
];

let databaseSeq = 0;
const freshName = (label: string) => `bench-${label}-${Date.now()}-${databaseSeq++}`;

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => resolve(); // closed below; deletion completes once the last connection goes
  });
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });

/** The same two stores, schema and key shape (`[table, key]`, out-of-line) the adapter creates. */
const openSameSchema = (name: string) =>
  openDB(name, 1, {
    upgrade(db) {
      db.createObjectStore("records");
      db.createObjectStore("state");
    },
  });

const tableRange = (table: string) => IDBKeyRange.bound([table], [table, []], true, true);

function result(records: number, ms: number, counted: number): Measurement {
  if (counted !== records) throw new Error(`wrote ${records} records but the table holds ${counted}`);
  return { records, ms: round(ms), recordsPerSec: Math.round((records / ms) * 1000), counted };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The idb adapter as the engine drives it: one `write()` per page of `batchSize` records plus the page's state. */
async function adapter(records: number, recordBytes: number, batchSize: number): Promise<Measurement> {
  const name = freshName(`adapter-${batchSize}`);
  const store = idbAdapter({ dbName: name });
  try {
    const puts = makePuts(records, recordBytes);
    await store.getState("warm-up"); // opens (and creates) the database outside the timing
    const start = performance.now();
    for (let page = 0, i = 0; i < records; page++, i += batchSize) {
      const batch: StoreBatch = { puts: puts.slice(i, i + batchSize), state: stateFor(page) };
      await store.write(batch);
    }
    const ms = performance.now() - start;
    return result(records, ms, await store.count(TABLE));
  } finally {
    await store.close?.();
    await deleteDatabase(name);
  }
}

/** Baseline: plain IndexedDB, one readwrite transaction per record, each awaited to `complete`. */
async function perRecordTx(records: number, recordBytes: number): Promise<Measurement> {
  const name = freshName("per-record");
  const db = await openSameSchema(name);
  const raw = unwrap(db) as IDBDatabase;
  try {
    const puts = makePuts(records, recordBytes);
    const start = performance.now();
    for (const { table, key, record } of puts) {
      const tx = raw.transaction("records", "readwrite");
      tx.objectStore("records").put(record, [table, key]);
      await done(tx);
    }
    const ms = performance.now() - start;
    return result(records, ms, await db.count("records", tableRange(TABLE)));
  } finally {
    db.close();
    await deleteDatabase(name);
  }
}

export type Variant =
  /** The adapter's own write path reproduced: idb-wrapped stores, one promise per request (the control). */
  | "wrapped"
  /** Raw `IDBObjectStore.put` through `unwrap(tx)`: no promise per request, only the transaction awaited. */
  | "raw"
  /** Raw puts, transaction opened with `durability: "relaxed"`. */
  | "raw-relaxed"
  /** Raw puts, transaction opened with `durability: "strict"` (flushed to disk before `complete`). */
  | "raw-strict"
  /** Raw puts of each record pre-serialised to one JSON string: structured clone of a string instead of an object graph. */
  | "raw-json-string"
  /** Raw puts of a tiny value under the same keys: per-request cost without the payload. */
  | "raw-tiny-value"
  /** Raw puts, the next batch's transaction started before the previous one commits (at most two in flight). */
  | "raw-pipelined"
  /** The whole batch as one value (one put per batch): the cost per request removed altogether. */
  | "raw-one-value-per-batch"
  /** Records grouped ten to a value (a chunked layout's write side). */
  | "raw-groups-of-10";

/** Prototype write paths over the adapter's schema, batched like the engine, for locating the cost. */
async function variant(
  kind: Variant,
  records: number,
  recordBytes: number,
  batchSize: number,
  keys: KeyPattern = "sequential",
): Promise<Measurement> {
  const name = freshName(kind);
  const db: IDBPDatabase<any> = await openSameSchema(name);
  try {
    const puts = makePuts(records, recordBytes, keys);
    const tiny = { v: 1 };
    let queueMs = 0;
    let inFlight: Promise<void> | undefined;
    const start = performance.now();
    for (let page = 0, i = 0; i < records; page++, i += batchSize) {
      const slice = puts.slice(i, i + batchSize);
      const state = stateFor(page);
      const queued = performance.now();
      if (kind === "wrapped") {
        const tx = db.transaction(["records", "state"], "readwrite");
        const store = tx.objectStore("records");
        for (const { table, key, record } of slice) void store.put(record, [table, key]).catch(() => undefined);
        for (const { key, value } of state)
          void tx
            .objectStore("state")
            .put(value, key)
            .catch(() => undefined);
        queueMs += performance.now() - queued;
        await tx.done;
        continue;
      }
      const options: IDBTransactionOptions | undefined =
        kind === "raw-relaxed"
          ? { durability: "relaxed" }
          : kind === "raw-strict"
            ? { durability: "strict" }
            : undefined;
      const tx = (unwrap(db) as IDBDatabase).transaction(["records", "state"], "readwrite", options);
      const store = tx.objectStore("records");
      const settled = done(tx);
      void settled.catch(() => undefined); // awaited below (pipelined: one batch later)
      if (kind === "raw-json-string")
        for (const { table, key, record } of slice) store.put(JSON.stringify(record), [table, key]);
      else if (kind === "raw-tiny-value") for (const { table, key } of slice) store.put(tiny, [table, key]);
      else if (kind === "raw-one-value-per-batch")
        store.put(
          slice.map((p) => p.record),
          [TABLE, String(page)],
        );
      else if (kind === "raw-groups-of-10")
        for (let g = 0; g < slice.length; g += 10)
          store.put(
            slice.slice(g, g + 10).map((p) => p.record),
            [TABLE, slice[g]!.key],
          );
      else for (const { table, key, record } of slice) store.put(record, [table, key]);
      for (const { key, value } of state) tx.objectStore("state").put(value, key);
      queueMs += performance.now() - queued;
      if (kind === "raw-pipelined") {
        await inFlight;
        inFlight = settled;
      } else await settled;
    }
    await inFlight;
    const ms = performance.now() - start;
    let counted = await db.count("records", tableRange(TABLE));
    if (kind === "raw-one-value-per-batch" || kind === "raw-groups-of-10") {
      counted = 0;
      for (const value of await db.getAll("records", tableRange(TABLE))) counted += (value as unknown[]).length;
    }
    const pages = Math.ceil(records / batchSize);
    const requests =
      kind === "raw-one-value-per-batch" ? pages : kind === "raw-groups-of-10" ? Math.ceil(records / 10) : records;
    return {
      ...result(records, ms, counted),
      queueMs: round(queueMs),
      writeAmplification: 1,
      requestsPerPage: round(requests / pages + stateFor(0).length),
    };
  } finally {
    db.close();
    await deleteDatabase(name);
  }
}

/**
 * The key-range chunked layout (bench/_idb-chunked.ts) with chunks of at most
 * `capacity` records, written a page of `batchSize` records plus its state per
 * transaction. Afterwards every chunk is read back: the table must hold exactly
 * the keys written, each once.
 */
async function chunked(
  capacity: number,
  keys: KeyPattern,
  records: number,
  recordBytes: number,
  batchSize: number,
): Promise<Measurement> {
  const name = freshName(`chunked-${capacity}-${keys}`);
  const db = await openSameSchema(name);
  const raw = unwrap(db) as IDBDatabase;
  try {
    const puts = makePuts(records, recordBytes, keys);
    let rewritten = 0;
    let requests = 0;
    let pages = 0;
    const start = performance.now();
    for (let page = 0, i = 0; i < records; page++, i += batchSize) {
      const stats = await writeChunkedPage(raw, TABLE, puts.slice(i, i + batchSize), stateFor(page), capacity);
      rewritten += stats.rewritten;
      requests += stats.requests;
      pages++;
    }
    const ms = performance.now() - start;
    const stored = await readChunked(raw, TABLE);
    const missing = puts.filter((p) => !stored.keys.has(p.key)).length;
    if (missing || stored.stored !== stored.keys.size || stored.listed !== stored.stored) {
      throw new Error(
        `chunked C=${capacity} ${keys}: wrote ${records} keys; the chunks hold ${stored.stored} (${stored.keys.size} distinct, ${missing} missing), the directory lists ${stored.listed}`,
      );
    }
    return {
      ...result(records, ms, stored.keys.size),
      writeAmplification: round(rewritten / records),
      requestsPerPage: round(requests / pages),
      chunks: stored.chunks,
    };
  } finally {
    db.close();
    await deleteDatabase(name);
  }
}

/**
 * How the update phase's keys are grouped into pages: `pages` takes every
 * n-th key of the load in load order, `batchSize` to a page, and shuffles the
 * pages (a page then holds keys of few older chunks); `scattered` shuffles the
 * keys themselves (as when updates arrive in an order unrelated to the load's:
 * a page holds keys of almost every older chunk).
 */
export type UpdateSpread = "pages" | "scattered";

/** Seeded (so runs compare) Fisher–Yates shuffle, in place. */
function shuffle<T>(items: T[]): T[] {
  let seed = 0x2545f491;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Records the update phase rewrites: `updates` keys of the load, every (records / updates)-th, in pages of `batchSize` grouped as `spread` says. */
function updatePages(
  puts: RecordPut[],
  updates: number,
  recordBytes: number,
  batchSize: number,
  spread: UpdateSpread,
): RecordPut[][] {
  const step = Math.max(1, Math.floor(puts.length / updates));
  const changed: RecordPut[] = [];
  for (let i = 0; i < puts.length && changed.length < updates; i += step) {
    const record = makeRecord(i, recordBytes);
    record.updated_at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
    record.name = `Story number ${i}, renamed`;
    changed.push({ table: TABLE, key: puts[i]!.key, record });
  }
  if (spread === "scattered") shuffle(changed);
  const pages: RecordPut[][] = [];
  for (let i = 0; i < changed.length; i += batchSize) pages.push(changed.slice(i, i + batchSize));
  return spread === "pages" ? shuffle(pages) : pages;
}

/** Throws unless the multiEntry table holds exactly `expected`'s keys, each once, with `expected`'s record (by JSON), and an index entry per key pointing at its chunk. */
async function verifyMultiEntry(db: IDBDatabase, label: string, expected: Map<string, JsonRecord>): Promise<number> {
  const stored = await readMultiEntry(db, TABLE);
  let wrong = 0;
  for (const [key, record] of expected) {
    const found = stored.records.get(key);
    if (!found || JSON.stringify(found) !== JSON.stringify(record)) wrong++;
  }
  if (wrong || stored.records.size !== expected.size) {
    throw new Error(
      `multientry ${label}: wrote ${expected.size} keys; the chunks hold ${stored.records.size}, ${wrong} missing or not the newest value`,
    );
  }
  return stored.chunks;
}

/**
 * The write-order chunked layout with a multiEntry key index
 * (bench/_idb-multientry.ts): one chunk per page of `batchSize` records plus
 * the page's state per transaction, `blind` (puts only) or `checked` (every key
 * looked up in the index first, older chunks holding a key rewritten without
 * it). With `checked` and `updates` > 0, an update phase follows on the same
 * database: `updates` records, every (records / updates)-th key of the load,
 * in pages of `batchSize` grouped as `spread` says, timed on its own.
 * After each phase the table is read back and checked (see verifyMultiEntry).
 */
async function multiEntry(
  mode: MultiEntryMode,
  keys: KeyPattern,
  records: number,
  recordBytes: number,
  batchSize: number,
  updates = 0,
  spread: UpdateSpread = "pages",
): Promise<Measurement> {
  const name = freshName(`multientry-${mode}-${keys}`);
  const db = await openDB(name, 1, { upgrade: (db) => createMultiEntrySchema(unwrap(db) as IDBDatabase) });
  const raw = unwrap(db) as IDBDatabase;
  try {
    const puts = makePuts(records, recordBytes, keys);
    const expected = new Map<string, JsonRecord>();
    const bytes = new Map<string, number>();
    for (const { key, record } of puts) {
      expected.set(key, record);
      bytes.set(key, JSON.stringify(record).length);
    }
    const sizeOf = (key: string) => bytes.get(key) ?? 0;
    let seq = 0;

    type Totals = { requests: number; rewritten: number; rewrittenBytes: number; pages: number; ms: number };
    const writePages = async (pages: RecordPut[][], firstStatePage: number): Promise<Totals> => {
      const totals: Totals = { requests: 0, rewritten: 0, rewrittenBytes: 0, pages: 0, ms: 0 };
      const start = performance.now();
      for (const page of pages) {
        const stats = await writeMultiEntryPage(
          raw,
          TABLE,
          seq++,
          page,
          stateFor(firstStatePage + totals.pages),
          mode,
          sizeOf,
        );
        totals.requests += stats.requests;
        totals.rewritten += stats.rewritten;
        totals.rewrittenBytes += stats.rewrittenBytes;
        totals.pages++;
      }
      totals.ms = performance.now() - start;
      return totals;
    };
    const measured = (count: number, totals: Totals, chunks: number, live: number): Measurement => ({
      records: count,
      ms: round(totals.ms),
      recordsPerSec: Math.round((count / totals.ms) * 1000),
      counted: live,
      writeAmplification: round((count + totals.rewritten) / count),
      requestsPerPage: round(totals.requests / totals.pages),
      rewrittenBytesPerRecord: Math.round(totals.rewrittenBytes / count),
      chunks,
    });

    const loadPages: RecordPut[][] = [];
    for (let i = 0; i < records; i += batchSize) loadPages.push(puts.slice(i, i + batchSize));
    const load = await writePages(loadPages, 0);
    const loaded = measured(
      records,
      load,
      await verifyMultiEntry(raw, `${mode} ${keys} load`, expected),
      expected.size,
    );
    if (mode !== "checked" || updates <= 0) return loaded;

    const pages = updatePages(puts, Math.min(updates, records), recordBytes, batchSize, spread);
    const changed = pages.flat();
    for (const { key, record } of changed) {
      expected.set(key, record);
      bytes.set(key, JSON.stringify(record).length);
    }
    const update = await writePages(pages, loadPages.length);
    const chunks = await verifyMultiEntry(raw, `${mode} ${keys} update`, expected);
    return { ...loaded, update: measured(changed.length, update, chunks, expected.size) };
  } finally {
    db.close();
    await deleteDatabase(name);
  }
}

/** Cost of structured-cloning the records alone (what `put` does to each value before it is written), ms. */
function cloneCost(records: number, recordBytes: number): { records: number; ms: number; recordsPerSec: number } {
  const puts = makePuts(records, recordBytes);
  const start = performance.now();
  for (const { record } of puts) structuredClone(record);
  const ms = performance.now() - start;
  return { records, ms: round(ms), recordsPerSec: Math.round((records / ms) * 1000) };
}

/** Size of one generated record as JSON, for the report. */
const recordSize = (recordBytes: number) => JSON.stringify(makeRecord(12345, recordBytes)).length;

const api = { adapter, perRecordTx, variant, chunked, multiEntry, cloneCost, recordSize };
export type IdbPageApi = typeof api;
(globalThis as unknown as { __idbBench: IdbPageApi }).__idbBench = api;
