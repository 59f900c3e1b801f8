import { ofetch, type $Fetch } from "ofetch";
import { anySignal, Semaphore, sleep } from "../_async";
import type { ResponseAction } from "../config/_schema";
import type { RetryPolicy } from "../config/source";
import { HttpError, ResponseError } from "../errors";
import type { Authenticator } from "./_auth";
import type { Redactor } from "./_redact";
import { backoffMs, retryAfterMs } from "./_retry";

/** One logical request; retries and redirects happen inside {@link HttpClient.request}. */
export interface HttpRequest {
  /** Absolute URL; may already carry a query string (next links). */
  url: string;
  method: "GET" | "POST";
  /** Added to the URL's query. */
  query?: Readonly<Record<string, string | readonly string[]>>;
  json?: unknown;
  /** A form body (OAuth token requests). */
  form?: URLSearchParams;
  headers?: Readonly<Record<string, string>>;
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

export interface HttpClientOptions {
  baseUrl: string;
  auth: Authenticator | undefined;
  timeoutMs: number;
  concurrency: number;
  redactor: Redactor;
  fetch?: typeof globalThis.fetch;
}

interface Prepared {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** HTTP on ofetch with restsync's retry policy, auth, redirects, concurrency limit and redaction. */
export class HttpClient {
  readonly #fetch: $Fetch;
  readonly #slots: Semaphore;
  readonly #origin: string;
  readonly redactor: Redactor;

  constructor(readonly options: HttpClientOptions) {
    this.#fetch = options.fetch ? ofetch.create({}, { fetch: options.fetch }) : ofetch;
    this.#slots = new Semaphore(options.concurrency);
    this.#origin = new URL(options.baseUrl).origin;
    this.redactor = options.redactor;
  }

  /** `path` joined to base_url the way dlt does (no URL resolution: base paths are kept). */
  resolve(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    const base = this.options.baseUrl.replace(/\/+$/, "");
    return path === "" ? base : `${base}/${path.replace(/^\/+/, "")}`;
  }

  async request(request: HttpRequest, context: RequestContext): Promise<HttpResponse> {
    const { retry, signal } = context;
    let refreshedAuth = false;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const prepared = await this.#prepare(request, context);
      const shown = this.redactor.url(prepared.url);
      const fail = (init: { code: "http_status" | "http_network" | "http_timeout"; status: number; detail: string }) =>
        new HttpError({ ...init, message: `${context.resource}: ${init.detail}`, url: shown, attempts: attempt + 1, resource: context.resource });

      let response: RawResponse | undefined;
      let failure: { error: unknown; timedOut: boolean } | undefined;
      const release = await this.#slots.acquire(signal);
      try {
        response = await this.#send(prepared, request, context);
      } catch (error) {
        signal?.throwIfAborted();
        failure = { error, timedOut: isTimeout(error) };
      } finally {
        release();
      }

      let reason: string;
      let status = 0;
      let waitMs: number | undefined;
      if (!response) {
        const { error, timedOut } = failure!;
        reason = this.redactor.text(timedOut ? `timed out after ${this.options.timeoutMs} ms` : `network error: ${describe(error)}`);
        if (attempt >= retry.maxRetries) {
          throw fail({ code: timedOut ? "http_timeout" : "http_network", status: 0, detail: `${request.method} ${shown} failed after ${attempt + 1} attempt(s): ${reason}` });
        }
      } else {
        status = response.status;
        const action = matchAction(context.actions, status, response.text);
        const base = { status, headers: response.headers, url: response.url };
        if (action === "ignore") return { ...base, body: undefined, ignored: true };
        if (status === 401 && !context.anonymous && !refreshedAuth && this.options.auth?.invalidate?.()) {
          // A fresh token is not a retry of the same request.
          refreshedAuth = true;
          attempt--;
          continue;
        }
        const retryable = action === "retry" || retry.retryOnStatus.has(status);
        if (status < 400 && action !== "retry") {
          const body = parseBody(response.text, response.headers, this.redactor.url(response.url), context.resource, this.redactor);
          if (!(body instanceof ResponseError)) return { ...base, body, ignored: false };
          if (attempt >= retry.maxRetries) throw body;
          reason = body.message;
        } else if (!retryable || attempt >= retry.maxRetries) {
          const snippet = clip(this.redactor.text(response.text).replace(/\s+/g, " ").trim(), 200);
          const tries = retryable ? ` after ${attempt + 1} attempt(s)` : "";
          throw fail({ code: "http_status", status, detail: `HTTP ${status} from ${request.method} ${shown}${tries}${snippet ? ` — ${snippet}` : ""}` });
        } else {
          reason = `HTTP ${status}`;
          waitMs = retryAfterMs(response.headers);
          if (waitMs !== undefined && waitMs > retry.maxBackoff * 1000) {
            const asked = Math.ceil(waitMs / 1000);
            throw fail({ code: "http_status", status, detail: `HTTP ${status} from ${request.method} ${shown}; the server asked to wait ${asked} s, more than max_backoff (${retry.maxBackoff} s)` });
          }
          // Retry-After is a floor: spread clients a little above it, never below.
          if (waitMs !== undefined) waitMs += Math.random() * Math.min(1000, waitMs * 0.1);
        }
      }
      const wait = Math.round(waitMs ?? backoffMs(attempt, retry));
      context.onRetry?.({ resource: context.resource, url: shown, attempt: attempt + 1, status, waitMs: wait, reason });
      await sleep(wait, signal);
    }
  }

  /** Headers, query and credentials for `url`; credentials only on the API's own origin. */
  async #prepare(request: HttpRequest, context: RequestContext): Promise<Prepared> {
    const url = new URL(request.url);
    const headers = new Headers();
    const sameOrigin = url.origin === this.#origin;
    for (const [key, value] of Object.entries(request.headers ?? {})) {
      // Configured headers may carry secrets: those stay on the API's own origin.
      if (sameOrigin || this.redactor.text(value) === value) headers.set(key, value);
    }
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.delete(key);
      if (typeof value === "string") url.searchParams.set(key, value);
      else for (const item of value) url.searchParams.append(key, item);
    }
    if (sameOrigin && !context.anonymous && this.options.auth) {
      await this.options.auth.apply({ headers, query: url.searchParams }, { signal: context.signal, resource: context.resource, onAttempt: context.onAttempt, onRetry: context.onRetry });
    }
    if (!headers.has("accept")) headers.set("accept", "application/json");
    let body: string | undefined;
    if (request.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = request.form.toString();
    } else if (request.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(request.json);
    }
    return { url: url.toString(), method: request.method, headers, body };
  }

  /** Sends one request, following redirects itself so credentials never follow one to another origin. */
  async #send(first: Prepared, request: HttpRequest, context: RequestContext): Promise<RawResponse> {
    let prepared = first;
    for (let hops = 0; ; hops++) {
      context.onAttempt?.();
      const options = { method: prepared.method, headers: prepared.headers, body: prepared.body, retry: false as const, ignoreResponseError: true, responseType: "text" as const };
      const signal = () => anySignal([context.signal, AbortSignal.timeout(this.options.timeoutMs)]);
      let response = await this.#fetch.raw(prepared.url, { ...options, redirect: "manual", signal: signal() });
      if (response.type === "opaqueredirect") {
        // Browsers hide manual redirects; let the browser follow it under its own cross-origin rules.
        context.onAttempt?.();
        response = await this.#fetch.raw(prepared.url, { ...options, redirect: "follow", signal: signal() });
      }
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || !location) {
        return { status: response.status, headers: response.headers, text: response._data ?? "", url: response.url || prepared.url };
      }
      if (hops >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      const keepBody = response.status === 307 || response.status === 308;
      const next: HttpRequest = {
        url: new URL(location, prepared.url).toString(),
        method: keepBody ? request.method : "GET",
        ...(keepBody ? { json: request.json, form: request.form } : {}),
        headers: request.headers,
      };
      prepared = await this.#prepare(next, context);
    }
  }
}

function parseBody(text: string, headers: Headers, url: string, resource: string, redactor: Redactor): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const type = headers.get("content-type") ?? "no content-type";
    const head = clip(redactor.text(text).replace(/\s+/g, " "), 80);
    return new ResponseError("response_invalid", `${resource}: response from ${url} is not JSON (${type}): ${head}`, { url, resource });
  }
}

/** Cuts already-redacted text, so a secret is never left half-visible at the cut. */
function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

function matchAction(actions: readonly ResponseAction[] | undefined, status: number, text: string): ResponseAction["action"] | undefined {
  for (const action of actions ?? []) {
    const codes = action.status_code === undefined ? undefined : Array.isArray(action.status_code) ? action.status_code : [action.status_code];
    if (codes && !codes.includes(status)) continue;
    if (action.content !== undefined && !text.includes(action.content)) continue;
    if (!codes && action.content === undefined) continue;
    return action.action;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { name?: string }).name === "TimeoutError") return true;
  }
  return false;
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e && parts.length < 3; e = (e as { cause?: unknown }).cause) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
  }
  return parts.join(": ") || "unknown error";
}
