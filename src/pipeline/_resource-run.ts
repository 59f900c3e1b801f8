import { forEachLimited } from "../_async";
import { findFirst } from "../_jsonpath";
import type { JsonRecord } from "../config/_schema";
import { fillDeep, fillTemplate } from "../config/_placeholders";
import type { SourceResource } from "../config/source";
import { ResponseError, StorageError } from "../errors";
import type { HttpClient } from "../http/client";
import { createPaginator, requestKey, type PageRequest } from "../paginators/index";
import { recordKey, type RecordPut, type StoreAdapter } from "../store";
import { IncrementalFilter } from "./_incremental";
import { selectRecords } from "./_select";
import { hashString, stableStringify } from "./_stable";
import { stateKey, tableName, type ResourceState } from "./_state";
import type { ProgressEvent, ResourceReport } from "./report";

/** One fan-out unit: the values a child request is built from (the root unit for top-level resources). */
export interface FanOutContext {
  /** Placeholder → value from the parent record. */
  values: Map<string, unknown>;
  /** Resolve params that go to the query string. */
  query: Record<string, string>;
  /** `_<parent>_<field>` fields copied into each record. */
  include: Record<string, unknown>;
}

/** What a parent keeps of each of its records for its children: the needed fields, and whether it was written. */
export interface Projection {
  fields: Record<string, unknown>;
  written: boolean;
}

export interface ResourceRunInput {
  resource: SourceResource;
  client: HttpClient;
  store: StoreAdapter;
  pipeline: string;
  state: ResourceState;
  contexts: FanOutContext[];
  /** Whether records are stored and state advanced (false for parents run only to feed children). */
  writable: boolean;
  /** Parent fields (JSONPaths) children need; undefined when nothing depends on this resource. */
  project: readonly string[] | undefined;
  concurrency: number;
  signal: AbortSignal | undefined;
  report: ResourceReport;
  emit: (event: ProgressEvent) => void;
}

/**
 * Fetches every page of a resource (for every fan-out context), writes each
 * page as one batch, and only then commits the state that covers them.
 * Returns the projections its children need.
 */
export async function runResource(input: ResourceRunInput): Promise<Projection[]> {
  const { resource, store, pipeline, state, report, writable } = input;
  const filter = resource.incremental ? new IncrementalFilter(resource.incremental, state.cursor) : undefined;
  const replacing = resource.writeDisposition === "replace";
  const generation = replacing ? state.generation + 1 : state.generation;
  const table = tableName(pipeline, resource.name, generation);
  const projections: Projection[] = [];
  let appendSeq = state.append_seq ?? 0;

  const write = async (batch: Parameters<StoreAdapter["write"]>[0]) => {
    try {
      await store.write(batch);
    } catch (error) {
      throw new StorageError(`${resource.name}: ${store.name} store failed to write: ${(error as Error)?.message ?? error}`, { cause: error, resource: resource.name });
    }
  };

  if (writable && replacing) {
    // Leftovers of an earlier replace that died before switching (or before cleaning up).
    await write({ drops: [table, ...(state.generation > 0 ? [tableName(pipeline, resource.name, state.generation - 1)] : [])] });
  }

  const keyOf = (record: JsonRecord, url: string): string => {
    if (!resource.primaryKey) return hashString(stableStringify(record));
    const values = resource.primaryKey.map((field) => record[field]);
    const missing = resource.primaryKey.filter((_, i) => values[i] === undefined || values[i] === null);
    if (missing.length > 0) {
      throw new ResponseError("record_invalid", `${resource.name}: a record from ${url} has no primary key ${missing.map((m) => `"${m}"`).join(", ")}`, { url, resource: resource.name });
    }
    return recordKey(values);
  };

  const processPage = async (records: JsonRecord[], context: FanOutContext, url: string) => {
    report.received += records.length;
    const puts: RecordPut[] = [];
    const noCursor: RecordPut[] = [];
    for (let record of records) {
      if (resource.includeFromParent.length > 0) record = { ...record, ...context.include };
      const key = keyOf(record, url);
      let written = false;
      const verdict = filter ? filter.judge(record, key) : "new";
      if (verdict === "missing") {
        report.missingCursor++;
        const policy = resource.incremental!.on_cursor_value_missing;
        if (policy === "raise") {
          throw new ResponseError("record_invalid", `${resource.name}: record ${key} from ${url} has no cursor value at "${resource.incremental!.cursor_path}"`, { url, resource: resource.name });
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
      if (output) {
        const put = { table, key: resource.writeDisposition === "append" ? String(appendSeq++).padStart(12, "0") : keyOf(output, url), record: output };
        if (verdict === "missing" && resource.writeDisposition === "merge") noCursor.push(put);
        else puts.push(put);
        written = true;
      }
      if (input.project) projections.push({ fields: project(record, input.project), written });
    }
    if (writable) {
      puts.push(...(await changedOnly(noCursor)));
      if (puts.length > 0) await write({ puts });
      report.records += puts.length;
    }
    report.pages++;
    input.emit({ type: "page", resource: resource.name, page: report.pages, received: records.length, written: writable ? puts.length : 0, totalWritten: report.records });
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

  const runContext = async (context: FanOutContext) => {
    const values = new Map(context.values);
    if (filter) {
      values.set("incremental.start_value", filter.startValue ?? "");
      values.set("incremental.end_value", filter.endValue ?? "");
    }
    const path = String(fillTemplate(resource.path, values, encodeURIComponent));
    const query: Record<string, string | string[]> = { ...context.query };
    for (const [name, raw] of Object.entries(resource.params)) {
      const value = fillDeep(raw, values);
      if (value === null || value === undefined) continue;
      query[name] = Array.isArray(value) ? value.map(String) : String(value);
    }
    if (filter && resource.incremental?.start_param && filter.startValue !== undefined) query[resource.incremental.start_param] = String(filter.startValue);
    if (filter && resource.incremental?.end_param && filter.endValue !== undefined) query[resource.incremental.end_param] = String(filter.endValue);
    const json = resource.json === undefined ? undefined : fillDeep(resource.json, values);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(resource.headers)) headers[name] = String(fillTemplate(String(value), values));

    const paginator = createPaginator(resource.paginator);
    const seen = new Set<string>();
    let request: PageRequest | undefined = paginator.init({ url: input.client.resolve(path), query });
    while (request) {
      const key = requestKey(request);
      const shown = input.client.redactor.url(request.url);
      if (seen.has(key)) {
        throw new ResponseError("paginator_loop", `${resource.name}: the ${resource.paginator.type} paginator asked for a page it already fetched (${shown}); stopping to avoid a loop`, { url: shown, resource: resource.name });
      }
      seen.add(key);
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
      if (response.ignored) break;
      const records = selectRecords(response.body, resource.dataSelector, { resource: resource.name, url: input.client.redactor.url(response.url) });
      await processPage(records, context, input.client.redactor.url(response.url));
      request = paginator.next(request, response, records);
    }
  };

  await forEachLimited(input.contexts, input.concurrency, runContext);

  if (writable) {
    const next: ResourceState = {
      ...state,
      generation,
      ...(filter ? { cursor: filter.nextState() } : {}),
      ...(resource.writeDisposition === "append" ? { append_seq: appendSeq } : {}),
    };
    next.last_run = { status: "completed", finished_at: new Date().toISOString(), records: report.records };
    // Records are all written by now: this is the commit point of the resource.
    await write({ state: [{ key: stateKey(pipeline, resource.name), value: next }] });
    if (replacing && state.generation !== generation) await write({ drops: [tableName(pipeline, resource.name, state.generation)] });
  }
  return projections;
}

function project(record: JsonRecord, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = findFirst(record, field);
  return out;
}
