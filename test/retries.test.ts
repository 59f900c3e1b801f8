/**
 * Retries, backoff, Retry-After, timeouts, response_actions and abort, end to
 * end over HTTP against the reference mock API with injected faults. Real time:
 * waits are asserted from below (a busy machine only makes them longer), and
 * "at once" / "promptly" against the long wait the behaviour would otherwise
 * take, with room for a loaded machine. Exact pacing is in rate-limit.test.ts.
 */

import { createPipeline, type ProgressEvent, type RestApiConfig, type RunOptions, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { LoggedRequest, MockApi } from "./mock/index";

let mock: MockApi;

useMockApis(1, (api) => (mock = api));

const ITEMS = [{ id: 1 }, { id: 2 }, { id: 3 }];
const OTHERS = [{ id: "a" }, { id: "b" }];

beforeEach(() => {
  mock.route("GET", "/items", () => ({ body: { data: ITEMS } }));
  mock.route("GET", "/others", () => ({ body: { data: OTHERS } }));
});

type Resource = Exclude<RestApiConfig["resources"][number], string>;
type Endpoint = Exclude<NonNullable<Resource["endpoint"]>, string>;
type Client = Partial<RestApiConfig["client"]>;

const items = (endpoint: Partial<Endpoint> = {}): Resource => ({
  name: "items",
  primary_key: "id",
  write_disposition: "merge",
  endpoint: { path: "/items", paginator: "single_page", ...endpoint },
});

async function run(resources: Resource[], options: { client?: Client; run?: RunOptions } = {}) {
  const events: ProgressEvent[] = [];
  const pipeline = createPipeline({ name: "retries", store: memoryAdapter() });
  const source = restApiSource({ client: { base_url: mock.url, ...options.client }, resources });
  const started = Date.now();
  const report = await pipeline.run(source, {
    ...options.run,
    onProgress: (event) => {
      events.push(event);
      options.run?.onProgress?.(event);
    },
  });
  const retries = events.filter((e): e is Extract<ProgressEvent, { type: "retry" }> => e.type === "retry");
  return { report, events, retries, pipeline, elapsed: Date.now() - started };
}

const logged = (path: string): LoggedRequest[] => mock.requests.filter((r) => r.path === path);
/** Milliseconds between consecutive requests to `path`. */
const gaps = (path: string): number[] => {
  const at = logged(path).map((r) => r.at);
  return at.slice(1).map((t, i) => t - at[i]!);
};

describe("error_handler: retry_on_status_codes, max_retries, backoff_factor", () => {
  it("429 twice then 200: completed with 2 retries in 3 requests, and a retry event per retry", async () => {
    mock.faults.add({ match: "/items", status: 429, body: { error: "slow down" }, times: 2 });
    const { report, retries, pipeline } = await run([
      items({ error_handler: { retry_on_status_codes: [429], max_retries: 3, backoff_factor: 0.01 } }),
    ]);
    const r = report.resources.items!;
    expect(report.status).toBe("completed");
    expect(r).toMatchObject({ status: "completed", retries: 2, requests: 3, records: 3, pages: 1 });
    expect(report.totals).toMatchObject({ requests: 3, retries: 2 });
    expect(await pipeline.count("items")).toBe(3);
    expect(logged("/items").map((q) => q.status)).toEqual([429, 429, 200]);

    expect(retries.map((e) => [e.resource, e.attempt, e.status, e.url])).toEqual([
      ["items", 1, 429, `${mock.url}/items`],
      ["items", 2, 429, `${mock.url}/items`],
    ]);
    // backoff_factor 0.01: waits of at most 10 ms then 20 ms, and each retry actually waited.
    expect(retries[0]!.waitMs).toBeGreaterThan(0);
    expect(retries[0]!.waitMs).toBeLessThanOrEqual(10);
    expect(retries[1]!.waitMs).toBeGreaterThan(0);
    expect(retries[1]!.waitMs).toBeLessThanOrEqual(20);
    for (const [i, gap] of gaps("/items").entries()) expect(gap).toBeGreaterThanOrEqual(retries[i]!.waitMs - 2);
    for (const event of retries) expect(event.reason).toContain("429");
  });

  it("a status listed in retry_on_status_codes is retried (500 here), with backoff growing per attempt", async () => {
    mock.faults.add({ match: "/items", status: 500, times: 3 });
    const { report, retries } = await run([
      items({ error_handler: { retry_on_status_codes: [500], max_retries: 3, backoff_factor: 0.02 } }),
    ]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 3, requests: 4 });
    // equal jitter: wait n lies in [f·2^n/2, f·2^n]
    expect(retries.map((e) => e.attempt)).toEqual([1, 2, 3]);
    retries.forEach((e, n) => {
      expect(e.waitMs).toBeGreaterThanOrEqual((20 * 2 ** n) / 2);
      expect(e.waitMs).toBeLessThanOrEqual(20 * 2 ** n);
    });
  });

  it("exhaustion: always 429 with max_retries 2 fails after 3 attempts, naming resource, status and URL", async () => {
    mock.faults.add({ match: "/items", status: 429, times: 10 });
    const { report, retries, pipeline } = await run([
      items({ error_handler: { retry_on_status_codes: [429], max_retries: 2, backoff_factor: 0.01 } }),
    ]);
    const r = report.resources.items!;
    expect(report.status).toBe("failed");
    expect(r.status).toBe("failed");
    expect(r).toMatchObject({ requests: 3, retries: 2, records: 0 });
    expect(r.error).toMatchObject({ name: "HttpError", code: "http_status", status: 429, url: `${mock.url}/items` });
    expect(r.error!.message).toContain("items");
    expect(r.error!.message).toContain("429");
    expect(r.error!.message).toContain(`${mock.url}/items`);
    expect(r.error!.message).toMatch(/3 attempt/);
    expect(logged("/items")).toHaveLength(3);
    expect(retries).toHaveLength(2);
    expect(await pipeline.count("items")).toBe(0);
    expect(await pipeline.state("items")).toBeUndefined();
  });
});

describe("bodies that cannot be used", () => {
  it("an HTML error page or a truncated body on a 200 is retried like a transient failure", async () => {
    mock.faults.add({ match: "/items", kind: "html", times: 1 });
    mock.faults.add({ match: "/items", kind: "truncate", times: 1 });
    const { report, retries } = await run([items({ error_handler: { max_retries: 3, backoff_factor: 0.01 } })]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 2, requests: 3, records: 3 });
    expect(retries).toHaveLength(2);
  });

  it("a body that stays invalid JSON fails with response_invalid after one retry, not max_retries, and the report counts every request made", async () => {
    mock.faults.add({ match: "/items", kind: "invalid-json", times: 5 });
    const { report } = await run([items({ error_handler: { max_retries: 4, backoff_factor: 0.01 } })]);
    const r = report.resources.items!;
    expect(r.status).toBe("failed");
    expect(r.error).toMatchObject({ name: "ResponseError", code: "response_invalid", url: `${mock.url}/items` });
    expect(logged("/items")).toHaveLength(2);
    expect(r).toMatchObject({ requests: 2, retries: 1 });
  });

  it("max_retries: 0 leaves no retry for an invalid body either", async () => {
    mock.faults.add({ match: "/items", kind: "html", times: 5 });
    const { report } = await run([items({ error_handler: { max_retries: 0 } })]);
    expect(report.resources.items).toMatchObject({ status: "failed", requests: 1, retries: 0 });
    expect(report.resources.items!.error?.code).toBe("response_invalid");
  });
});

describe("max_backoff", () => {
  it("caps the computed backoff", async () => {
    mock.faults.add({ match: "/items", status: 503, times: 3 });
    // Uncapped, the first wait alone would be 30–60 s.
    const { report, retries, elapsed } = await run([
      items({ error_handler: { max_retries: 3, backoff_factor: 60, max_backoff: 0.05 } }),
    ]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 3 });
    for (const event of retries) expect(event.waitMs).toBeLessThanOrEqual(50);
    expect(elapsed).toBeLessThan(15_000);
  });
});

describe("Retry-After", () => {
  it('in seconds ("1") is honoured: the retry comes at least a second later', async () => {
    mock.faults.add({ match: "/items", status: 429, headers: { "retry-after": "1" }, times: 1 });
    const { report, retries } = await run([items({ error_handler: { max_retries: 2, backoff_factor: 0.01 } })]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 1, requests: 2 });
    expect(retries[0]!.waitMs).toBeGreaterThanOrEqual(1000);
    expect(retries[0]!.waitMs).toBeLessThan(1200);
    expect(gaps("/items")[0]).toBeGreaterThanOrEqual(990);
  });

  it("as an HTTP date is measured against the response's own Date header (clock skew does not matter)", async () => {
    // The server's clock is an hour behind ours: against our clock, Retry-After would be in the past.
    const serverNow = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    mock.faults.add({
      match: "/items",
      status: 429,
      headers: { date: new Date(serverNow).toUTCString(), "retry-after": new Date(serverNow + 1000).toUTCString() },
      times: 1,
    });
    const { report, retries } = await run([items({ error_handler: { max_retries: 2, backoff_factor: 0.01 } })]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 1, requests: 2 });
    expect(retries[0]!.waitMs).toBeGreaterThanOrEqual(1000);
    expect(retries[0]!.waitMs).toBeLessThan(1200);
    expect(gaps("/items")[0]).toBeGreaterThanOrEqual(990);
  });

  it("as an HTTP date from a rate limiter (no skew) is honoured: the retry lands after the window ends", async () => {
    mock.setOptions({ rateLimit: { requests: 1, windowMs: 1000, retryAfter: "date", mode: "fixed" } });
    try {
      const { report, retries } = await run(
        [items({ error_handler: { max_retries: 3, backoff_factor: 0.01 } })].concat([
          {
            name: "others",
            endpoint: {
              path: "/others",
              paginator: "single_page",
              error_handler: { max_retries: 3, backoff_factor: 0.01 },
            },
          },
        ]),
      );
      expect(report.status).toBe("completed");
      const windowStart = mock.requests[0]!.at;
      const limited = mock.requests.filter((r) => r.status === 429);
      expect(limited).toHaveLength(1);
      expect(retries).toHaveLength(1);
      expect(retries[0]!.waitMs).toBeGreaterThanOrEqual(900);
      const retry = mock.requests.filter((r) => r.path === limited[0]!.path)[1]!;
      expect(retry.status).toBe(200);
      expect(retry.at - windowStart).toBeGreaterThanOrEqual(995);
    } finally {
      mock.setOptions({ rateLimit: undefined });
    }
  });

  it('"0" does not retry in a hot loop: it falls back to the computed backoff', async () => {
    mock.faults.add({ match: "/items", status: 429, headers: { "retry-after": "0" }, times: 2 });
    const { report, retries } = await run([items({ error_handler: { max_retries: 3, backoff_factor: 0.2 } })]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 2, requests: 3 });
    // backoff_factor 0.2 with equal jitter: at least 100 ms, then at least 200 ms.
    expect(retries[0]!.waitMs).toBeGreaterThanOrEqual(100);
    expect(retries[1]!.waitMs).toBeGreaterThanOrEqual(200);
    const [first, second] = gaps("/items");
    expect(first).toBeGreaterThanOrEqual(Math.max(100, retries[0]!.waitMs - 2));
    expect(second).toBeGreaterThanOrEqual(Math.max(200, retries[1]!.waitMs - 2));
  });

  it("larger than max_backoff fails fast with a message saying so", async () => {
    mock.faults.add({ match: "/items", status: 429, headers: { "retry-after": "120" }, times: 5 });
    const { report, elapsed } = await run([
      items({ error_handler: { max_retries: 3, backoff_factor: 0.01, max_backoff: 20 } }),
    ]);
    const r = report.resources.items!;
    expect(elapsed).toBeLessThan(15_000); // neither the 120 s asked nor max_backoff's 20 s
    expect(r.status).toBe("failed");
    expect(r).toMatchObject({ requests: 1, retries: 0 });
    expect(r.error).toMatchObject({ code: "http_status", status: 429, url: `${mock.url}/items` });
    expect(r.error!.message).toContain("max_backoff");
    expect(r.error!.message).toContain("120");
    expect(logged("/items")).toHaveLength(1);
  });
});

describe("default retries (no error_handler)", () => {
  it("a 503 is retried with the default policy", async () => {
    mock.faults.add({ match: "/items", status: 503, times: 1 });
    const { report, retries } = await run([items()]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 1, requests: 2, records: 3 });
    expect(retries[0]).toMatchObject({ attempt: 1, status: 503 });
    // default backoff_factor 1: the first wait is between 0.5 and 1 s
    expect(retries[0]!.waitMs).toBeGreaterThanOrEqual(500);
    expect(retries[0]!.waitMs).toBeLessThanOrEqual(1000);
  });

  it("502, 503, 504 and a reset connection are retried even when retry_on_status_codes lists only 429", async () => {
    mock.faults.add({ match: "/items", status: 502, times: 1 });
    mock.faults.add({ match: "/items", status: 503, times: 1 });
    mock.faults.add({ match: "/items", status: 504, times: 1 });
    mock.faults.add({ match: "/items", kind: "reset", times: 1 });
    const { report, retries } = await run([
      items({ error_handler: { retry_on_status_codes: [429], backoff_factor: 0.01 } }),
    ]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 4, requests: 5, records: 3 });
    expect(retries.map((e) => e.status)).toEqual([502, 503, 504, 0]);
    expect(retries[3]!.reason).toMatch(/network/i);
    expect(logged("/items").map((r) => r.status)).toEqual([502, 503, 504, 0, 200]);
  });

  it("network errors that persist fail with code http_network and status 0", async () => {
    mock.faults.add({ match: "/items", kind: "reset", times: 10 });
    const { report } = await run([items({ error_handler: { max_retries: 1, backoff_factor: 0.01 } })]);
    const r = report.resources.items!;
    expect(r.status).toBe("failed");
    expect(r).toMatchObject({ requests: 2, retries: 1 });
    expect(r.error).toMatchObject({ name: "HttpError", code: "http_network", status: 0, url: `${mock.url}/items` });
    expect(r.error!.message).toContain("items");
    expect(logged("/items")).toHaveLength(2);
  });

  it("a 500, 501 and 599 are retried by default, as dlt retries 429 and every 5xx", async () => {
    mock.faults.add({ match: "/items", status: 500, times: 1 });
    mock.faults.add({ match: "/items", status: 501, times: 1 });
    mock.faults.add({ match: "/items", status: 599, times: 1 });
    const { report, retries } = await run([items({ error_handler: { backoff_factor: 0.01 } })]);
    expect(report.resources.items).toMatchObject({ status: "completed", requests: 4, retries: 3, records: 3 });
    expect(retries.map((e) => e.status)).toEqual([500, 501, 599]);
  });

  it("by default a request is sent 5 times in all, dlt's request_max_attempts, then fails naming the attempts", async () => {
    mock.faults.add({ match: "/items", status: 500, times: 10 });
    const { report } = await run([items({ error_handler: { backoff_factor: 0.01 } })]);
    const r = report.resources.items!;
    expect(r).toMatchObject({ status: "failed", requests: 5, retries: 4 });
    expect(r.error).toMatchObject({ name: "HttpError", code: "http_status", status: 500 });
    expect(r.error!.message).toContain("after 5 attempt(s)");
    expect(logged("/items")).toHaveLength(5);
  });

  it("the default waits follow dlt's: backoff_factor 1, a Retry-After up to 300 s is honoured", () => {
    const source = restApiSource({ client: { base_url: mock.url }, resources: ["items"] });
    expect(source.resources[0]!.retry).toMatchObject({ maxRetries: 4, backoffFactor: 1, maxBackoff: 300 });
  });

  it("an error's message leaves the response body out, as dlt does; the report's error carries it (redacted) as body", async () => {
    mock.route("GET", "/private", () => ({ status: 400, body: { error: "user jane@example.com has no plan" } }));
    const { report } = await run([items({ path: "/private" })]);
    const error = report.resources.items!.error!;
    expect(error).toMatchObject({ code: "http_status", status: 400 });
    expect(error.message).toBe(`items: HTTP 400 from GET ${mock.url}/private`);
    expect(error.body).toBe('{"error":"user jane@example.com has no plan"}');
  });

  it("a 404 fails at once with an HttpError naming resource, status and URL", async () => {
    const { report, retries, elapsed } = await run([items({ path: "/missing/thing", params: { q: "x y" } })]);
    const r = report.resources.items!;
    const url = `${mock.url}/missing/thing?q=x+y`;
    expect(r.status).toBe("failed");
    expect(r).toMatchObject({ requests: 1, retries: 0, records: 0 });
    expect(r.error).toMatchObject({ name: "HttpError", code: "http_status", status: 404, url });
    expect(r.error!.message).toContain("items");
    expect(r.error!.message).toContain("404");
    expect(r.error!.message).toContain(url);
    expect(retries).toEqual([]);
    expect(elapsed).toBeLessThan(15_000); // no wait: retries would take 0.5 s, 1 s, 2 s… under the default policy
    expect(mock.requests).toHaveLength(1);
  });
});

describe("timeouts", () => {
  it("a request that hangs past client.timeout is retried, and the run completes when the next attempt answers", async () => {
    mock.faults.add({ match: "/items", kind: "hang", times: 1 });
    const { report, retries, elapsed } = await run(
      [items({ error_handler: { max_retries: 2, backoff_factor: 0.01 } })],
      { client: { timeout: 0.3 } },
    );
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 1, requests: 2, records: 3 });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, status: 0 });
    expect(retries[0]!.reason).toMatch(/time/i);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(15_000); // the hang is cut at 0.3 s, not at the default 60 s
    expect(gaps("/items")[0]).toBeGreaterThanOrEqual(290);
  });

  it("with max_retries 0 a hang fails with code http_timeout", async () => {
    mock.faults.add({ match: "/items", kind: "hang", times: 1 });
    const { report, elapsed } = await run([items({ error_handler: { max_retries: 0 } })], { client: { timeout: 0.3 } });
    const r = report.resources.items!;
    expect(r.status).toBe("failed");
    expect(r.error).toMatchObject({ name: "HttpError", code: "http_timeout", status: 0, url: `${mock.url}/items` });
    expect(r.error!.message).toContain("items");
    expect(r).toMatchObject({ requests: 1, retries: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(15_000);
  });
});

describe("response_actions", () => {
  function parentsAndChildren() {
    mock.route("GET", "/parents", () => ({ body: { data: [{ id: 1 }, { id: 2 }, { id: 3 }] } }));
    // Parent 2 was deleted between the list and the child request.
    mock.route("GET", /^\/parents\/(?<id>\d+)\/children$/, (req) =>
      req.params.id === "2"
        ? { status: 404, body: { error: "parent not found" } }
        : { body: { data: [{ id: `${req.params.id}-a` }, { id: `${req.params.id}-b` }] } },
    );
  }
  const resources = (actions: Endpoint["response_actions"]): Resource[] => [
    {
      name: "parents",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: { path: "/parents", paginator: "single_page" },
    },
    {
      name: "children",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        path: "/parents/{parent_id}/children",
        paginator: "single_page",
        params: { parent_id: { type: "resolve", resource: "parents", field: "id" } },
        error_handler: { backoff_factor: 0.01 },
        ...(actions ? { response_actions: actions } : {}),
      },
    },
  ];

  it("{ status_code: 404, action: ignore } skips the children of a deleted parent and completes", async () => {
    parentsAndChildren();
    const { report, pipeline } = await run(resources([{ status_code: 404, action: "ignore" }]));
    expect(report.status).toBe("completed");
    expect(report.resources.children).toMatchObject({ status: "completed", records: 4, requests: 3, retries: 0 });
    const ids: unknown[] = [];
    for await (const record of pipeline.records("children")) ids.push(record.id);
    expect(ids.sort()).toEqual(["1-a", "1-b", "3-a", "3-b"]);
    expect(logged("/parents/2/children").map((r) => r.status)).toEqual([404]);
  });

  it("without the action the same 404 fails the child resource (the action is what made it pass)", async () => {
    parentsAndChildren();
    const { report } = await run(resources(undefined));
    expect(report.status).toBe("partial");
    expect(report.resources.parents!.status).toBe("completed");
    expect(report.resources.children!.status).toBe("failed");
    expect(report.resources.children!.error).toMatchObject({
      code: "http_status",
      status: 404,
      url: `${mock.url}/parents/2/children`,
    });
  });

  it("{ content: 'rate limited', action: retry } retries a 200 whose body says so", async () => {
    mock.faults.add({ match: "/items", status: 200, body: { error: "rate limited, try again" }, times: 1 });
    const { report, retries, pipeline } = await run([
      items({
        response_actions: [{ content: "rate limited", action: "retry" }],
        error_handler: { backoff_factor: 0.01 },
      }),
    ]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 1, requests: 2, records: 3 });
    expect(retries).toHaveLength(1);
    expect(await pipeline.get("items", 1)).toEqual({ id: 1 });
    expect(await pipeline.count("items")).toBe(3);
  });

  it("{ content: 'rate limited', action: retry } also retries a status that is not retried otherwise", async () => {
    mock.faults.add({ match: "/items", status: 403, body: { error: "rate limited" }, times: 2 });
    const { report } = await run([
      items({
        response_actions: [{ content: "rate limited", action: "retry" }],
        error_handler: { backoff_factor: 0.01 },
      }),
    ]);
    expect(report.resources.items).toMatchObject({ status: "completed", retries: 2, requests: 3, records: 3 });
  });

  it("a content action does not fire when the body does not contain the text", async () => {
    mock.faults.add({ match: "/items", status: 403, body: { error: "forbidden" }, times: 1 });
    const { report } = await run([
      items({
        response_actions: [{ content: "rate limited", action: "retry" }],
        error_handler: { backoff_factor: 0.01 },
      }),
    ]);
    expect(report.resources.items).toMatchObject({ status: "failed", requests: 1, retries: 0 });
    expect(report.resources.items!.error).toMatchObject({ status: 403 });
  });
});

describe("abort and isolation", () => {
  it("aborting while a request waits in backoff stops the run promptly: partial, resource aborted", async () => {
    mock.faults.add({ match: "/items", status: 429, headers: { "retry-after": "25" }, times: 5 });
    const controller = new AbortController();
    let abortedAt = 0;
    const events: ProgressEvent[] = [];
    const pipeline = createPipeline({ name: "abort", store: memoryAdapter() });
    const source = restApiSource({
      client: { base_url: mock.url },
      resources: [items({ error_handler: { max_retries: 3, backoff_factor: 0.01 } })],
    });
    const report = await pipeline.run(source, {
      signal: controller.signal,
      onProgress: (event) => {
        events.push(event);
        if (event.type === "retry") {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 50);
        }
      },
    });
    const stoppedIn = Date.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(stoppedIn).toBeLessThan(15_000); // not the 25 s Retry-After
    expect(report.status).toBe("partial");
    expect(report.resources.items!.status).toBe("aborted");
    expect(logged("/items")).toHaveLength(1);
    expect(events.some((e) => e.type === "resource_finished" && e.resource === "items")).toBe(true);
    // Stopped, not completed: no cursor or completed run is recorded (only where to resume).
    expect((await pipeline.state("items"))?.cursor).toBeUndefined();
    expect((await pipeline.state("items"))?.last_run).toBeUndefined();
    // The run really stopped: no request is sent after the abort.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logged("/items")).toHaveLength(1);
  });

  it("aborting while a request hangs in flight stops the run promptly", async () => {
    mock.faults.add({ match: "/items", kind: "hang", times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { report, elapsed } = await run([items({ error_handler: { max_retries: 3, backoff_factor: 0.01 } })], {
      run: { signal: controller.signal },
    });
    expect(elapsed).toBeLessThan(15_000); // not the default 60 s timeout
    expect(report.status).toBe("partial");
    expect(report.resources.items!.status).toBe("aborted");
    expect(logged("/items")).toHaveLength(1);
  });

  it("an aborted resource still reports the requests it made", async () => {
    mock.faults.add({ match: "/items", status: 429, headers: { "retry-after": "10" }, times: 5 });
    const controller = new AbortController();
    const { report } = await run([items({ error_handler: { max_retries: 3, backoff_factor: 0.01 } })], {
      run: {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === "retry") setTimeout(() => controller.abort(), 20);
        },
      },
    });
    expect(report.resources.items!.status).toBe("aborted");
    expect(logged("/items")).toHaveLength(1);
    expect(report.resources.items!.requests).toBe(1);
    expect(report.totals.requests).toBe(1);
  });

  it("a failing resource does not stop the others: partial, the others completed", async () => {
    mock.faults.add({ match: "/items", status: 404, times: 1 });
    const { report, pipeline } = await run([
      items({ error_handler: { backoff_factor: 0.01 } }),
      {
        name: "others",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { path: "/others", paginator: "single_page" },
      },
    ]);
    expect(report.status).toBe("partial");
    expect(report.resources.items!.status).toBe("failed");
    expect(report.resources.others).toMatchObject({ status: "completed", records: 2 });
    expect(await pipeline.count("others")).toBe(2);
    expect(report.totals.records).toBe(2);
  });

  it("every resource failing makes the run failed", async () => {
    mock.faults.add({ match: "/items", status: 404, times: 1 });
    mock.faults.add({ match: "/others", status: 400, times: 1 });
    const { report } = await run([
      items(),
      {
        name: "others",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { path: "/others", paginator: "single_page" },
      },
    ]);
    expect(report.status).toBe("failed");
    expect(report.resources.others!.error).toMatchObject({ status: 400 });
  });
});
