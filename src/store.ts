import type { JsonRecord } from "./config/_schema";

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
 * tables and keys; adapters only store them. Checked by the contract suite in
 * `test/contract/`.
 */
export interface StoreAdapter {
  /** Adapter name for reports and errors, e.g. `"memory"`. */
  readonly name: string;
  /** True when {@link StoreAdapter.write} applies a whole batch or nothing. */
  readonly atomic: boolean;
  write(batch: StoreBatch): MaybePromise<void>;
  get(table: string, key: string): MaybePromise<JsonRecord | undefined>;
  /** Several records at once; missing ones are `undefined`. Optional: falls back to `get`. */
  getMany?(table: string, keys: readonly string[]): MaybePromise<Array<JsonRecord | undefined>>;
  count(table: string): MaybePromise<number>;
  /** Up to `limit` records with keys after `after` (exclusive), in ascending key order. */
  scan(table: string, options: { after?: string; limit: number }): MaybePromise<ScanPage>;
  getState(key: string): MaybePromise<unknown>;
  /**
   * Makes every write so far durable. Adapters that buffer writes (Workers KV)
   * implement it; restsync calls it at the end of every run. A buffering adapter
   * must still never make state durable before the records it covers.
   */
  flush?(): MaybePromise<void>;
  /** Releases connections or handles; the adapter may reopen on next use. */
  close?(): MaybePromise<void>;
}

/**
 * The store key for a primary key value (one field, or several for composite keys).
 * A bigint keys as its decimal digits, like the number or string of the same value,
 * so an id past 2^53 (read from the API as a string of its digits) is found by either.
 */
export function recordKey(values: readonly unknown[]): string {
  const part = (value: unknown) => (typeof value === "string" ? value : typeof value === "bigint" ? value.toString() : JSON.stringify(value));
  return values.length === 1 ? part(values[0]) : JSON.stringify(values.map(part));
}
