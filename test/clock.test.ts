/** HttpClient.serverNow(): the API's clock, from the Date header of the latest response. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RetryPolicy } from "../src/config/source";
import { ServerClock } from "../src/http/_clock";
import { Redactor } from "../src/http/_redact";
import { HttpClient } from "../src/http/client";
import { startMockApi, type MockApi } from "./mock/index";

let mock: MockApi;
beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
});
afterAll(async () => {
  await mock?.close();
});

const HOUR = 3_600_000;
/** An hour ahead of us, fixed when the file loads: the server's clock is skewed. */
const SKEWED = new Date(Date.now() + HOUR).toUTCString();

beforeEach(() => {
  mock.clearRoutes();
  mock.route("GET", "/skewed", () => ({ headers: { date: SKEWED }, body: { data: [] } }));
  mock.route("GET", "/plain", () => ({ body: { data: [] } }));
});

const RETRY: RetryPolicy = { retryOnStatus: new Set([429, 502, 503, 504]), maxRetries: 3, backoffFactor: 0.01, maxBackoff: 60 };
const client = (fetch?: typeof globalThis.fetch) =>
  new HttpClient({ baseUrl: mock.url, auth: undefined, timeoutMs: 5_000, concurrency: 6, redactor: new Redactor([]), ...(fetch ? { fetch } : {}) });
const get = (http: HttpClient, path: string) => http.request({ url: http.resolve(path), method: "GET" }, { resource: "things", retry: RETRY });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("serverNow", () => {
  it("is Date.now() before any response", () => {
    const http = client();
    expect(Math.abs(http.serverNow() - Date.now())).toBeLessThan(5);
  });

  it("follows a server whose Date is an hour ahead, advancing with local time since the response", async () => {
    const http = client();
    await get(http, "/skewed");
    const first = http.serverNow();
    expect(first - Date.parse(SKEWED)).toBeGreaterThanOrEqual(0);
    expect(first - Date.parse(SKEWED)).toBeLessThan(100); // the fixed date plus the little time since the response
    expect(first - Date.now()).toBeGreaterThan(HOUR - 2_000);

    await sleep(250);
    const later = http.serverNow();
    expect(later - first).toBeGreaterThanOrEqual(245);
    expect(later - first).toBeLessThan(400);
  });

  it("uses the most recent response: a server back on time brings it back to local time", async () => {
    const http = client();
    await get(http, "/skewed");
    expect(http.serverNow() - Date.now()).toBeGreaterThan(HOUR - 2_000);
    await get(http, "/plain"); // Node's server sends its own, correct, Date
    expect(Math.abs(http.serverNow() - Date.now())).toBeLessThan(1_500);
  });

  it("keeps the last known date when a response has none", async () => {
    const stripDate: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete("date");
      return new Response(response.body, { status: response.status, headers });
    };
    const http = client(stripDate);
    await get(http, "/skewed");
    expect(Math.abs(http.serverNow() - Date.now())).toBeLessThan(50); // no Date seen: local time

    const mixed = client(async (input, init) => (String(input).endsWith("/plain") ? stripDate(input, init) : fetch(input, init)));
    await get(mixed, "/skewed");
    await get(mixed, "/plain");
    expect(mixed.serverNow() - Date.now()).toBeGreaterThan(HOUR - 2_000);
  });
});

describe("ServerClock", () => {
  it("ignores an unparsable Date and never runs backwards when the local clock does", () => {
    let now = 1_000_000;
    const clock = new ServerClock(() => now);
    clock.observe(new Headers({ date: "not a date" }));
    expect(clock.serverNow()).toBe(now);
    clock.observe(new Headers({ date: new Date(5_000_000).toUTCString() }));
    now += 1_500;
    expect(clock.serverNow()).toBe(5_001_500);
    now -= 10_000;
    expect(clock.serverNow()).toBe(5_000_000);
  });
});
