/**
 * Client-side rate limiting, per-host cooldowns after 429/503 + Retry-After,
 * and request/deadline budgets, at the HTTP level against the reference mock.
 * Client and mock run on one virtual clock (a fresh one per test): times are
 * exact whatever the machine's load, and waits cost no wall time.
 */

import {
  BudgetExhaustedError,
  type ConfigError,
  isBudgetExhaustedError,
  isConfigError,
  isHttpError,
  type RestApiConfig,
  restApiSource,
} from "restsync";
import { beforeEach, describe, expect, it } from "vitest";
import type { RetryPolicy } from "../src/config/source";
import { createAuthenticator } from "../src/http/_auth";
import { Redactor } from "../src/http/_redact";
import { HttpClient, type HttpClientOptions, type RequestContext } from "../src/http/client";
import { useMockApis } from "./_helpers/mock-apis";
import { settleAll } from "./_helpers/settle";
import { VirtualClock } from "./_helpers/virtual-clock";
import type { MockApi } from "./mock/index";

let mock: MockApi;
let other: MockApi;
let clock: VirtualClock;

useMockApis(2, (first, second) => ((mock = first), (other = second)), {
  datasetOptions: { size: "small" },
  now: () => clock.now(),
});
beforeEach(() => {
  clock = new VirtualClock();
  for (const api of [mock, other]) {
    api.setOptions({ rateLimit: undefined, latencyMs: 0 });
    api.route("GET", /^\/ping\/(?<n>\d+)$/, (req) => ({ body: { n: Number(req.params.n) } }));
  }
});

const RETRY: RetryPolicy = {
  retryOnStatus: new Set([429, 502, 503, 504]),
  maxRetries: 3,
  backoffFactor: 0.01,
  maxBackoff: 60,
};

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    baseUrl: mock.url,
    auth: undefined,
    timeoutMs: 5_000,
    concurrency: 6,
    redactor: new Redactor([]),
    clock,
    fetch: clock.fetch(),
    ...options,
  });
}
const get = (http: HttpClient, path: string, context: Partial<RequestContext> = {}) =>
  http.request(
    { url: path.startsWith("http") ? path : http.resolve(path), method: "GET" },
    { resource: "things", retry: RETRY, ...context },
  );
const hostOf = (api: MockApi) => new URL(api.url).host;
const arrivals = (api: MockApi, prefix = "/ping/") =>
  api.requests.filter((r) => r.path.startsWith(prefix)).map((r) => r.at);
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);
/** Rejection of `promise`, failing the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("client.rate_limit", () => {
  it("120 requests at concurrency 6 against a server allowing 50 per sliding second: no 429, at least 90% of the rate", async () => {
    mock.setOptions({ rateLimit: { requests: 50, windowMs: 1_000, mode: "sliding" } });
    const http = client({ rateLimit: { requests_per_second: 50, burst: 1 } });
    const noRetry: RetryPolicy = { ...RETRY, maxRetries: 0 };
    const results = await settleAll(Array.from({ length: 120 }, (_, n) => get(http, `/ping/${n}`, { retry: noRetry })));

    expect(results.map((r) => (r.body as { n: number }).n)).toEqual(Array.from({ length: 120 }, (_, n) => n));
    expect(mock.stats().byStatus[429] ?? 0).toBe(0);
    expect(clock.maxInFlight).toBeLessThanOrEqual(6);
    const at = arrivals(mock);
    expect(at).toHaveLength(120);
    const rate = ((at.length - 1) / (at.at(-1)! - at[0]!)) * 1000;
    expect(rate).toBeGreaterThanOrEqual(45);
    expect(rate).toBeLessThanOrEqual(50);
    expect(http.requestsSent()).toBe(120);
  });

  it("parses requests_per_minute: 200 from the config (burst 1 by default) and spaces requests ~300 ms apart from the first one", async () => {
    const source = restApiSource({
      client: { base_url: mock.url, rate_limit: { requests_per_minute: 200 } },
      resources: ["things"],
    });
    expect(source.client.rate_limit).toEqual({ requests_per_minute: 200, burst: 1 });
    const http = client({ rateLimit: source.client.rate_limit });
    const started = clock.now();
    await settleAll(Array.from({ length: 4 }, (_, n) => get(http, `/ping/${n}`)));
    const at = arrivals(mock);
    expect(at[0]).toBe(started); // one token to start with: the first request goes at once
    // 60 s / 200 = 300 ms, paced a little slower (309 ms); a request may leave up to 25 ms early to absorb late timers.
    for (const gap of gaps(at)) expect(gap).toBeGreaterThanOrEqual(280);
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(3 * 300 - 25);
    expect(at.at(-1)! - at[0]!).toBeLessThan(3 * 310);
  });

  it("burst lets that many requests go back to back, then paces", async () => {
    const http = client({ rateLimit: { requests_per_second: 5, burst: 3 } });
    const started = clock.now();
    await settleAll(Array.from({ length: 5 }, (_, n) => get(http, `/ping/${n}`)));
    const after = arrivals(mock).map((at) => at - started);
    expect(after.slice(0, 3)).toEqual([0, 0, 0]);
    // Then one every 206 ms (200 ms paced at 97%), each allowed to leave 10 ms early.
    expect(after[3]).toBeGreaterThanOrEqual(190);
    expect(after[3]).toBeLessThan(210);
    expect(after[4]).toBeGreaterThanOrEqual(390);
    expect(after[4]).toBeLessThan(420);
  });

  it("counts every request: retries go through the limiter too", async () => {
    mock.faults.add({ match: "/ping/0", status: 503, times: 2 });
    const http = client({ rateLimit: { requests_per_second: 10 } });
    await get(http, "/ping/0");
    const g = gaps(arrivals(mock));
    expect(g).toHaveLength(2);
    for (const gap of g) expect(gap).toBeGreaterThanOrEqual(85); // 100 ms, paced at 103 ms, up to 10 ms early
  });

  it("a wait for a rate-limit slot is abortable", async () => {
    const http = client({ rateLimit: { requests_per_second: 0.5 } });
    await get(http, "/ping/0");
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(new Error("stop")), 50);
    const started = clock.now();
    const error = await rejection(get(http, "/ping/1", { signal: controller.signal }));
    expect((error as Error).message).toBe("stop");
    expect(clock.now() - started).toBe(50); // not the 2 s the slot was due in
    expect(arrivals(mock)).toHaveLength(1);
    await clock.sleep(5_000);
    expect(arrivals(mock)).toHaveLength(1);
  });

  it("reports bad rate_limit configs with their paths", () => {
    const issues = (rate_limit: unknown) => {
      try {
        restApiSource({ client: { base_url: mock.url, rate_limit }, resources: ["things"] } as RestApiConfig);
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error("config was accepted");
    };
    expect(issues({})).toEqual([
      "client.rate_limit: rate_limit needs at least one of requests_per_second, requests_per_minute, requests_per_hour",
    ]);
    expect(issues({ requests_per_minute: 0 })).toEqual([
      "client.rate_limit.requests_per_minute: requests_per_minute must be positive",
    ]);
    expect(issues({ requests_per_hour: -5, requests_per_second: "10" }).sort()).toEqual([
      "client.rate_limit.requests_per_hour: requests_per_hour must be positive",
      "client.rate_limit.requests_per_second: requests_per_second must be a number",
    ]);
    expect(issues({ requests_per_second: 10, burst: 0 })).toEqual([
      "client.rate_limit.burst: burst must be at least 1",
    ]);
    expect(issues({ requests_per_second: 10, burst: 2.5 })).toEqual([
      "client.rate_limit.burst: burst must be an integer",
    ]);
    expect(issues(200)).toEqual(["client.rate_limit: rate_limit must be an object"]);
    expect(issues({ requests_per_minit: 100 })).toContain(
      'client.rate_limit.requests_per_minit: unknown key "requests_per_minit" (did you mean "requests_per_minute"?)',
    );
  });
});

describe("429 / Retry-After pauses the whole host", () => {
  /** Sends /ping/0 (answered 429 or 503 once) and resolves when its retry is scheduled, with the time. */
  function firstRefused(http: HttpClient, fault: { status: number; headers?: Record<string, string> }) {
    mock.faults.add({ match: "/ping/0", ...fault });
    let signalled!: (at: number) => void;
    const refused = new Promise<number>((resolve) => (signalled = resolve));
    const done = get(http, "/ping/0", { onRetry: () => signalled(clock.now()) });
    return { refused, done };
  }

  it("a 429 with Retry-After holds back every other request to that host, not other hosts; notBefore() reports it", async () => {
    const http = client();
    const { refused, done } = firstRefused(http, { status: 429, headers: { "retry-after": "1" } });
    const t0 = await refused;
    const pause = http.notBefore();
    expect(Object.keys(pause)).toEqual([hostOf(mock)]);
    expect(pause[hostOf(mock)]! - t0).toBe(1_000);

    await settleAll([get(http, "/ping/1"), get(http, "/ping/2"), get(http, `${other.url}/ping/3`), done]);
    const [, ...rest] = mock.requests.filter((r) => r.path.startsWith("/ping/"));
    const sameHost = rest.filter((r) => r.path !== "/ping/0");
    expect(sameHost).toHaveLength(2);
    for (const r of sameHost) expect(r.at - t0).toBeGreaterThanOrEqual(1_000);
    expect(arrivals(other)[0]).toBe(t0);
    expect(http.notBefore()).toEqual({}); // only times still ahead
  });

  it("a 503 with Retry-After pauses the host too; a 429 without one pauses it for the computed backoff", async () => {
    const first = client();
    const a = firstRefused(first, { status: 503, headers: { "retry-after": "1" } });
    const t0 = await a.refused;
    await settleAll([get(first, "/ping/1"), a.done]);
    expect(mock.requests.find((r) => r.path === "/ping/1")!.at - t0).toBeGreaterThanOrEqual(1_000);

    mock.clearLog();
    const backoff: RetryPolicy = { ...RETRY, backoffFactor: 0.8 }; // first wait 400–800 ms
    const second = client();
    mock.faults.add({ match: "/ping/0", status: 429 });
    let refused!: (at: number) => void;
    const retrying = new Promise<number>((resolve) => (refused = resolve));
    const done = get(second, "/ping/0", { retry: backoff, onRetry: () => refused(clock.now()) });
    const t1 = await retrying;
    const until = second.notBefore()[hostOf(mock)]!;
    expect(until - t1).toBeGreaterThanOrEqual(400);
    expect(until - t1).toBeLessThanOrEqual(800);
    await settleAll([get(second, "/ping/1", { retry: backoff }), done]);
    expect(mock.requests.find((r) => r.path === "/ping/1")!.at).toBeGreaterThanOrEqual(until);
  });

  it("a new client given a previous run's notBefore waits before its first request", async () => {
    const started = clock.now();
    const until = started + 700;
    const http = client({ notBefore: { [hostOf(mock)]: until, [hostOf(other)]: started - 1_000 } });
    expect(http.notBefore()).toEqual({ [hostOf(mock)]: until });
    await settleAll([get(http, "/ping/0"), get(http, `${other.url}/ping/1`)]);
    expect(arrivals(mock)[0]).toBe(until);
    expect(arrivals(other)[0]).toBe(started);
  });

  it("a cooldown longer than max_backoff fails the request at once, without sending it", async () => {
    const started = clock.now();
    const http = client({ notBefore: { [hostOf(mock)]: started + 120_000 } });
    const error = await rejection(get(http, "/ping/0"));
    expect(clock.now()).toBe(started); // no time waited
    expect(isHttpError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /things: 127\.0\.0\.1:\d+ asked not to be called before .* more than max_backoff \(60 s\)/,
    );
    expect(mock.requests).toHaveLength(0);
  });
});

describe("budget: maxRequests and deadline", () => {
  it("sends exactly maxRequests requests, retries included, then throws max_requests without sending", async () => {
    mock.faults.add({ match: "/ping/0", status: 503, times: 2 });
    const http = client({ budget: { maxRequests: 5 } });
    await get(http, "/ping/0"); // 3 requests
    await get(http, "/ping/1");
    await get(http, "/ping/2");
    const error = await rejection(get(http, "/ping/3"));
    expect(error).toBeInstanceOf(BudgetExhaustedError);
    expect(error).toMatchObject({ code: "budget_exhausted", reason: "max_requests" });
    expect(http.requestsSent()).toBe(5);
    expect(mock.requests).toHaveLength(5);
  });

  it("is never retried nor turned into an HttpError: a retry past the budget throws it", async () => {
    mock.faults.add({ match: "/ping/0", status: 503, times: 5 });
    const http = client({ budget: { maxRequests: 2 } });
    const error = await rejection(get(http, "/ping/0"));
    expect(isBudgetExhaustedError(error)).toBe(true);
    expect(isHttpError(error)).toBe(false);
    expect(mock.requests.map((r) => r.status)).toEqual([503, 503]);
  });

  it("holds under concurrency: 10 requests at once with maxRequests 4 send exactly 4", async () => {
    const http = client({ budget: { maxRequests: 4 } });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => get(http, `/ping/${n}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected"))
      expect(r.reason).toMatchObject({ reason: "max_requests" });
    expect(mock.requests).toHaveLength(4);
  });

  it("counts redirects and token requests", async () => {
    mock.route("GET", "/old", () => ({ status: 302, headers: { location: "/ping/9" } }));
    const redirected = client({ budget: { maxRequests: 1 } });
    expect(await rejection(get(redirected, "/old"))).toMatchObject({ reason: "max_requests" });
    expect(mock.requests.map((r) => r.path)).toEqual(["/old"]);

    mock.clearLog();
    mock.route("POST", "/token", () => ({ body: { access_token: "tok-123", expires_in: 3600 } }));
    let http!: HttpClient;
    const auth = createAuthenticator(
      {
        type: "oauth2_client_credentials",
        access_token_url: `${mock.url}/token`,
        client_id: "id",
        client_secret: "secret",
        default_token_expiration: 3600,
      },
      async (url, form, context) =>
        (await http.request({ url, method: "POST", form }, { ...context, retry: RETRY, anonymous: true })).body,
    );
    http = client({ auth, budget: { maxRequests: 2 } });
    await get(http, "/ping/0");
    expect(await rejection(get(http, "/ping/1"))).toMatchObject({ reason: "max_requests" });
    expect(mock.requests.map((r) => r.path)).toEqual(["/token", "/ping/0"]);
    expect(http.requestsSent()).toBe(2);
  });

  it("throws deadline instead of sending once the deadline has passed", async () => {
    const http = client({ budget: { deadline: clock.now() + 150 } });
    await get(http, "/ping/0");
    await clock.sleep(200);
    const error = await rejection(get(http, "/ping/1"));
    expect(error).toMatchObject({ name: "BudgetExhaustedError", reason: "deadline" });
    expect(mock.requests).toHaveLength(1);
    expect(http.requestsSent()).toBe(1);
  });

  it("a retry backoff that would end after the deadline throws at once instead of sleeping", async () => {
    mock.faults.add({ match: "/ping/0", status: 503 });
    const started = clock.now();
    const http = client({ budget: { deadline: started + 500 } });
    const error = await rejection(get(http, "/ping/0", { retry: { ...RETRY, backoffFactor: 2 } })); // waits 1–2 s
    expect(clock.now()).toBe(started); // no time waited
    expect(error).toMatchObject({ name: "BudgetExhaustedError", reason: "deadline" });
    expect((error as Error).message).toMatch(/retry backoff would end after the deadline/);
    expect(mock.requests).toHaveLength(1);
  });

  it("so does a Retry-After, a rate-limit wait and a host cooldown", async () => {
    const started = clock.now();
    const deadline = started + 500;
    mock.faults.add({ match: "/ping/0", status: 429, headers: { "retry-after": "2" } });
    const errors = [
      rejection(get(client({ budget: { deadline } }), "/ping/0")),
      rejection(get(client({ budget: { deadline }, notBefore: { [hostOf(mock)]: started + 2_000 } }), "/ping/1")),
    ];
    const paced = client({ budget: { deadline }, rateLimit: { requests_per_second: 1 } });
    await get(paced, "/ping/2");
    errors.push(rejection(get(paced, "/ping/3")));
    const messages: string[] = [];
    for (const error of await settleAll(errors)) {
      expect(error).toMatchObject({ name: "BudgetExhaustedError", reason: "deadline" });
      messages.push((error as Error).message);
    }
    expect(messages).toEqual([
      expect.stringMatching(/retry backoff/),
      expect.stringMatching(/cooldown \(HTTP 429\)/),
      expect.stringMatching(/rate-limit wait/),
    ]);
    expect(clock.now()).toBe(started); // no time waited
    expect(mock.requests.map((r) => r.path).sort()).toEqual(["/ping/0", "/ping/2"]);
  });
});
