/** Public types of the mock HTTP server and its in-process control surface. */
import type { Dataset, DatasetOptions } from "./dataset-types.js";
import type { Mutation, MutationResult } from "./mutate.js";
import type { SeedResourceName } from "./seed-resources.js";

export interface RateLimitOptions {
  /**
   * Requests allowed per window. Every request counts (any path, any status)
   * except 429s and CORS preflights (OPTIONS), which are never limited.
   */
  requests: number;
  windowMs: number;
  /** How 429s announce the wait: Retry-After in seconds (default), as an HTTP date, or not at all. */
  retryAfter?: "seconds" | "date" | "none";
  /** Sliding window (default) or fixed windows starting at the first request. */
  mode?: "sliding" | "fixed";
}

export interface MockApiOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Value required in the `api_key` header of /v1 requests. Default "test-key". */
  apiKey?: string;
  /** Delay added to every response. */
  latencyMs?: number;
  rateLimit?: RateLimitOptions;
  /** Serve this dataset (live; mutate() changes it). */
  dataset?: Dataset;
  /** Options for createDataset() when no dataset is given. */
  datasetOptions?: DatasetOptions;
  /**
   * Send a `Date` header from the data's logical clock (half an hour after the last
   * change) instead of the wall clock, as a real API's clock and its timestamps agree.
   */
  clockDate?: boolean;
  /**
   * Where the rate limit and the request log (`at`) read the time: the wall clock by
   * default, or a test's virtual clock, so that a paced client is judged exactly.
   */
  now?: () => number;
}

export interface MockRequest {
  method: string;
  /** URL-decoded path without the query. */
  path: string;
  /** URL-decoded path segments (a "/" encoded as %2F stays inside its segment). */
  segments: string[];
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON, a form object for x-www-form-urlencoded, the raw string otherwise; undefined if empty. */
  body: unknown;
  /** The body as it came (a form's repeated fields, a raw string). */
  rawBody: string;
  url: URL;
  /** Named groups of a RegExp custom route. */
  params: Record<string, string>;
}

export interface MockResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as is (content-type application/json unless set in headers). */
  raw?: string;
}

export type RouteHandler = (req: MockRequest) => MockResponse | Promise<MockResponse>;

export type FaultKind = "status" | "reset" | "hang" | "truncate" | "html" | "invalid-json" | "wrong-shape";

export interface Fault {
  /** String: exact path, or a prefix when it ends in "*". String/RegExp matches skip OPTIONS preflights. */
  match: string | RegExp | ((req: MockRequest) => boolean);
  /** How many requests this fault answers (default 1). */
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Default "status" (status defaults to 500). */
  kind?: FaultKind;
  /** Wait this long before applying the fault. */
  afterMs?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Status sent; 0 while pending or when no response was sent (reset, hang). */
  status: number;
  /** Wall-clock arrival time (ms since epoch). */
  at: number;
}

export interface MockStats {
  requests: number;
  byStatus: Record<number, number>;
  /** Peak number of requests in flight at the same time. */
  maxConcurrent: number;
}

export interface FaultControl {
  add(fault: Fault): void;
  clear(): void;
  /** Remaining fault applications (sum of the unused `times`). */
  pending(): number;
}

export interface MockApi {
  url: string;
  apiKey: string;
  dataset: Dataset;
  close(): Promise<void>;
  requests: LoggedRequest[];
  /** Empties the request log and resets stats(). */
  clearLog(): void;
  stats(): MockStats;
  setOptions(options: Partial<Pick<MockApiOptions, "latencyMs" | "rateLimit" | "apiKey">>): void;
  faults: FaultControl;
  /** Custom route, checked before the seed routes (latest registration first); no auth check. */
  route(method: string, path: string | RegExp, handler: RouteHandler): void;
  /** Remove all custom routes. */
  clearRoutes(): void;
  /** Between tests: no custom routes, no pending faults, an empty request log. */
  reset(): void;
  mutate(mutation?: Mutation): MutationResult;
  /** Deep copies of what the seed resource would collect now. */
  expected(resource: SeedResourceName): Record<string, unknown>[];
  /** Rebuild relationship indexes after editing relationship fields of the dataset by hand. */
  reindex(): void;
}
