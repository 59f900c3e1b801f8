import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPipeline, type RestApiConfig } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { startMockApi, type MockApi } from "./mock/index";

const items = Array.from({ length: 210 }, (_, i) => ({ id: i + 1 }));

describe("client.rate_limit against a server enforcing the same limit", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small" }, rateLimit: { requests: 200, windowMs: 60_000, mode: "sliding" } });
    mock.route("GET", "/items", (req) => {
      const offset = Number(req.query.offset ?? 0);
      return { body: { data: items.slice(offset, offset + 1), total: items.length } };
    });
  });
  afterAll(() => mock.close());

  // More than 200 requests, so the server's one-minute window would be exceeded without pacing: about 65 s.
  it("rate_limit 200/min: 210 requests, zero 429s", { timeout: 120_000 }, async () => {
    const config: RestApiConfig = {
      client: { base_url: mock.url, rate_limit: { requests_per_minute: 200 } },
      resources: [{ name: "items", primary_key: "id", write_disposition: "merge", endpoint: { path: "/items", data_selector: "data", paginator: { type: "offset", limit: 1 } } }],
    };
    const pipeline = createPipeline({ name: "paced", store: memoryAdapter() });
    const report = await pipeline.run(config);
    expect(report.status).toBe("completed");
    expect(await pipeline.count("items")).toBe(210);
    expect(mock.stats().byStatus[429] ?? 0).toBe(0);
    expect(report.totals.retries).toBe(0);
    const at = mock.requests.map((r) => r.at);
    const minutes = (at.at(-1)! - at[0]!) / 60_000;
    console.log(`rate_limit 200/min: ${at.length} requests in ${(minutes * 60).toFixed(1)} s (${(at.length / minutes).toFixed(0)}/min), 429s: 0`);
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
    resources: [{ name: "things", primary_key: "id", write_disposition: "merge", endpoint: { path: "/things", paginator: "single_page", error_handler: { max_retries: 0 } } }],
  };

  it("a run that starts during the cooldown waits for it, or stops as partial under a deadline", async () => {
    const store = memoryAdapter();
    const pipeline = createPipeline({ name: "cooldown", store });
    const run = (options = {}) => pipeline.run({ ...config, client: { base_url: mock.url } }, options);
    mock.faults.add({ match: "/things", status: 429, headers: { "retry-after": "2" } });
    const first = await run();
    expect(first.resources.things!.status).toBe("failed");
    const until = Date.now() + 2000;

    // Under a deadline that ends before the cooldown: nothing is sent, the run is partial.
    mock.clearLog();
    const stopped = await run({ deadline: 300 });
    expect(stopped).toMatchObject({ status: "partial", stopped: "deadline" });
    expect(mock.requests).toHaveLength(0);

    // Without one, the run waits until the server's time is up.
    const waited = await run();
    expect(waited.status).toBe("completed");
    expect(mock.requests[0]!.at).toBeGreaterThanOrEqual(until - 100);
  });
});
