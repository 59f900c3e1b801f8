/**
 * HttpClient.serverNow(): the API's clock, from the Date header of the latest
 * response. The client runs on a virtual clock that starts at a whole second of
 * real time and moves only when told: elapsed time is exact under any load.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RetryPolicy } from "../src/config/source";
import { ServerClock } from "../src/http/_clock";
import { Redactor } from "../src/http/_redact";
import { HttpClient } from "../src/http/client";
import { VirtualClock } from "./_helpers/virtual-clock";
import { type MockApi, startMockApi } from "./mock/index";

let mock: MockApi;
beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
});
afterAll(async () => {
  await mock?.close();
});

const HOUR = 3_600_000;
let clock: VirtualClock;
/** An hour ahead of the client's clock: the server's clock is skewed. */
const skewed = () => clock.now() + HOUR;

beforeEach(() => {
  clock = new VirtualClock(Math.floor(Date.now() / 1000) * 1000);
  mock.clearRoutes();
  mock.route("GET", "/skewed", () => ({ headers: { date: new Date(skewed()).toUTCString() }, body: { data: [] } }));
  mock.route("GET", "/plain", () => ({ body: { data: [] } }));
});

const RETRY: RetryPolicy = {
  retryOnStatus: new Set([429, 502, 503, 504]),
  maxRetries: 3,
  backoffFactor: 0.01,
  maxBackoff: 60,
};
const client = (fetch?: typeof globalThis.fetch) =>
  new HttpClient({
    baseUrl: mock.url,
    auth: undefined,
    timeoutMs: 5_000,
    concurrency: 6,
    redactor: new Redactor([]),
    clock,
    fetch: clock.fetch(fetch),
  });
const get = (http: HttpClient, path: string) =>
  http.request({ url: http.resolve(path), method: "GET" }, { resource: "things", retry: RETRY });

describe("serverNow", () => {
  it("is the local time before any response", () => {
    const http = client();
    expect(http.serverNow()).toBe(clock.now());
  });

  it("follows a server whose Date is an hour ahead, advancing with local time since the response", async () => {
    const http = client();
    const server = skewed();
    await get(http, "/skewed");
    const first = http.serverNow();
    expect(first).toBe(server);
    expect(first - clock.now()).toBe(HOUR);

    await clock.sleep(250);
    expect(http.serverNow() - first).toBe(250);
  });

  it("uses the most recent response: a server back on time brings it back to local time", async () => {
    const http = client();
    await get(http, "/skewed");
    expect(http.serverNow() - clock.now()).toBe(HOUR);
    const before = Date.now();
    await get(http, "/plain"); // Node's server sends its own, correct, Date (whole seconds)
    const after = Date.now();
    expect(http.serverNow()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(http.serverNow()).toBeLessThanOrEqual(after);
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
    expect(http.serverNow()).toBe(clock.now()); // no Date seen: local time

    const mixed = client(async (input, init) =>
      String(input).endsWith("/plain") ? stripDate(input, init) : fetch(input, init),
    );
    await get(mixed, "/skewed");
    await clock.sleep(100);
    await get(mixed, "/plain");
    expect(mixed.serverNow() - clock.now()).toBe(HOUR);
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
