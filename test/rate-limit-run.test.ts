import { createPipeline, type RestApiConfig } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RetryPolicy } from "../src/config/source";
import { Redactor } from "../src/http/_redact";
import { HttpClient } from "../src/http/client";
import { settleAll } from "./_helpers/settle";
import { VirtualClock } from "./_helpers/virtual-clock";
import { type MockApi, startMockApi } from "./mock/index";

const items = Array.from({ length: 210 }, (_, i) => ({ id: i + 1 }));
const pageOf = (req: { query: Record<string, string> }) => {
  const offset = Number(req.query.offset ?? 0);
  return { body: { data: items.slice(offset, offset + 1), total: items.length } };
};

describe("client.rate_limit against a server enforcing the same limit", () => {
  // The throughput figure belongs to `npm run bench` (benchmark 3); here only the claim, on a clock no load disturbs.
  it("210 requests at 200/min against 200 per sliding minute, on a virtual clock: zero 429s, at least 90% of the rate", async () => {
    const clock = new VirtualClock();
    const mock = await startMockApi({
      datasetOptions: { size: "small" },
      rateLimit: { requests: 200, windowMs: 60_000, mode: "sliding" },
      now: clock.now,
    });
    try {
      mock.route("GET", "/items", pageOf);
      const http = new HttpClient({
        baseUrl: mock.url,
        auth: undefined,
        timeoutMs: 5_000,
        concurrency: 6,
        redactor: new Redactor([]),
        rateLimit: { requests_per_minute: 200 },
        clock,
        fetch: clock.fetch(),
      });
      const noRetry: RetryPolicy = { retryOnStatus: new Set([429]), maxRetries: 0, backoffFactor: 1, maxBackoff: 60 };
      await settleAll(
        items.map((_, offset) =>
          http.request(
            { url: `${mock.url}/items?offset=${offset}`, method: "GET" },
            { resource: "items", retry: noRetry },
          ),
        ),
      );
      expect(mock.stats().byStatus[429] ?? 0).toBe(0);
      const at = mock.requests.map((r) => r.at);
      expect(at).toHaveLength(210);
      // More than 200 requests: without pacing the server's one-minute window would be exceeded.
      const perMinute = ((at.length - 1) / (at.at(-1)! - at[0]!)) * 60_000;
      expect(perMinute).toBeGreaterThanOrEqual(180);
      expect(perMinute).toBeLessThanOrEqual(200);
    } finally {
      await mock.close();
    }
  });

  it("a pipeline paces its requests by the config's rate_limit (12 requests at 10/s take over a second)", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    try {
      mock.route("GET", "/items", (req) => {
        const offset = Number(req.query.offset ?? 0);
        return { body: { data: items.slice(offset, Math.min(offset + 1, 12)), total: 12 } };
      });
      // When each request left the client: measured there, no delay on the way can bring two closer together.
      const sent: number[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => (sent.push(Date.now()), globalThis.fetch(input, init));
      const config: RestApiConfig = {
        client: { base_url: mock.url, rate_limit: { requests_per_second: 10 } },
        resources: [
          {
            name: "items",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: { path: "/items", data_selector: "data", paginator: { type: "offset", limit: 1 } },
          },
        ],
      };
      const pipeline = createPipeline({ name: "paced", store: memoryAdapter(), fetch });
      const report = await pipeline.run(config);
      expect(report.status).toBe("completed");
      expect(await pipeline.count("items")).toBe(12);
      expect(sent).toHaveLength(12);
      // 11 intervals of 103 ms (100 ms paced at 97%), each of which may start 10 ms early: at least 1,123 ms.
      expect(sent.at(-1)! - sent[0]!).toBeGreaterThanOrEqual(1_000);
    } finally {
      await mock.close();
    }
  });
});

describe("a 429's cooldown outlives the run", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small" } });
    mock.route("GET", "/things", () => ({ body: [{ id: 1 }] }));
  });
  afterAll(() => mock.close());

  const config: RestApiConfig = {
    client: { base_url: "http://placeholder" },
    resources: [
      {
        name: "things",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { path: "/things", paginator: "single_page", error_handler: { max_retries: 0 } },
      },
    ],
  };

  it("a run that starts during the cooldown waits for it, or stops as partial under a deadline", async () => {
    const store = memoryAdapter();
    const pipeline = createPipeline({ name: "cooldown", store });
    const run = (options = {}) => pipeline.run({ ...config, client: { base_url: mock.url } }, options);
    mock.faults.add({ match: "/things", status: 429, headers: { "retry-after": "2" } });
    const first = await run();
    expect(first.resources.things!.status).toBe("failed");
    // The client read the 429 after the server logged it: its cooldown ends 2 s after that, or later.
    const until = mock.requests[0]!.at + 2000;

    // Under a deadline that ends before the cooldown: nothing is sent, the run is partial.
    mock.clearLog();
    const stopped = await run({ deadline: 300 });
    expect(stopped).toMatchObject({ status: "partial", stopped: "deadline" });
    expect(mock.requests).toHaveLength(0);

    // Without one, the run waits until the server's time is up.
    const waited = await run();
    expect(waited.status).toBe("completed");
    expect(mock.requests[0]!.at).toBeGreaterThanOrEqual(until);
  });
});
