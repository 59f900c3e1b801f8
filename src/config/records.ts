/**
 * A resource whose records come from a function rather than an endpoint: the
 * TypeScript counterpart of passing a `DltResource` beside config resources.
 */
import type { CursorValue } from "../pipeline/state";
import type { JsonRecord } from "../store";

/** What a records function is given for one run. */
export interface RecordsContext {
  /**
   * The resource's `incremental`, when it has one: `start_value` is the stored
   * cursor less `lag` (else `initial_value`; always `initial_value` under
   * `replace`), for the function to ask its source only for what is newer.
   */
  incremental?: { start_value?: CursorValue; end_value?: CursorValue; initial_value?: CursorValue };
  /** Aborted when the run is: stop producing records. */
  signal?: AbortSignal;
}

/** What a records function may yield: one record, or a page of them. */
export type RecordsItem = JsonRecord | readonly JsonRecord[];

/**
 * A resource's records: an async generator or generator function (each yielded
 * array a page, single records gathered into pages of 1,000; under `maxPages`,
 * which counts yields as dlt does, each its own page), or a function returning
 * (a promise of) an array of records.
 */
export type RecordsFunction = (
  context: RecordsContext,
) =>
  | AsyncIterable<RecordsItem>
  | Iterable<RecordsItem>
  | JsonRecord
  | Promise<Iterable<RecordsItem> | AsyncIterable<RecordsItem> | JsonRecord>;
