import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MockApi } from "./api-types.js";
import { startMockApi } from "./server.js";
import { delay, get, type Json } from "./test-helpers.js";

let api: MockApi;
/** The mock's time when a test sets it (rate limits, exact and free of load); else the wall clock. */
let now: number | undefined;
beforeAll(async () => {
  api = await startMockApi({ datasetOptions: { size: "small" }, now: () => now ?? Date.now() });
});
afterAll(() => api.close());
beforeEach(() => {
  now = undefined;
  api.clearLog();
  api.faults.clear();
  api.clearRoutes();
  api.setOptions({ latencyMs: 0, rateLimit: undefined });
});

const statuses = async (count: number, path = "/v1/labels"): Promise<number[]> => {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await get(api, path)).status);
  return result;
};

describe("latency", () => {
  it("delays every response", async () => {
    api.setOptions({ latencyMs: 120 });
    for (const path of ["/v1/labels", "/v1/nope"]) {
      const started = performance.now();
      await (await get(api, path)).text();
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    }
  });
});

describe("rate limit", () => {
  beforeEach(() => {
    now = Date.UTC(2024, 0, 1);
  });

  it("returns 429 with Retry-After seconds once the window is used up", async () => {
    api.setOptions({ rateLimit: { requests: 3, windowMs: 2500 } });
    expect(await statuses(3)).toEqual([200, 200, 200]);
    const limited = await get(api, "/v1/labels");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    expect(await limited.json()).toEqual({ error: "rate limited" });
  });

  it("counts every request (any path or status) but not the 429s themselves", async () => {
    api.setOptions({ rateLimit: { requests: 2, windowMs: 1000 } });
    expect((await get(api, "/nope", {})).status).toBe(404);
    expect((await get(api, "/v1/labels", {})).status).toBe(401);
    expect(await statuses(3)).toEqual([429, 429, 429]);
    now! += 500;
    expect(await statuses(3)).toEqual([429, 429, 429]);
    now! += 600; // the two counted requests left the window; the six 429s never entered it
    expect(await statuses(3)).toEqual([200, 200, 429]);
  });

  it("can announce the wait as an HTTP date, or not at all", async () => {
    api.setOptions({ rateLimit: { requests: 1, windowMs: 1500, retryAfter: "date" } });
    await statuses(1);
    const limited = await get(api, "/v1/labels");
    const retryAt = Date.parse(limited.headers.get("retry-after") ?? "");
    expect(limited.headers.get("retry-after")).toMatch(/GMT$/);
    // The window frees its slot 1.5 s from now; the date is that, rounded up to a whole second.
    expect(retryAt).toBe(now! + 2000);

    api.setOptions({ rateLimit: { requests: 1, windowMs: 1500, retryAfter: "none" } });
    await statuses(1);
    const bare = await get(api, "/v1/labels");
    expect(bare.status).toBe(429);
    expect(bare.headers.has("retry-after")).toBe(false);
  });

  it("supports fixed windows", async () => {
    api.setOptions({ rateLimit: { requests: 2, windowMs: 1000, mode: "fixed" } });
    expect(await statuses(3)).toEqual([200, 200, 429]);
    now! += 999;
    expect(await statuses(1)).toEqual([429]);
    now! += 1;
    expect(await statuses(3)).toEqual([200, 200, 429]);
  });
});

describe("faults", () => {
  it("answers with the configured status, headers and body, once by default", async () => {
    api.faults.add({
      match: "/v1/epics",
      status: 503,
      headers: { "retry-after": "2" },
      body: { error: "maintenance" },
    });
    expect(api.faults.pending()).toBe(1);
    const res = await get(api, "/v1/epics");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({ error: "maintenance" });
    expect(api.faults.pending()).toBe(0);
    expect((await get(api, "/v1/epics")).status).toBe(200);
  });

  it("consumes faults in order of addition, each `times` times", async () => {
    api.faults.add({ match: "/v1/*", status: 502, times: 2 });
    api.faults.add({ match: "/v1/labels", status: 503 });
    api.faults.add({ match: "/v1/labels", status: 504 });
    expect(api.faults.pending()).toBe(4);
    expect(await statuses(5)).toEqual([502, 502, 503, 504, 200]);
    api.faults.add({ match: "/v1/labels", times: 3 });
    api.faults.clear();
    expect(api.faults.pending()).toBe(0);
  });

  it("matches exact paths, '*' prefixes, RegExps and predicates", async () => {
    api.faults.add({ match: "/v1/epics/*", status: 500 });
    expect((await get(api, "/v1/epics")).status).toBe(200);
    expect((await get(api, "/v1/epics/1001/comments")).status).toBe(500);
    api.faults.add({ match: /\/history$/, status: 418 });
    expect((await get(api, "/v1/stories/10001/history")).status).toBe(418);
    api.faults.add({ match: (req) => req.query["limit"] === "1", status: 409 });
    expect((await get(api, "/v1/search/epics?limit=2")).status).toBe(200);
    expect((await get(api, "/v1/search/epics?limit=1")).status).toBe(409);
  });

  it("applies before auth and the rate limit, and skips CORS preflights", async () => {
    api.faults.add({ match: "/v1/labels", status: 503 });
    const preflight = await fetch(`${api.url}/v1/labels`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(api.faults.pending()).toBe(1);
    expect((await get(api, "/v1/labels", {})).status).toBe(503);
    api.setOptions({ rateLimit: { requests: 1, windowMs: 60_000 } });
    expect(await statuses(2)).toEqual([200, 429]);
    api.faults.add({ match: "/v1/labels", status: 503 });
    expect((await get(api, "/v1/labels")).status).toBe(503);
  });

  it("resets the connection", async () => {
    api.faults.add({ match: "/v1/labels", kind: "reset" });
    await expect(get(api, "/v1/labels")).rejects.toThrow();
    expect(api.requests[0]!.status).toBe(0);
    expect((await get(api, "/v1/labels")).status).toBe(200);
  });

  it("hangs until the client gives up", async () => {
    api.faults.add({ match: "/v1/labels", kind: "hang" });
    const signal = AbortSignal.timeout(150);
    await expect(fetch(`${api.url}/v1/labels`, { headers: { api_key: api.apiKey }, signal })).rejects.toThrow();
    expect((await get(api, "/v1/labels")).status).toBe(200);
  });

  it("truncates a valid JSON body", async () => {
    api.faults.add({ match: "/v1/labels", kind: "truncate" });
    const res = await get(api, "/v1/labels");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    await expect(res.text()).rejects.toThrow();
  });

  it("serves an HTML error page, invalid JSON and the wrong shape with status 200", async () => {
    api.faults.add({ match: "/v1/labels", kind: "html" });
    api.faults.add({ match: "/v1/labels", kind: "invalid-json" });
    api.faults.add({ match: "/v1/labels", kind: "wrong-shape" });
    const html = await get(api, "/v1/labels");
    expect([html.status, html.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    expect(await html.text()).toContain("<html>");
    const invalid = await get(api, "/v1/labels");
    expect([invalid.status, invalid.headers.get("content-type")]).toEqual([200, "application/json"]);
    const invalidText = await invalid.text();
    expect(() => JSON.parse(invalidText)).toThrow();
    const wrong = await get(api, "/v1/labels");
    expect(wrong.status).toBe(200);
    expect(typeof ((await wrong.json()) as Json)["data"]).toBe("string");
  });

  it("waits afterMs before applying", async () => {
    api.faults.add({ match: "/v1/labels", status: 500, afterMs: 150 });
    const started = performance.now();
    expect((await get(api, "/v1/labels")).status).toBe(500);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("custom routes", () => {
  it("parses JSON, form and raw bodies, without auth", async () => {
    api.route("POST", "/oauth/token", (req) => ({
      status: 201,
      body: { got: req.body, auth: req.headers["authorization"] ?? null },
    }));
    const send = (body: string, type: string) =>
      fetch(`${api.url}/oauth/token`, { method: "POST", headers: { "content-type": type }, body }).then(async (r) => [
        r.status,
        await r.json(),
      ]);
    expect(await send('{"a":1}', "application/json")).toEqual([201, { got: { a: 1 }, auth: null }]);
    expect(await send("grant_type=client_credentials&scope=a+b", "application/x-www-form-urlencoded")).toEqual([
      201,
      { got: { grant_type: "client_credentials", scope: "a b" }, auth: null },
    ]);
    expect(await send("plain text", "text/plain")).toEqual([201, { got: "plain text", auth: null }]);
  });

  it("takes precedence over seed routes, latest registration first", async () => {
    api.route("GET", "/v1/epics", () => ({ body: { data: ["first"] } }));
    api.route("GET", "/v1/epics", (req) => ({ body: { data: [], query: req.query } }));
    const res = await get(api, "/v1/epics?page=2", {});
    expect(await res.json()).toEqual({ data: [], query: { page: "2" } });
    api.clearRoutes();
    expect((await get(api, "/v1/epics", {})).status).toBe(401);
  });

  it("supports RegExp paths with named groups, raw bodies and handler errors", async () => {
    api.route("*", /^\/custom\/(?<id>[^/]+)$/, (req) => ({
      headers: { "content-type": "text/plain", link: "<next>; rel=next" },
      raw: `id=${req.params["id"]}`,
    }));
    const res = await get(api, "/custom/a%20b");
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("link")).toBe("<next>; rel=next");
    expect(await res.text()).toBe("id=a b");
    api.route("GET", "/boom", () => {
      throw new Error("handler failed");
    });
    const boom = await get(api, "/boom");
    expect([boom.status, await boom.json()]).toEqual([500, { error: "handler failed" }]);
  });
});

describe("request log and stats", () => {
  it("logs method, decoded path, query, lower-case headers and status", async () => {
    const before = Date.now();
    await get(api, "/v1/epics/1001/comments?x=1&y=two", { api_key: api.apiKey, "X-Trace": "abc" });
    await get(api, "/v1/labels");
    await get(api, "/v1/epics/999999/comments");
    const [entry] = api.requests;
    expect(entry).toMatchObject({
      method: "GET",
      path: "/v1/epics/1001/comments",
      query: { x: "1", y: "two" },
      status: 200,
    });
    expect(entry!.headers).toMatchObject({ "x-trace": "abc", api_key: api.apiKey });
    expect(entry!.at).toBeGreaterThanOrEqual(before);
    expect(api.stats()).toMatchObject({ requests: 3, byStatus: { 200: 2, 404: 1 } });
    api.clearLog();
    expect(api.requests).toHaveLength(0);
    expect(api.stats()).toEqual({ requests: 0, byStatus: {}, maxConcurrent: 0 });
  });

  it("tracks the peak number of requests in flight", async () => {
    // Each answer waits until all six have arrived, so they overlap however slowly they come.
    let arrived = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    api.route("GET", "/v1/labels", async () => {
      if (++arrived === 6) open();
      await gate;
      return { body: { data: [] } };
    });
    const responses = await Promise.all(Array.from({ length: 6 }, () => get(api, "/v1/labels")));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(api.stats().maxConcurrent).toBe(6);
    api.clearLog();
    await statuses(3);
    expect(api.stats().maxConcurrent).toBe(1);
  });
});

describe("close()", () => {
  it("does not hang on keep-alive sockets or hanging requests", async () => {
    const local = await startMockApi({ datasetOptions: { size: "small" } });
    expect((await get(local, "/v1/labels")).status).toBe(200); // leaves a keep-alive socket
    local.faults.add({ match: "/v1/epics", kind: "hang" });
    local.setOptions({ latencyMs: 5_000 });
    const hanging = get(local, "/v1/epics").catch((error: unknown) => error);
    const slow = get(local, "/v1/labels").catch((error: unknown) => error);
    await delay(50);
    const started = performance.now();
    await local.close();
    expect(performance.now() - started).toBeLessThan(4_000); // not the 5 s latency, nor the hang
    expect(await hanging).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
  });
});
