import { isPlainObject } from "../_objects";
import type { RecordsContext } from "../config/records";
import { isRestsyncError, RestsyncError } from "../errors";
import type { PageRequest } from "../paginators/index";
import type { JsonRecord } from "../store";
import type { ChainInput, PageHandler } from "./_chain";
import type { FanOutContext } from "./_contexts";
import type { IncrementalFilter } from "./_incremental";
import type { CursorValue } from "./state";

/** Single records yielded one by one are gathered into pages of this many. */
const PAGE_SIZE = 1000;
/** A page that is not the last: a records function has no position to resume from, only "more to come". */
const MORE: PageRequest = { url: "", query: {} };

/**
 * Reads a records-function resource the way readChain reads an endpoint: each
 * yielded array one page, single records gathered into pages, each handed to
 * `onPage`. `maxPages` closes the function's generator, as dlt's add_limit does.
 * What the function throws fails the resource, named.
 */
export async function readRecords(
  input: ChainInput,
  context: FanOutContext,
  filter: IncrementalFilter | undefined,
  onPage: PageHandler,
): Promise<void> {
  const { resource, progress, report, signal } = input;
  const urlOf = () => "its records function";
  // No API clock here: a date cursor is capped at the local time before the function started.
  const startedAt = Date.now();
  // dlt's add_limit counts yields: under maxPages each record yielded alone is a page of its own.
  const size = input.maxPages === undefined ? PAGE_SIZE : 1;
  const buffer: JsonRecord[] = [];
  /** Hands one page on; false once maxPages is reached. */
  const page = async (records: JsonRecord[]): Promise<boolean> => {
    progress.fetched(context.key, progress.started(context.key) ? undefined : startedAt);
    await onPage(records, MORE, urlOf);
    if (input.maxPages === undefined || progress.sampled(context.key) < input.maxPages) return true;
    report.limited = true;
    return false;
  };
  try {
    const produced = await resource.records!(recordsContext(filter, resource.incremental?.initial_value, signal));
    let more = true;
    for await (const item of iterable(produced)) {
      signal?.throwIfAborted();
      if (Array.isArray(item)) {
        if (buffer.length > 0) more = await page(buffer.splice(0));
        if (more && item.length > 0) more = await page(item.map((record) => checked(record)));
      } else if (buffer.push(checked(item)) >= size) more = await page(buffer.splice(0));
      // Leaving the loop closes the generator (its finally blocks run).
      if (!more) break;
    }
    if (more && buffer.length > 0) await page(buffer);
  } catch (error) {
    if (signal?.aborted || isRestsyncError(error)) throw error;
    throw new RestsyncError(
      "records_failed",
      `${resource.name}: its records function failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error, resource: resource.name },
    );
  }
  progress.finish(context.key, filter);
}

function recordsContext(
  filter: IncrementalFilter | undefined,
  initial: CursorValue | undefined,
  signal: AbortSignal | undefined,
): RecordsContext {
  const incremental = filter && {
    ...(filter.startValue !== undefined ? { start_value: filter.startValue } : {}),
    ...(filter.endValue !== undefined ? { end_value: filter.endValue } : {}),
    ...(initial !== undefined ? { initial_value: initial } : {}),
  };
  return { ...(incremental ? { incremental } : {}), ...(signal ? { signal } : {}) };
}

/** What the function returned, as something to iterate: a lone record is a list of one. */
function iterable(produced: unknown): AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof produced === "object" && produced !== null) {
    if (Symbol.asyncIterator in produced) return produced as AsyncIterable<unknown>;
    if (Symbol.iterator in produced) return produced as Iterable<unknown>;
    if (isPlainObject(produced)) return [produced];
  }
  throw new TypeError(
    `it returned ${String(produced)}; return an array of records, or yield records or arrays of them`,
  );
}

function checked(item: unknown): JsonRecord {
  if (typeof item === "object" && item !== null && !Array.isArray(item)) return item as JsonRecord;
  throw new TypeError(
    `it yielded ${JSON.stringify(item) ?? String(item)}, not a record (an object) or an array of records`,
  );
}
