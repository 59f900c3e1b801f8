import { ofetch, type $Fetch } from "ofetch";
import { anySignal, Semaphore, sleep } from "../_async";
import type { ResponseAction } from "../config/_schema";
import type { RetryPolicy } from "../config/source";
import { HttpError, ResponseError, RestsyncError } from "../errors";
import type { Authenticator } from "./_auth";
import type { Redactor } from "./_redact";
import { backoffMs, retryAfterMs } from "./_retry";

/** One logical request; retries happen inside {@link HttpClient.request}. */
export interface HttpRequest {
  /** Absolute URL; may already carry a query string (next links). */
  url: string;
  method: "GET" | "POST";
  /** Added to the URL's query. */
  query?: Readonly<Record<string, string | readonly string[]>>;
  json?: unknown;
  headers?: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The URL requested, with auth query params (not for display: use the redactor). */
  url: string;
  /** Parsed JSON body; `undefined` for an empty body. */
  body: unknown;
  /** True when a response action said to ignore this response. */
  ignored: boolean;
  /** Attempts made, the successful one included. */
  attempts: number;
}

export interface RetryEvent {
  resource: string;
  url: string;
  attempt: number;
  status: number;
  waitMs: number;
  reason: string;
}

export interface RequestContext {
  resource: string;
  retry: RetryPolicy;
  actions?: readonly ResponseAction[];
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

export interface HttpClientOptions {
  baseUrl: string;
  auth: Authenticator | undefined;
  timeoutMs: number;
  concurrency: number;
  redactor: Redactor;
  fetch?: typeof globalThis.fetch;
}

const NETWORK_STATUS = 0;

/** HTTP on ofetch with restsync's retry policy, auth, concurrency limit and redaction. */
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
      const prepared = await this.#prepare(request, signal);
      const shown = this.redactor.url(prepared.url);
      let outcome: { response: { status: number; headers: Headers; text: string } } | { error: unknown; timedOut: boolean };
      const release = await this.#slots.acquire(signal);
      try {
        outcome = { response: await this.#send(prepared, signal) };
      } catch (error) {
        signal?.throwIfAborted();
        outcome = { error, timedOut: isTimeout(error) };
      } finally {
        release();
      }

      let reason: string;
      let status = NETWORK_STATUS;
      let waitMs: number | undefined;
      if ("error" in outcome) {
        reason = outcome.timedOut ? `timed out after ${this.options.timeoutMs} ms` : `network error: ${describe(outcome.error)}`;
        if (attempt >= retry.maxRetries) {
          throw new HttpError({
            code: outcome.timedOut ? "http_timeout" : "http_network",
            message: `${context.resource}: ${request.method} ${shown} failed after ${attempt + 1} attempt(s): ${this.redactor.text(reason)}`,
            status: NETWORK_STATUS,
            url: shown,
            attempts: attempt + 1,
            resource: context.resource,
          });
        }
      } else {
        const { response } = outcome;
        status = response.status;
        const action = matchAction(context.actions, response.status, response.text);
        if (action === "ignore") return { status, headers: response.headers, url: prepared.url, body: undefined, ignored: true, attempts: attempt + 1 };
        if (status === 401 && !refreshedAuth && this.options.auth?.invalidate?.()) {
          refreshedAuth = true;
          attempt--; // a refreshed token is not a retry of the same request
          continue;
        }
        const retryable = action === "retry" || retry.retryOnStatus.has(status);
        if (status < 400 && action !== "retry") {
          const body = parseBody(response.text, response.headers, shown, context.resource, this.redactor);
          if (!(body instanceof ResponseError)) return { status, headers: response.headers, url: prepared.url, body, ignored: false, attempts: attempt + 1 };
          if (attempt >= retry.maxRetries) throw body;
          reason = body.message;
        } else if (!retryable || attempt >= retry.maxRetries) {
          const snippet = this.redactor.text(response.text.slice(0, 200).replace(/\s+/g, " ").trim());
          throw new HttpError({
            code: "http_status",
            message:
              `${context.resource}: HTTP ${status} from ${request.method} ${shown}` +
              (retryable ? ` after ${attempt + 1} attempt(s)` : "") +
              (snippet ? ` — ${snippet}` : ""),
            status,
            url: shown,
            attempts: attempt + 1,
            resource: context.resource,
          });
        } else {
          reason = `HTTP ${status}`;
          waitMs = retryAfterMs(response.headers);
          if (waitMs !== undefined && waitMs > retry.maxBackoff * 1000) {
            throw new HttpError({
              code: "http_status",
              message: `${context.resource}: HTTP ${status} from ${request.method} ${shown}; the server asked to wait ${Math.ceil(waitMs / 1000)} s, more than max_backoff (${retry.maxBackoff} s)`,
              status,
              url: shown,
              attempts: attempt + 1,
              resource: context.resource,
            });
          }
          // Retry-After is a floor: spread clients a little above it, never below.
          if (waitMs !== undefined) waitMs += Math.random() * Math.min(1000, waitMs * 0.1);
        }
      }
      const wait = Math.round(waitMs ?? backoffMs(attempt, retry));
      context.onRetry?.({ resource: context.resource, url: shown, attempt: attempt + 1, status, waitMs: wait, reason: this.redactor.text(reason) });
      await sleep(wait, signal);
    }
  }

  async #prepare(request: HttpRequest, signal: AbortSignal | undefined) {
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
    if (sameOrigin && this.options.auth) await this.options.auth.apply({ headers, query: url.searchParams }, signal);
    if (!headers.has("accept")) headers.set("accept", "application/json");
    return { url: url.toString(), method: request.method, headers, json: request.json };
  }

  async #send(prepared: { url: string; method: string; headers: Headers; json: unknown }, signal: AbortSignal | undefined) {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const response = await this.#fetch.raw(prepared.url, {
      method: prepared.method,
      headers: prepared.headers,
      body: prepared.json === undefined ? undefined : (prepared.json as Record<string, unknown>),
      signal: anySignal([signal, timeout]),
      retry: false,
      ignoreResponseError: true,
      responseType: "text",
    });
    return { status: response.status, headers: response.headers, text: response._data ?? "" };
  }

  /** POSTs a form (OAuth token requests) with the same retry policy; returns the parsed body. */
  async postForm(url: string, form: URLSearchParams, context: RequestContext): Promise<unknown> {
    const release = await this.#slots.acquire(context.signal);
    try {
      const response = await this.#fetch.raw(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: anySignal([context.signal, AbortSignal.timeout(this.options.timeoutMs)]),
        retry: false,
        ignoreResponseError: true,
        responseType: "text",
      });
      const shown = this.redactor.url(url);
      if (response.status >= 400) {
        throw new HttpError({ code: "http_status", message: `${context.resource}: token request failed: HTTP ${response.status} from POST ${shown}`, status: response.status, url: shown, attempts: 1, resource: context.resource });
      }
      const body = parseBody(response._data ?? "", response.headers, shown, context.resource, this.redactor);
      if (body instanceof ResponseError) throw body;
      return body;
    } catch (error) {
      if (error instanceof RestsyncError) throw error;
      context.signal?.throwIfAborted();
      const shown = this.redactor.url(url);
      throw new HttpError({ code: "http_network", message: `${context.resource}: token request to ${shown} failed: ${this.redactor.text(describe(error))}`, status: 0, url: shown, attempts: 1, resource: context.resource, cause: error });
    } finally {
      release();
    }
  }
}

function parseBody(text: string, headers: Headers, url: string, resource: string, redactor: Redactor): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const type = headers.get("content-type") ?? "no content-type";
    const head = redactor.text(text.slice(0, 80).replace(/\s+/g, " "));
    return new ResponseError("response_invalid", `${resource}: response from ${url} is not JSON (${type}): ${head}`, { url, resource });
  }
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
