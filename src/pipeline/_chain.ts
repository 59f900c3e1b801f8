import type { SourceResource } from "../config/source";
import { ResponseError } from "../errors";
import type { HttpClient, HttpResponse, RequestContext } from "../http/client";
import { recordsPath } from "../paginators/_detect";
import { PageValueError } from "../paginators/_values";
import { holdPaginator } from "../paginators/custom";
import { bodyWith, createPaginator, type PageRequest, type Paginator, requestKey } from "../paginators/index";
import type { JsonRecord } from "../store";
import type { FanOutContext } from "./_contexts";
import type { IncrementalFilter } from "./_incremental";
import type { Progress } from "./_progress";
import { firstRequest } from "./_request";
import { selectRecords } from "./_select";
import type { ProgressEvent, ResourceReport } from "./report";

/** What reading one context's chain of pages needs. */
export interface ChainInput {
  resource: SourceResource;
  client: HttpClient;
  progress: Progress;
  signal: AbortSignal | undefined;
  report: ResourceReport;
  emit: (event: ProgressEvent) => void;
  /** A warning for the report and `onProgress` (deduplicated by the caller). */
  warn?: (message: string) => void;
  /** `RunOptions.maxPages`: the chain ends here, as if it had no next page. */
  maxPages: number | undefined;
}

/** Handles one page: its records, the request that comes after it (none at the end), its URL without secrets. */
export type PageHandler = (records: JsonRecord[], next: PageRequest | undefined, urlOf: () => string) => Promise<void>;

/**
 * Reads one fan-out context's chain of pages, from where the cycle left it (or
 * its first page) to the end: each request through the HTTP client, its records
 * selected, the next request from the paginator. Refuses a paginator that asks
 * for a page twice and a chain longer than `max_pages`.
 */
export async function readChain(
  input: ChainInput,
  context: FanOutContext,
  filter: IncrementalFilter | undefined,
  onPage: PageHandler,
): Promise<void> {
  const request = firstRequest(input.resource, context, filter, input.client);
  const release = await holdPaginator(input.resource.paginator);
  try {
    await readPages(input, context, filter, onPage, request);
  } finally {
    release();
  }
}

async function readPages(
  input: ChainInput,
  context: FanOutContext,
  filter: IncrementalFilter | undefined,
  onPage: PageHandler,
  { first, json, form, headers, endpointOrigin }: ReturnType<typeof firstRequest>,
): Promise<void> {
  const { resource, client, progress, report } = input;
  const paginator = createPaginator(resource.paginator, input.warn, json);
  // Without a data_selector, where the records are is decided on the first page, as dlt does.
  let selector = resource.dataSelector;
  const seen = new Set<string>();
  // The same for every page of the chain: made once.
  const requestContext: RequestContext = {
    resource: resource.name,
    retry: resource.retry,
    actions: resource.responseActions,
    signal: input.signal,
    onAttempt: () => report.requests++,
    onRetry: (event) => {
      report.retries++;
      input.emit({ type: "retry", ...event });
    },
  };
  let request: PageRequest | undefined = progress.position(context.key, first) ?? paginator.init(first);
  while (request) {
    // dlt's add_limit: a sample, not a failure; the pages read count as the whole chain.
    if (input.maxPages !== undefined && progress.sampled(context.key) >= input.maxPages) {
      report.limited = true;
      break;
    }
    const id = requestKey(request);
    if (seen.has(id)) {
      const shown = client.redactor.url(request.url);
      throw new ResponseError(
        "paginator_loop",
        `${resource.name}: the ${resource.paginator.type} paginator asked for a page it already fetched (${shown}); stopping to avoid a loop`,
        { url: shown, resource: resource.name },
      );
    }
    seen.add(id);
    const fetched = progress.pages(context.key);
    if (fetched >= resource.maxPages) {
      const shown = client.redactor.url(request.url);
      throw new ResponseError(
        "page_limit",
        `${resource.name}: stopped after ${fetched} pages of one chain (endpoint.max_pages is ${resource.maxPages}); the API kept sending next pages, the last to ${shown}. If the list really is that long, raise max_pages`,
        { url: shown, resource: resource.name },
      );
    }
    progress.requesting(context.key, request);
    const sentAt = Date.now();
    const response = await client.request(
      {
        url: request.url,
        method: resource.method,
        query: request.query,
        json: bodyWith(json, request.body),
        ...form,
        headers,
        endpointOrigin,
      },
      requestContext,
    );
    progress.fetched(context.key, progress.started(context.key) ? undefined : apiTimeBefore(response.headers, sentAt));
    if (response.ignored) {
      // Ignored after the first page: the list was cut short, not read to its end.
      if (fetched > 0) progress.cutShort();
      break;
    }
    // Redacted URLs are for error messages: computed only when one is raised.
    const urlOf = lazy(() => client.redactor.url(response.url));
    if (selector === undefined && isObject(response.body)) selector = recordsPath(response.body);
    const records = selectRecords(response.body, selector, {
      resource: resource.name,
      get url() {
        return urlOf();
      },
      redact: (text) => client.redactor.text(text),
      warn: input.warn,
    });
    const next = nextPage(paginator, request, response, records, resource.name, urlOf, (text) =>
      client.redactor.text(text),
    );
    await onPage(records, next, urlOf);
    // row_order: a record past the range means every later page is past it too.
    if (filter?.pastRange && next) progress.cutShort();
    request = filter?.pastRange ? undefined : next;
  }
  // A response action ignored the response: the chain ends without a page.
  if (!progress.isDone(context.key)) progress.finish(context.key, filter);
}

/** The paginator's next request; a paginator value the page lacks (total, has_more) fails it with the page's URL. */
function nextPage(
  paginator: Paginator,
  request: PageRequest,
  response: HttpResponse,
  records: readonly unknown[],
  resource: string,
  urlOf: () => string,
  redact: (text: string) => string,
): PageRequest | undefined {
  try {
    return paginator.next(request, response, records);
  } catch (error) {
    if (!(error instanceof PageValueError)) throw error;
    throw new ResponseError("response_invalid", `${resource}: ${redact(error.message)} (${urlOf()})`, {
      url: urlOf(),
      resource,
    });
  }
}

/** The API's time (ms) at or before a request sent at local `sentAt`: its `Date` less the round trip, or the local clock. */
function apiTimeBefore(headers: Headers, sentAt: number): number {
  const date = parseDate(headers.get("date") ?? "");
  // Date has one-second resolution: a second off makes it a lower bound.
  return Number.isNaN(date) ? sentAt : date - (Date.now() - sentAt) - 1000;
}

/** The latest Date header parsed: responses within one second share it, and a sync asks once per chain. */
let latestDate = { text: "", ms: Number.NaN };
function parseDate(text: string): number {
  if (text !== latestDate.text) latestDate = { text, ms: Date.parse(text) };
  return latestDate.ms;
}

function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
