import type { Clock } from "../_async";
import type { RetryPolicy } from "../config/source";
import type { ResponseAction } from "../config/types";
import type { Authenticator } from "./_auth";
import type { BudgetOptions } from "./_budget";
import type { CredentialCheck } from "./_credential-check";
import type { RateLimitOptions } from "./_rate-limit";
import type { Redactor } from "./_redact";

/** One logical request; retries and redirects happen inside `HttpClient.request`. */
export interface HttpRequest {
  /** Absolute URL; may already carry a query string (next links). */
  url: string;
  method: "GET" | "POST";
  /** Added to the URL's query. */
  query?: Readonly<Record<string, string | readonly string[]>>;
  json?: unknown;
  /** A form body (OAuth token requests, `endpoint.data`). */
  form?: URLSearchParams;
  /** A body sent as it is (`endpoint.data` given as a string). */
  text?: string;
  headers?: Readonly<Record<string, string>>;
  /**
   * An endpoint whose path is an absolute URL on another origin: the names of its own
   * `endpoint.headers`, which go to that origin too when they hold no secret (client
   * headers and auth never leave the API's origin).
   */
  endpointOrigin?: { origin: string; headers: readonly string[] };
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The URL that answered (after redirects), with auth query params: not for display, use the redactor. */
  url: string;
  /** Parsed JSON body; `undefined` for an empty body. */
  body: unknown;
  /** True when a response action said to ignore this response. */
  ignored: boolean;
}

export interface RetryEvent {
  resource: string;
  url: string;
  attempt: number;
  status: number;
  waitMs: number;
  reason: string;
}

/** Who a request is for and how it is retried; the hooks let the caller count. */
export interface RequestContext {
  resource: string;
  retry: RetryPolicy;
  actions?: readonly ResponseAction[];
  signal?: AbortSignal;
  /** Called for every HTTP request sent: retries, redirects and token requests included. */
  onAttempt?: () => void;
  onRetry?: (event: RetryEvent) => void;
  /** Send no credentials (the token request itself). */
  anonymous?: boolean;
}

/** Sends a token request (a form POST, without credentials) through the client, for auth that fetches tokens. */
export type TokenSender = (
  url: string,
  form: URLSearchParams,
  context: Omit<RequestContext, "anonymous">,
) => Promise<HttpResponse>;

export interface HttpClientOptions {
  baseUrl: string;
  /**
   * How requests are authenticated; a function gets the client's token sender (OAuth token endpoints),
   * and may give resources their own auth (`endpoint.auth`; `undefined` for none), keyed by resource name.
   */
  auth:
    | Authenticator
    | ((
        send: TokenSender,
      ) =>
        | Authenticator
        | undefined
        | { client: Authenticator | undefined; resources: Map<string, Authenticator | undefined> })
    | undefined;
  timeoutMs: number;
  concurrency: number;
  redactor: Redactor;
  fetch?: typeof globalThis.fetch;
  /** Client-side pacing (`client.rate_limit`), shared by every request of this client. @default none */
  rateLimit?: RateLimitOptions | undefined;
  /** Largest response body accepted, bytes (`client.max_response_size`). @default 67108864 (64 MiB) */
  maxResponseSize?: number | undefined;
  /** Characters of an error response's body added to error messages (`client.http_show_error_body`). @default none */
  showErrorBody?: number | undefined;
  /** Host → epoch ms before which the host is not called (a previous run's `HttpClient.notBefore()`). */
  notBefore?: Readonly<Record<string, number>> | undefined;
  /** Request count and deadline (epoch ms) after which requests throw `BudgetExhaustedError`. @default none */
  budget?: BudgetOptions | undefined;
  /** Stops the run's requests once the API refuses its credential. @default none */
  credentials?: CredentialCheck | undefined;
  /**
   * Internal, for tests: the clock that rate limit, cooldowns, retry waits and the
   * deadline read and wait on. Request timeouts stay on real time (they bound the wire).
   * @default the system clock
   */
  clock?: Clock | undefined;
}
