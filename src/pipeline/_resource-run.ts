import { forEachLimited } from "../_async";
import type { JsonRecord } from "../config/_schema";
import type { SourceResource } from "../config/source";
import { ResponseError, StorageError, isBudgetExhaustedError, isStorageError } from "../errors";
import type { HttpClient } from "../http/client";
import { credentialFreeRequest } from "../http/_credentials";
import type { Redactor } from "../http/_redact";
import { setOwn } from "../secrets";
import { createPaginator, requestKey, type PageRequest } from "../paginators/index";
import type { RecordPut, StoreAdapter, StoreBatch } from "../store";
import { project, type FanOutContext, type Projection } from "./_contexts";
import { commitCursors, cursorFor } from "./_cursors";
import { MAX_RECORD_DEPTH, nestedDeeperThan } from "./_depth";
import { IncrementalFilter } from "./_incremental";
import { identityKey, isPositional, positionalKey, truncatePositional } from "./_record-keys";
import { firstRequest } from "./_request";
import { invalid, SchemaCheck } from "./_schema-check";
import { selectRecords } from "./_select";
import { stableStringify } from "./_stable";
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
  /**
   * Progress is saved with a page's records at most this often, so a killed run
   * fetches again at most this much. Time, not pages: a child's progress lists
   * every parent it visited, and saving it every few pages would cost O(n²).
   */
  progressIntervalMs: number;
  signal: AbortSignal | undefined;
  report: ResourceReport;
  emit: (event: ProgressEvent) => void;
  /** Extra state written with the resource's final commit (the cycle's progress, the values children need). */
  onCommit: (projections: Projection[]) => StoreBatch["state"];
}

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
  const positional = isPositional(resource);
  const progress: ResourceProgress = {
    cycle: input.cycle,
    done: [...(resumed?.done ?? [])],
    positions: { ...(resumed?.positions ?? {}) },
    observed: { ...(resumed?.observed ?? {}) },
    cursors: { ...(resumed?.cursors ?? {}) },
    since: { ...(resumed?.since ?? {}) },
    pages: { ...(resumed?.pages ?? {}) },
    ...(replacing ? { staging: resumed?.staging ?? state.generation + 1 } : {}),
    // Positions of positional records: an append table's go on from the last completed cycle; a replace fills a fresh table.
    append_seq: resumed?.append_seq ?? (replacing ? 0 : (state.append_seq ?? 0)),
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
      // A conflict (another run took the pipeline over) stays one: it is not a failing store.
      const code = isStorageError(error) && error.code === "store_conflict" ? "store_conflict" : "storage_failed";
      throw new StorageError(`${resource.name}: ${store.name} store failed to write: ${(error as Error)?.message ?? error}`, { cause: error, resource: resource.name, code });
    }
  };
  /** Filters of contexts under way: their observations are copied into the progress only when it is saved. */
  const liveFilters = new Map<string, IncrementalFilter>();
  let progressSaved = resumed !== undefined;
  const saveProgress = (): NonNullable<StoreBatch["state"]> => {
    lastSave = Date.now();
    progressSaved = true;
    for (const [key, filter] of liveFilters) progress.observed[key] = filter.observed();
    // Saved positions hold no credential: an API may echo the key into its next links.
    const positions: ResourceProgress["positions"] = {};
    for (const [context, request] of Object.entries(progress.positions)) setOwn(positions, context, savablePosition(request, input.client.redactor, resource.name));
    // Parents run only to feed children save progress too (their values, no records), or a budget
    // smaller than their page count would never let them finish.
    return [{ key, value: { ...state, progress: { ...progress, positions, done: [...done] } } }];
  };

  if (writable && replacing && !resumed) {
    // Leftovers of an earlier replace that died before switching (or before cleaning up).
    await write({ drops: [table, ...(state.generation > 0 ? [tableName(pipeline, resource.name, state.generation - 1)] : [])] });
  } else if (writable && positional) {
    // Rows stored past the position this cycle last saved (resuming), or by a cycle that never completed
    // (starting afresh), are fetched again: remove them first, or they would be stored twice.
    await truncatePositional(store, table, progress.append_seq!, resource.name);
  }

  const keyOf = (record: JsonRecord, urlOf: () => string) => identityKey(resource, record, urlOf);
  const warn = (message: string) => {
    (report.warnings ??= []).push(message);
    input.emit({ type: "warning", resource: resource.name, message });
  };
  const schema = resource.schema ? new SchemaCheck(resource, report, warn) : undefined;

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
      if (nestedDeeperThan(record, MAX_RECORD_DEPTH)) {
        const why = `nested deeper than ${MAX_RECORD_DEPTH} levels`;
        if (resource.onInvalidRecord === "fail") {
          throw new ResponseError("record_invalid", `${resource.name}: a record from ${urlOf()} is ${why}, more than restsync stores (drop such records with on_invalid_record: "drop")`, { url: urlOf(), resource: resource.name });
        }
        invalid(report, `(record): ${why}`);
        continue;
      }
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
      if (output && schema) output = schema.check(output, recordKeyValue, urlOf);
      if (output) {
        const put = { table, key: positional ? positionalKey(progress.append_seq!++) : keyOf(output, urlOf), record: output };
        if (verdict === "missing" && resource.writeDisposition === "merge") noCursor.push(put);
        else puts.push(put);
      }
      if (input.project) pageProjections.push({ fields: project(record, input.project), written: output !== undefined });
    }
    const toWrite = writable ? [...puts, ...(await changedOnly(noCursor))] : [];
    // The page's records and the position after it move together: one batch (one transaction where the store has them).
    projections.push(...pageProjections);
    // Saved with the page, the position says what comes after it: the next page, or that the chain is done
    // (positional rows would be stored twice if a resumed run read the last page again).
    if (next) progress.positions[context.key] = next;
    else finishContext(context, filter);
    const due = Date.now() - lastSave >= input.progressIntervalMs;
    const batch: StoreBatch = { ...(toWrite.length > 0 ? { puts: toWrite } : {}), ...(due ? { state: saveProgress() } : {}) };
    if (batch.puts || batch.state?.length) await write(batch);
    report.records += toWrite.length;
    report.pages++;
    input.emit({ type: "page", resource: resource.name, page: report.pages, received: records.length, written: toWrite.length, totalWritten: report.records });
  };

  /** The context's chain is over: its cursor is what it commits when the resource completes. */
  const finishContext = (context: FanOutContext, filter: IncrementalFilter | undefined) => {
    delete progress.positions[context.key];
    delete progress.observed[context.key];
    delete progress.pages![context.key];
    liveFilters.delete(context.key);
    // A date cursor never passes the API's time before this context's first page: a record changed
    // while the pages were read (on a page already read) has a later date, and the next cycle takes it.
    progress.cursors[context.key] = filter ? (filter.nextState(progress.since![context.key]) ?? null) : null;
    done.add(context.key);
  };

  const runContext = async (context: FanOutContext) => {
    const filter = resource.incremental
      ? new IncrementalFilter(resource.incremental, cursorFor(state, context.key), progress.observed[context.key])
      : undefined;
    if (filter) liveFilters.set(context.key, filter);
    const { first, json, headers } = firstRequest(resource, context, filter, input.client);
    const paginator = createPaginator(resource.paginator);
    const seen = new Set<string>();
    let request: PageRequest | undefined = withCredentials(progress.positions[context.key], first) ?? paginator.init(first);
    while (request) {
      const id = requestKey(request);
      if (seen.has(id)) {
        const shown = input.client.redactor.url(request.url);
        throw new ResponseError("paginator_loop", `${resource.name}: the ${resource.paginator.type} paginator asked for a page it already fetched (${shown}); stopping to avoid a loop`, { url: shown, resource: resource.name });
      }
      seen.add(id);
      const fetched = progress.pages![context.key] ?? 0;
      if (fetched >= resource.maxPages) {
        const shown = input.client.redactor.url(request.url);
        throw new ResponseError("page_limit", `${resource.name}: stopped after ${fetched} pages of one chain (endpoint.max_pages is ${resource.maxPages}); the API kept sending next pages, the last to ${shown}. If the list really is that long, raise max_pages`, { url: shown, resource: resource.name });
      }
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
      progress.pages![context.key] = fetched + 1;
      if (response.ignored) break;
      // Redacted URLs are for error messages: computed only when one is raised.
      const shownUrl = lazy(() => input.client.redactor.url(response.url));
      const records = selectRecords(response.body, resource.dataSelector, { resource: resource.name, get url() { return shownUrl(); }, redact: (text) => input.client.redactor.text(text) });
      const next = paginator.next(request, response, records);
      await processPage(records, context, filter, shownUrl, next);
      request = next;
    }
    // A response action ignored the response: the chain ends without a page.
    if (!done.has(context.key)) finishContext(context, filter);
  };

  try {
    await forEachLimited(
      input.contexts.filter((context) => !done.has(context.key)),
      input.concurrency,
      runContext,
    );
  } catch (error) {
    if (isBudgetExhaustedError(error) || input.signal?.aborted) {
      // Stopped, not failed: keep every position so the next budgeted run of the cycle resumes exactly here.
      await write({ state: saveProgress() }).catch(() => undefined);
    } else if (progressSaved || (writable && done.size > 0)) {
      // Failed: the resource's part of this cycle is over, and the next cycle starts it afresh (a saved
      // page token may be what the API rejects), so its progress goes. Under merge, parents whose
      // children are all stored keep the cursors they reached: those never hide a record.
      const { progress: _dropped, ...rest } = state;
      const next = writable && resource.writeDisposition === "merge" ? commitCursors(rest, progress.cursors, resource.incremental !== undefined, input.maxParentCursors) : rest;
      await write({ state: [{ key, value: next }] }).catch(() => undefined);
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

/**
 * `request` fit to be saved in state: query parameters holding a credential removed
 * (named in `stripped`). A credential elsewhere in the URL — a next link with the key
 * in its path — is redacted instead: resuming there fails, and the resource is
 * fetched afresh by the next cycle, but no credential is ever saved.
 */
function savablePosition(request: PageRequest, redactor: Redactor, resource: string): PageRequest {
  try {
    return credentialFreeRequest(request, redactor, resource);
  } catch {
    return { url: redactor.url(request.url), query: {} };
  }
}

/** A saved position with the configured values of the credential parameters taken out before saving put back. */
function withCredentials(saved: PageRequest | undefined, first: PageRequest): PageRequest | undefined {
  if (!saved?.stripped) return saved;
  const query: PageRequest["query"] = {};
  for (const [name, value] of Object.entries(saved.query)) setOwn(query, name, value);
  for (const name of saved.stripped) if (Object.prototype.hasOwnProperty.call(first.query, name)) setOwn(query, name, first.query[name]!);
  return { url: saved.url, query };
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
