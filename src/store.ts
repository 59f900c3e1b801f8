import { StorageError } from "./errors";
import type { ResourceSchema, SchemaInferrer } from "./schema/types";

/** A JSON object as records arrive from an API and as stores keep them. */
export type JsonRecord = Record<string, unknown>;

/** A value or a promise of it: adapters over synchronous storage need not allocate promises. */
export type MaybePromise<T> = T | Promise<T>;

/** One record to write, under its table and key. */
export interface RecordPut {
  table: string;
  key: string;
  record: JsonRecord;
}

/**
 * A set of changes applied together: record puts and deletes first, then
 * dropped tables, then state. An adapter with `atomic: true` applies a batch
 * all-or-nothing; others must at least keep this order, so that state never
 * describes records that are not stored yet.
 */
export interface StoreBatch {
  puts?: readonly RecordPut[];
  deletes?: ReadonlyArray<{ table: string; key: string }>;
  /** Tables whose records are all removed. */
  drops?: readonly string[];
  /** State entries to set; `undefined` removes the entry. Values are JSON-serialisable. */
  state?: ReadonlyArray<{ key: string; value: unknown }>;
  /**
   * Apply the batch only if every listed state entry holds this JSON value
   * (`undefined`: the entry is absent) when the batch is applied, after every
   * write before it; otherwise apply nothing and throw a {@link StorageError}
   * with code `store_conflict`. Sent only to adapters that declare
   * {@link StoreAdapter.conditionalWrites}.
   */
  expect?: ReadonlyArray<{ key: string; value: unknown }>;
  /**
   * The inferred schema of a resource and the table its readers see, sent with the
   * first batch of a run, with every batch that changes the schema (which `state`
   * then saves too) and when a replace swaps tables. Stores that present
   * resources as SQL views (re)create them from it with the batch; others ignore it.
   */
  schemas?: ReadonlyArray<{ resource: string; table: string; schema: ResourceSchema }>;
}

/** One page of a table, in ascending key order. */
export interface ScanPage {
  entries: Array<{ key: string; record: JsonRecord }>;
  /** Pass as `after` to read the next page; `undefined` at the end. */
  next: string | undefined;
}

/**
 * The storage interface every adapter implements: records grouped in tables
 * and keyed by strings, plus a small key-value state area. restsync names the
 * tables and keys; adapters only store them. restsync's own adapters pass the
 * store contract suite of its repository.
 */
export interface StoreAdapter {
  /** Adapter name for reports and errors, e.g. `"memory"`. */
  readonly name: string;
  /** True when {@link StoreAdapter.write} applies a whole batch or nothing. */
  readonly atomic: boolean;
  /**
   * True when `write` honours {@link StoreBatch.expect}: the check and the
   * batch are one atomic step, done by the storage that other writers share
   * by the time `write` (or, for a buffering adapter, `flush`) resolves. restsync then keeps a lease in the store's state, so that two runs of a
   * pipeline exclude each other even from different processes or machines
   * (unless {@link StoreAdapter.sharedWith} says nobody else can write it).
   */
  readonly conditionalWrites?: boolean;
  /**
   * Who besides this adapter object can write its storage. `"nobody"`: the
   * storage is this object's own, or the adapter locks it while open (memory,
   * fs); one run at a time per adapter object excludes every other, and no
   * lease is kept. `"origin"`: other tabs and workers of this origin
   * (IndexedDB), which Web Locks exclude where the runtime has them.
   * Absent: anyone (a shared database or service).
   */
  readonly sharedWith?: "nobody" | "origin";
  write(batch: StoreBatch): MaybePromise<void>;
  get(table: string, key: string): MaybePromise<JsonRecord | undefined>;
  /** Several records at once; missing ones are `undefined`. Optional: falls back to `get`. */
  getMany?(table: string, keys: readonly string[]): MaybePromise<Array<JsonRecord | undefined>>;
  count(table: string): MaybePromise<number>;
  /** Up to `limit` records with keys after `after` (exclusive), in ascending key order. */
  scan(table: string, options: { after?: string; limit: number }): MaybePromise<ScanPage>;
  getState(key: string): MaybePromise<unknown>;
  /**
   * Several state entries at once (absent ones `undefined`), for stores where each read
   * is a round trip (D1): a run then reads its resources' state in one call when it
   * starts. Optional: runs fall back to `getState`.
   */
  getStates?(keys: readonly string[]): MaybePromise<unknown[]>;
  /**
   * Makes every write so far durable. Adapters that buffer writes (Workers KV)
   * implement it; restsync calls it at the end of every run. A buffering adapter
   * must still never make state durable before the records it covers.
   */
  flush?(): MaybePromise<void>;
  /**
   * Stores that present resources by their schema (SQL views) ask for schema inference
   * here (`inferSchemas` from `restsync/schema`): every pipeline over them then infers
   * and sends {@link StoreBatch.schemas}.
   */
  readonly inferSchemas?: SchemaInferrer;
  /** Releases connections or handles; the adapter may reopen on next use. */
  close?(): MaybePromise<void>;
}

/**
 * The store key for a primary key value (one field, or several for composite keys).
 * A bigint keys as its decimal digits, like the number or string of the same value,
 * so an id past 2^53 (read from the API as a string of its digits) is found by either.
 */
export function recordKey(values: readonly unknown[]): string {
  const part = (value: unknown) =>
    typeof value === "string" ? value : typeof value === "bigint" ? value.toString() : JSON.stringify(value);
  return values.length === 1 ? part(values[0]) : JSON.stringify(values.map(part));
}

/**
 * For adapters that implement {@link StoreAdapter.conditionalWrites}: throws a
 * `store_conflict` {@link StorageError} unless every entry of `expect` equals,
 * as JSON, what `current(key)` returns (`undefined` for an absent entry).
 */
export function assertExpected(expect: StoreBatch["expect"], current: (key: string) => unknown, store: string): void {
  for (const { key, value } of expect ?? []) {
    if (!jsonEqual(current(key), value)) {
      throw new StorageError(
        `${store} store refused a conditional write: state "${key}" is not what the writer expected (another writer changed it)`,
        { code: "store_conflict" },
      );
    }
  }
}

/** Deep equality of JSON values; object keys in any order. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
