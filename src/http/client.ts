import { type $Fetch, ofetch } from "ofetch";
import { type Clock, Semaphore, sleep, systemClock } from "../_async";
import { HttpError, isHttpError, isRestsyncError, ResponseError } from "../errors";
import { Admission } from "./_admission";
import type { Authenticator } from "./_auth";
import { DEFAULT_MAX_RESPONSE_SIZE, discard, type Oversize, oversizeText, plainLength, readLimited } from "./_body";
import { ServerClock } from "./_clock";
import { hostOf } from "./_cooldown";
import type { Rejection } from "./_credential-check";
import { type Prepared, type PrepareTarget, prepareRequest } from "./_prepare";
import type { Redactor } from "./_redact";
import { REDIRECTS, RedirectChain } from "./_redirect";
import { applyActions, describe, isTimeout, parseBody } from "./_response";
import { backoffMs, retryAfterMs } from "./_retry";
import { RequestTimeouts } from "./_timeout";
import type { HttpClientOptions, HttpRequest, HttpResponse, RequestContext, TokenSender } from "./_types";

export type { HttpClientOptions, HttpRequest, HttpResponse, RequestContext, RetryEvent } from "./_types";

/** Whether a request carries the run's credential, and is the probe the others wait for. */
type Gate = { authenticated: boolean; probe: boolean };

/** An HttpError's fields that differ between failures. */
type Failure = {
  code: "http_status" | "http_network" | "http_timeout";
  status: number;
  detail: string;
  body?: string | undefined;
};

/** A retry: why, the status that asked for it (0: no response), and how long the server asked to wait. */
type Retry = { reason: string; status: number; waitMs: number | undefined };

/** One attempt of a request, as the response's judge needs it. */
interface Attempt {
  request: HttpRequest;
  context: RequestContext;
  attempt: number;
  backoff: number;
  tries: { refreshedAuth: boolean; invalidBodies: number };
  shown: () => string;
  fail: (init: Failure) => HttpError;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
}

/**
 * HTTP on ofetch with restsync's retry policy, auth, redirects, concurrency
 * limit, rate limit, per-host cooldowns, budget, response size limit and redaction.
 */
export class HttpClient {
  readonly #fetch: $Fetch;
  /** True when requests go through the runtime's own fetch (no `fetch` option). */
  readonly #ownFetch: boolean;
  readonly #slots: Semaphore;
  readonly #target: PrepareTarget;
  readonly #admission: Admission;
  readonly #time: Clock;
  readonly #clock: ServerClock;
  readonly #maxResponseSize: number;
  readonly #timeouts: RequestTimeouts;
  readonly redactor: Redactor;
  readonly #auth: Authenticator | undefined;
  /** `endpoint.auth` by resource: replaces the client's auth, and is not the run's credential. */
  readonly #resourceAuth: ReadonlyMap<string, Authenticator | undefined> = new Map();

  constructor(readonly options: HttpClientOptions) {
    this.#fetch = options.fetch ? ofetch.create({}, { fetch: options.fetch }) : ofetch;
    this.#ownFetch = !options.fetch;
    this.#slots = new Semaphore(options.concurrency);
    const send: TokenSender = (url, form, context) =>
      this.request({ url, method: "POST", form }, { ...context, anonymous: true });
    const auth = typeof options.auth === "function" ? options.auth(send) : options.auth;
    if (auth && "resources" in auth) {
      this.#auth = auth.client;
      this.#resourceAuth = auth.resources;
    } else this.#auth = auth;
    this.#target = { origin: new URL(options.baseUrl).origin, redactor: options.redactor, auth: this.#auth };
    this.#time = options.clock ?? systemClock;
    this.#clock = new ServerClock(() => this.#time.now());
    this.#admission = new Admission(options);
    this.#maxResponseSize = options.maxResponseSize ?? DEFAULT_MAX_RESPONSE_SIZE;
    this.#timeouts = new RequestTimeouts(options.timeoutMs);
    this.redactor = options.redactor;
  }

  /** HTTP requests sent so far: retries, redirects and token requests included. */
  requestsSent(): number {
    return this.#admission.budget.sent;
  }

  /** Host → epoch ms before which the host is not called again (only times still ahead); persist it for the next run. */
  notBefore(): Record<string, number> {
    return this.#admission.cooldowns.snapshot();
  }

  /** The API server's current time (epoch ms), from the latest response's `Date`; `Date.now()` before any. */
  serverNow(): number {
    return this.#clock.serverNow();
  }

  /** `path` joined to base_url the way dlt does (no URL resolution: base paths are kept). */
  resolve(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    const base = this.options.baseUrl.replace(/\/+$/, "");
    return path === "" ? base : `${base}/${path.replace(/^\/+/, "")}`;
  }

  /** The run's credential, once the API refused it (see {@link CredentialCheck}). */
  get rejection(): Rejection | undefined {
    return this.options.credentials?.rejection;
  }

  async request(request: HttpRequest, context: RequestContext): Promise<HttpResponse> {
    // Whether this request carries the run's credential, and goes first alone (see CredentialCheck).
    const gate = { authenticated: false, probe: false };
    try {
      const { retry, signal } = context;
      const tries = { refreshedAuth: false, invalidBodies: 0 };
      for (let attempt = 0; ; attempt++) {
        signal?.throwIfAborted();
        const backoff = backoffMs(attempt, retry);
        this.#admission.budget.check();
        const own = this.#resourceAuth.has(context.resource);
        const prepared = await prepareRequest(request, context, this.#targetFor(context));
        // The run's credential is the client's: a resource's own auth fails only that resource.
        if (prepared.authenticated && !own && !gate.authenticated) await this.#admit(gate, context);
        // Redacting a URL costs: only errors and retry events need it.
        let shownUrl: string | undefined;
        const shown = () => (shownUrl ??= this.redactor.url(prepared.url));
        const fail = (init: Failure) =>
          new HttpError({
            ...init,
            message: `${context.resource}: ${init.detail}`,
            url: shown(),
            attempts: attempt + 1,
            resource: context.resource,
          });

        let response: RawResponse | undefined;
        let failure: { error: unknown; timedOut: boolean } | undefined;
        const release = await this.#slots.acquire(signal);
        try {
          response = await this.#send(prepared, request, context);
        } catch (error) {
          signal?.throwIfAborted();
          // Budget, size limit, a cooldown longer than max_backoff: retrying cannot help.
          if (isRestsyncError(error)) throw error;
          failure = { error, timedOut: isTimeout(error) };
        } finally {
          release();
        }

        let next: Retry;
        if (response) {
          const outcome = this.#judge(response, { request, context, attempt, backoff, tries, shown, fail });
          if ("answer" in outcome) return this.#answered(gate, context, outcome.answer);
          if ("again" in outcome) {
            attempt--;
            continue;
          }
          next = outcome;
        } else {
          const { error, timedOut } = failure!;
          const reason = this.redactor.text(
            timedOut ? `timed out after ${this.options.timeoutMs} ms` : `network error: ${describe(error)}`,
          );
          if (attempt >= retry.maxRetries) {
            throw fail({
              code: timedOut ? "http_timeout" : "http_network",
              status: 0,
              detail: `${request.method} ${shown()} failed after ${attempt + 1} attempt(s): ${reason}`,
            });
          }
          next = { reason, status: 0, waitMs: undefined };
        }
        const wait = Math.round(next.waitMs ?? backoff);
        // Out of requests or time: stop now rather than after sleeping.
        this.#admission.budget.check();
        this.#admission.budget.guard(this.#time.now() + wait, "retry backoff");
        const event = {
          resource: context.resource,
          url: shown(),
          attempt: attempt + 1,
          status: next.status,
          waitMs: wait,
        };
        context.onRetry?.({ ...event, reason: next.reason });
        await sleep(wait, signal, this.#time);
      }
    } catch (error) {
      throw this.#failed(gate, context, error);
    }
  }

  /** Where a request goes and with which auth: the resource's own (`endpoint.auth`), else the client's. */
  #targetFor(context: RequestContext): PrepareTarget {
    if (!this.#resourceAuth.has(context.resource)) return this.#target;
    return { ...this.#target, auth: this.#resourceAuth.get(context.resource) };
  }

  /** Lets a request that carries the run's credential go: the first one alone, the others once it is answered. */
  async #admit(gate: Gate, context: RequestContext): Promise<void> {
    const check = this.options.credentials;
    if (!check) return;
    const admitted = check.admit(context.resource, context.signal);
    gate.probe = typeof admitted === "boolean" ? admitted : await admitted;
    gate.authenticated = true;
  }

  /**
   * What a response means: the answer to give back, a retry (why, and how long the
   * server asked to wait), or one attempt `again` with a fresh token; throws when it
   * can never succeed or the retries ran out.
   */
  #judge(raw: RawResponse, a: Attempt): { answer: HttpResponse } | { again: true } | Retry {
    const { context, attempt, request, shown, fail } = a;
    const { retry } = context;
    // Response action functions may hand back a changed response: everything below judges that one.
    const { response, action } = context.actions?.length ? applyActions(context.actions, raw) : { response: raw };
    const status = response.status;
    const base = { status, headers: response.headers, url: response.url };
    if (action === "ignore") return { answer: { ...base, body: undefined, ignored: true } };
    // An answer (below 400, not to be retried) waits for nothing: its Retry-After is not read.
    const answered = status < 400 && action !== "retry";
    const retryAfter = answered ? undefined : retryAfterMs(response.headers, this.#time.now());
    if (status === 429 || (status === 503 && retryAfter !== undefined)) {
      // Everything else bound for this host holds back too, not only this request's retry.
      this.#admission.cooldowns.pause(hostOf(response.url), this.#time.now() + (retryAfter ?? a.backoff), status);
    }
    const auth = this.#resourceAuth.has(context.resource) ? this.#resourceAuth.get(context.resource) : this.#auth;
    if (status === 401 && !context.anonymous && !a.tries.refreshedAuth && auth?.invalidate?.()) {
      // A fresh token is not a retry of the same request.
      a.tries.refreshedAuth = true;
      return { again: true };
    }
    const retryable = action === "retry" || retry.retryOnStatus.has(status);
    if (answered) {
      const url = () => this.redactor.url(response.url);
      const body = parseBody(response.text, response.headers, url, context.resource, this.redactor);
      if (!(body instanceof ResponseError)) return { answer: { ...base, body, ignored: false } };
      // A 200 that is not JSON (a login page, a proxy's HTML) is rarely a glitch: one retry, not max_retries.
      if (attempt >= retry.maxRetries || a.tries.invalidBodies++ > 0) throw body;
      return { reason: body.message, status, waitMs: undefined };
    }
    if (!retryable || attempt >= retry.maxRetries) {
      const tries = retryable ? ` after ${attempt + 1} attempt(s)` : "";
      const detail = `HTTP ${status} from ${request.method} ${shown()}${tries}${this.#shownBody(response.text)}`;
      throw fail({ code: "http_status", status, detail, body: this.#snippet(response.text) });
    }
    let waitMs = retryAfter;
    if (waitMs !== undefined && waitMs > retry.maxBackoff * 1000) {
      const asked = Math.ceil(waitMs / 1000);
      const detail = `HTTP ${status} from ${request.method} ${shown()}; the server asked to wait ${asked} s, more than max_backoff (${retry.maxBackoff} s)`;
      throw fail({ code: "http_status", status, detail });
    }
    // Retry-After is a floor: spread clients a little above it, never below.
    if (waitMs !== undefined) waitMs += Math.random() * Math.min(1000, waitMs * 0.1);
    return { reason: `HTTP ${status}`, status, waitMs };
  }

  /** An error body as an HttpError keeps it: redacted, on one line, clipped (a whole HTML page helps nobody). */
  #snippet(text: string): string | undefined {
    return truncated(this.redactor.text(text).replace(/\s+/g, " ").trim(), 1000) || undefined;
  }

  /** With `http_show_error_body`, the body as dlt adds it to the message: redacted, cut with dlt's marker. */
  #shownBody(text: string): string {
    const max = this.options.showErrorBody;
    return max === undefined || text === "" ? "" : `\nResponse: ${truncated(this.redactor.text(text), max)}`;
  }

  /** A response this request returns: for one that carried the credential, its verdict on it. */
  #answered(gate: Gate, context: RequestContext, response: HttpResponse): HttpResponse {
    if (gate.authenticated)
      this.options.credentials?.settle(gate.probe, response.ignored ? 0 : response.status, context.resource);
    return response;
  }

  /** The error this request throws: the one that rejected the credential also says which secret to check. */
  #failed(gate: Gate, context: RequestContext, error: unknown): unknown {
    const check = this.options.credentials;
    if (!gate.authenticated || !check) return error;
    const status = isHttpError(error) ? error.status : 0;
    const first = check.rejection === undefined;
    check.settle(gate.probe, status, context.resource);
    if (!first || !check.rejection || !isHttpError(error)) return error;
    return new HttpError({
      code: error.code as "http_status",
      message: `${error.message} — ${check.hint}`,
      status,
      url: error.url,
      attempts: error.attempts,
      resource: context.resource,
      cause: error,
      body: error.body,
    });
  }

  /**
   * Sends one request, following redirects itself so credentials never follow one
   * to another origin. Redirects that can never work fail at once, without retries
   * (see {@link RedirectChain}): a Location that is not http(s) or holds userinfo,
   * a loop, a redirect a browser hides while the request carries credentials.
   */
  async #send(first: Prepared, request: HttpRequest, context: RequestContext): Promise<RawResponse> {
    let prepared = first;
    // Made on the first redirect only: most requests are answered at once, and this runs for every one.
    let chain: RedirectChain | undefined;
    const redirects = () => {
      if (!chain) {
        chain = new RedirectChain(request, context.resource, this.redactor);
        chain.visit(first.url);
      }
      return chain;
    };
    for (;;) {
      if (prepared !== first) redirects().visit(prepared.url);
      let sent = await this.#fetchOnce(prepared, context, "manual");
      if (sent.response.type === "opaqueredirect") {
        sent.done();
        // A browser hides the redirect's target: only a request with nothing to leak may follow it blind.
        if (prepared.credentialed) throw redirects().hidden(prepared.url);
        sent = await this.#fetchOnce(prepared, context, "follow");
      }
      const { response } = sent;
      const url = response.url || prepared.url;
      const location = response.headers.get("location");
      try {
        if (!REDIRECTS.has(response.status) || !location) {
          return {
            status: response.status,
            headers: response.headers,
            text: await this.#read(response, url, context),
            url,
          };
        }
        discard(response.body);
      } finally {
        sent.done();
      }
      const target = redirects().target(location, prepared.url, response.status);
      const keepBody = response.status === 307 || response.status === 308;
      if (
        keepBody &&
        (request.form || request.text !== undefined || request.json !== undefined) &&
        target.origin !== new URL(prepared.url).origin
      ) {
        // A body may carry credentials (an OAuth form): it is not re-sent to another origin.
        const shown = this.redactor.url(prepared.url);
        throw new ResponseError(
          "response_invalid",
          `${context.resource}: ${request.method} ${shown} was redirected (${response.status}) to another origin; the request body is not sent there`,
          { url: shown, resource: context.resource },
        );
      }
      const next: HttpRequest = {
        url: target.toString(),
        method: keepBody ? request.method : "GET",
        ...(keepBody ? { json: request.json, form: request.form, text: request.text } : {}),
        headers: request.headers,
      };
      prepared = await prepareRequest(next, context, this.#targetFor(context));
    }
  }

  /**
   * One HTTP request on the wire, once the host, the rate limit and the budget
   * let it go. The body is left unread; its timeout runs until `done()`.
   */
  async #fetchOnce(
    prepared: Prepared,
    context: RequestContext,
    redirect: "manual" | "follow",
  ): Promise<{ response: Response; done: () => void }> {
    if (!this.#admission.admitNow(prepared.host))
      await this.#admission.admit(prepared.host, {
        resource: context.resource,
        signal: context.signal,
        maxWaitMs: context.retry.maxBackoff * 1000,
        shown: () => this.redactor.url(prepared.url),
      });
    context.onAttempt?.();
    const { signal, done } = this.#timeouts.start(context.signal);
    try {
      const response = await this.#fetch.raw(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: prepared.body,
        retry: false,
        ignoreResponseError: true,
        responseType: "stream",
        redirect,
        signal,
      });
      this.#clock.observe(response.headers);
      return { response, done };
    } catch (error) {
      done();
      throw error;
    }
  }

  /**
   * The body as text, refused (`response_too_large`) once its decoded size passes
   * max_response_size: at once when an unencoded body's Content-Length says so,
   * else while it is read, chunk by chunk with a counter.
   */
  async #read(response: Response, url: string, context: RequestContext): Promise<string> {
    const limit = this.#maxResponseSize;
    // Content-Length is the decoded length only for a visibly unencoded body that came straight from the runtime's
    // own fetch: a custom fetch may hand on an inflated body under the headers of the compressed one.
    const length = this.#ownFetch ? plainLength(response) : undefined;
    if (length !== undefined && length > limit) return this.#tooLarge(response, url, context, { declared: length });
    // There the runtime's own reader is safe, and ~2% of a sync's CPU cheaper (measured on bench 1).
    if (length !== undefined) return response.text();
    const result = await readLimited(response.body, limit);
    return "text" in result ? result.text : this.#tooLarge(response, url, context, result.oversize);
  }

  #tooLarge(response: Response, url: string, context: RequestContext, oversize: Oversize): never {
    discard(response.body);
    const shown = this.redactor.url(url);
    const detail = `is larger than max_response_size (${this.#maxResponseSize} bytes): ${oversizeText(oversize)}`;
    throw new ResponseError("response_too_large", `${context.resource}: response from ${shown} ${detail}`, {
      url: shown,
      resource: context.resource,
    });
  }
}

/** `text` cut to `max` characters, marked as dlt marks it. */
function truncated(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (truncated)` : text;
}
