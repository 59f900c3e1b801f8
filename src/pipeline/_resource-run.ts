import * as v from "valibot";
import { forEachLimited } from "../_async";
import { formatPath } from "../config/_issues";
import type { JsonRecord } from "../config/_schema";
import type { SourceResource } from "../config/source";
import { ResponseError, StorageError, isBudgetExhaustedError } from "../errors";
import type { HttpClient } from "../http/client";
import { createPaginator, requestKey, type PageRequest } from "../paginators/index";
import { recordKey, type RecordPut, type StoreAdapter, type StoreBatch } from "../store";
import { project, type FanOutContext, type Projection } from "./_contexts";
import { commitCursors, cursorFor } from "./_cursors";
import { IncrementalFilter } from "./_incremental";
import { firstRequest } from "./_request";
import { selectRecords } from "./_select";
import { hashString, stableStringify } from "./_stable";
import { stateKey, tableName, type ResourceProgress, type ResourceState } from "./_state";
import type { ProgressEvent, ResourceReport } from "./report";

export interface ResourceRunInput {
  resource: SourceResource;
  client: HttpClient;
  store: StoreAdapter;
  pipeline: string;
  state: ResourceState;
  /** The sync cycle this run belongs to. */
  cycle: string;
  contexts: FanOutContext[];
  /** Whether records are stored and state advanced (false for parents run only to feed children). */
  writable: boolean;
  /** Parent fields (JSONPaths) children need; undefined when nothing depends on this resource. */
  project: readonly string[] | undefined;
  concurrency: number;
  /** Per-parent cursors kept before falling back to one per resource. */
  maxParentCursors: number;
  signal: AbortSignal | undefined;
  report: ResourceReport;
  emit: (event: ProgressEvent) => void;
  /** Extra state written with the resource's final commit (the cycle's progress, the values children need). */
  onCommit: (projections: Projection[]) => StoreBatch["state"];
}

/**
 * Progress is saved with a page's records at most this often, so a killed run
 * fetches again at most this much. Time, not pages: a child's progress lists
 * every parent it visited, and saving it every few pages would cost O(n²).
 */
const SAVE_EVERY_MS = 2000;

/**
 * Fetches every page of a resource (for every fan-out context), writes each
 * page as one batch, and only then commits the state that covers them. When
 * the run stops part-way (budget, abort), what is stored and where each
 * context stands is saved, and the next run of the cycle resumes from there.
 * Returns the projections its children need.
 */
export async function runResource(input: ResourceRunInput): Promise<Projection[]> {
  const { resource, store, pipeline, state, report, writable } = input;
  const key = stateKey(pipeline, resource.name);
  const resumed = state.progress?.cycle === input.cycle ? state.progress : undefined;
  const replacing = resource.writeDisposition === "replace";
  const progress: ResourceProgress = {
    cycle: input.cycle,
    done: [...(resumed?.done ?? [])],
    positions: { ...(resumed?.positions ?? {}) },
    observed: { ...(resumed?.observed ?? {}) },
    cursors: { ...(resumed?.cursors ?? {}) },
    since: { ...(resumed?.since ?? {}) },
    ...(replacing ? { staging: resumed?.staging ?? state.generation + 1 } : {}),
    append_seq: resumed?.append_seq ?? state.append_seq ?? 0,
    ...(input.project ? { fanout: [...(resumed?.fanout ?? [])] } : {}),
  };
  const generation = progress.staging ?? state.generation;
  const table = tableName(pipeline, resource.name, generation);
  const done = new Set(progress.done);
  const projections: Projection[] = progress.fanout ?? [];
  let lastSave = Date.now();

  const write = async (batch: StoreBatch) => {
    try {
      await store.write(batch);
    } catch (error) {
      throw new StorageError(`${resource.name}: ${store.name} store failed to write: ${(error as Error)?.message ?? error}`, { cause: error, resource: resource.name });
    }
  };
  /** Filters of contexts under way: their observations are copied into the progress only when it is saved. */
  const liveFilters = new Map<string, IncrementalFilter>();
  let progressSaved = resumed !== undefined;
  const saveProgress = (): NonNullable<StoreBatch["state"]> => {
    lastSave = Date.now();
    progressSaved = true;
    for (const [key, filter] of liveFilters) progress.observed[key] = filter.observed();
    // Parents run only to feed children save progress too (their values, no records), or a budget
    // smaller than their page count would never let them finish.
    return [{ key, value: { ...state, progress: { ...progress, done: [...done] } } }];
  };

  if (writable && replacing && !resumed) {
    // Leftovers of an earlier replace that died before switching (or before cleaning up).
    await write({ drops: [table, ...(state.generation > 0 ? [tableName(pipeline, resource.name, state.generation - 1)] : [])] });
  }

  const keyOf = (record: JsonRecord, urlOf: () => string): string => {
    if (!resource.primaryKey) return hashString(stableStringify(record));
    const values = resource.primaryKey.map((field) => (Object.prototype.hasOwnProperty.call(record, field) ? record[field] : undefined));
    const missing = resource.primaryKey.filter((_, i) => values[i] === undefined || values[i] === null);
    if (missing.length > 0) {
      const url = urlOf();
      throw new ResponseError("record_invalid", `${resource.name}: a record from ${url} has no primary key ${missing.map((m) => `"${m}"`).join(", ")}`, { url, resource: resource.name });
    }
    return recordKey(values);
  };

  /** A record checked against the resource's schema: its parsed output, or undefined when dropped. */
  const checkSchema = (record: JsonRecord, key: string, urlOf: () => string): JsonRecord | undefined => {
    const result = v.safeParse(resource.schema!, record);
    if (result.success) return result.output as JsonRecord;
    const issue = result.issues[0];
    const where = `${formatPath((issue.path ?? []).map((item) => item.key as string | number)) || "(record)"}: ${issue.message}`;
    if (resource.onInvalidRecord === "fail") {
      throw new ResponseError("record_invalid", `${resource.name}: record ${key} from ${urlOf()} does not match its schema at ${where}`, { url: urlOf(), resource: resource.name });
    }
    report.invalid = (report.invalid ?? 0) + 1;
    const seen = (report.invalidIssues ??= []);
    if (seen.length < 10 && !seen.includes(where)) seen.push(where);
    return undefined;
  };

  /** Records without a cursor are written only when they differ from the stored copy. */
  const changedOnly = async (candidates: RecordPut[]): Promise<RecordPut[]> => {
    if (candidates.length === 0 || replacing) return candidates;
    const keys = candidates.map((c) => c.key);
    let stored: Array<JsonRecord | undefined>;
    try {
      stored = store.getMany ? await store.getMany(table, keys) : await Promise.all(keys.map((k) => store.get(table, k)));
    } catch (error) {
      throw new StorageError(`${resource.name}: ${store.name} store failed to read: ${(error as Error)?.message ?? error}`, { cause: error, resource: resource.name });
    }
    const changed = candidates.filter((c, i) => stored[i] === undefined || stableStringify(stored[i]) !== stableStringify(c.record));
    report.unchanged += candidates.length - changed.length;
    return changed;
  };

  /** Filters, transforms and writes one page; `next` is where this context goes on from, saved with the page. */
  const processPage = async (records: JsonRecord[], context: FanOutContext, filter: IncrementalFilter | undefined, urlOf: () => string, next: PageRequest | undefined) => {
    report.received += records.length;
    const puts: RecordPut[] = [];
    const noCursor: RecordPut[] = [];
    const pageProjections: Projection[] = [];
    for (let record of records) {
      if (resource.includeFromParent.length > 0) record = { ...record, ...context.include };
      const recordKeyValue = keyOf(record, urlOf);
      const verdict = filter ? filter.judge(record, recordKeyValue) : "new";
      if (verdict === "missing") {
        report.missingCursor++;
        if (resource.incremental!.on_cursor_value_missing === "raise") {
          throw new ResponseError("record_invalid", `${resource.name}: record ${recordKeyValue} from ${urlOf()} has no cursor value at "${resource.incremental!.cursor_path}"`, { url: urlOf(), resource: resource.name });
        }
      }
      const keep = verdict === "new" || (verdict === "missing" && resource.incremental!.on_cursor_value_missing === "include");
      if (!keep) report.unchanged++;
      let output: JsonRecord | undefined = keep ? record : undefined;
      for (const step of keep ? resource.processingSteps : []) {
        if ("filter" in step) {
          if (!step.filter(output!)) {
            report.filtered++;
            output = undefined;
            break;
          }
        } else output = step.map(output!);
      }
      if (output && resource.schema) output = checkSchema(output, recordKeyValue, urlOf);
      if (output) {
        const seq = progress.append_seq!;
        const put = { table, key: resource.writeDisposition === "append" ? String(seq).padStart(12, "0") : keyOf(output, urlOf), record: output };
        if (resource.writeDisposition === "append") progress.append_seq = seq + 1;
        if (verdict === "missing" && resource.writeDisposition === "merge") noCursor.push(put);
        else puts.push(put);
      }
      if (input.project) pageProjections.push({ fields: project(record, input.project), written: output !== undefined });
    }
    const toWrite = writable ? [...puts, ...(await changedOnly(noCursor))] : [];
    // The page's records and the position after it move together: one batch (one transaction where the store has them).
    projections.push(...pageProjections);
    if (next) progress.positions[context.key] = next;
    const due = Date.now() - lastSave >= SAVE_EVERY_MS;
    const batch: StoreBatch = { ...(toWrite.length > 0 ? { puts: toWrite } : {}), ...(due ? { state: saveProgress() } : {}) };
    if (batch.puts || batch.state?.length) await write(batch);
    report.records += toWrite.length;
    report.pages++;
    input.emit({ type: "page", resource: resource.name, page: report.pages, received: records.length, written: toWrite.length, totalWritten: report.records });
  };

  const runContext = async (context: FanOutContext) => {
    const filter = resource.incremental
      ? new IncrementalFilter(resource.incremental, cursorFor(state, context.key), progress.observed[context.key])
      : undefined;
    if (filter) liveFilters.set(context.key, filter);
    const { first, json, headers } = firstRequest(resource, context, filter, input.client);
    const paginator = createPaginator(resource.paginator);
    const seen = new Set<string>();
    let request: PageRequest | undefined = progress.positions[context.key] ?? paginator.init(first);
    while (request) {
      const id = requestKey(request);
      if (seen.has(id)) {
        const shown = input.client.redactor.url(request.url);
        throw new ResponseError("paginator_loop", `${resource.name}: the ${resource.paginator.type} paginator asked for a page it already fetched (${shown}); stopping to avoid a loop`, { url: shown, resource: resource.name });
      }
      seen.add(id);
      progress.positions[context.key] = request;
      const sentAt = Date.now();
      const response = await input.client.request(
        { url: request.url, method: resource.method, query: request.query, json, headers },
        {
          resource: resource.name,
          retry: resource.retry,
          actions: resource.responseActions,
          signal: input.signal,
          onAttempt: () => report.requests++,
          onRetry: (event) => {
            report.retries++;
            input.emit({ type: "retry", ...event });
          },
        },
      );
      if (progress.since![context.key] === undefined) progress.since![context.key] = apiTimeBefore(response.headers, sentAt);
      if (response.ignored) break;
      // Redacted URLs are for error messages: computed only when one is raised.
      const shownUrl = lazy(() => input.client.redactor.url(response.url));
      const records = selectRecords(response.body, resource.dataSelector, { resource: resource.name, get url() { return shownUrl(); }, redact: (text) => input.client.redactor.text(text) });
      const next = paginator.next(request, response, records);
      await processPage(records, context, filter, shownUrl, next);
      request = next;
    }
    delete progress.positions[context.key];
    delete progress.observed[context.key];
    liveFilters.delete(context.key);
    // A date cursor never passes the API's time before this context's first page: a record changed
    // while the pages were read (on a page already read) has a later date, and the next cycle takes it.
    progress.cursors[context.key] = filter ? (filter.nextState(progress.since![context.key]) ?? null) : null;
    done.add(context.key);
  };

  try {
    await forEachLimited(
      input.contexts.filter((context) => !done.has(context.key)),
      input.concurrency,
      runContext,
    );
  } catch (error) {
    {
      if (isBudgetExhaustedError(error) || input.signal?.aborted) {
        // Stopped, not failed: keep every position so the next run of the cycle resumes exactly here.
        await write({ state: saveProgress() }).catch(() => undefined);
      } else {
        // Failed: keep the parents already done, but fetch the failing ones from their first page again
        // (a saved next-page token may be what the API rejects).
        progress.positions = {};
        progress.observed = {};
        liveFilters.clear();
        if (done.size > 0 || progressSaved) await write({ state: saveProgress() }).catch(() => undefined);
      }
    }
    throw error;
  }

  if (writable) {
    const next: ResourceState = {
      ...commitCursors(state, progress.cursors, resource.incremental !== undefined, input.maxParentCursors),
      generation,
      ...(resource.writeDisposition === "append" ? { append_seq: progress.append_seq } : {}),
      last_run: { status: "completed", finished_at: new Date().toISOString(), records: report.records },
    };
    delete next.progress;
    // Every record is written by now: this is the commit point of the resource.
    await write({ state: [{ key, value: next }, ...(input.onCommit(projections) ?? [])] });
    if (replacing && state.generation !== generation) await write({ drops: [tableName(pipeline, resource.name, state.generation)] });
  } else {
    const { progress: _done, ...rest } = state;
    await write({ state: [...(progressSaved ? [{ key, value: rest }] : []), ...(input.onCommit(projections) ?? [])] });
  }
  return projections;
}

/** The API's time (ms) at or before a request sent at local `sentAt`: its `Date` less the round trip, or the local clock. */
function apiTimeBefore(headers: Headers, sentAt: number): number {
  const date = Date.parse(headers.get("date") ?? "");
  // Date has one-second resolution: a second off makes it a lower bound.
  return Number.isNaN(date) ? sentAt : date - (Date.now() - sentAt) - 1000;
}

function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}
