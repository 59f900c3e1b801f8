/**
 * processing_steps as dlt runs them: before the incremental filter (a map may build
 * the cursor or the primary key, a filter's dropped records never move the cursor),
 * before children fan out (a child sees only the parents the steps kept, as they
 * mapped them), and `yield_map` turning one record into many.
 */

import { type ConfigError, createPipeline, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const client = () => ({ base_url: mock.url, paginator: "single_page" as const });

async function all(pipeline: ReturnType<typeof createPipeline>, resource: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const record of pipeline.records(resource)) out.push(record);
  return out;
}

describe("processing steps run before the incremental filter", () => {
  it("a map that builds the cursor field: the cursor advances on it and no record counts as missing one", async () => {
    mock.route("GET", "/rows", () => ({
      body: [
        { id: 1, meta: { at: "2024-01-01T00:00:00Z" } },
        { id: 2, meta: { at: "2024-01-03T00:00:00Z" } },
      ],
    }));
    const config: RestApiConfig = {
      client: client(),
      resources: [
        {
          name: "rows",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { path: "/rows", incremental: { cursor_path: "updated_at" } },
          processing_steps: [{ map: (r) => ({ ...r, updated_at: (r.meta as { at: string }).at }) }],
        },
      ],
    };
    const pipeline = createPipeline({ name: "map-cursor", store: memoryAdapter() });
    const report = await pipeline.run(config);
    expect(report.resources.rows).toMatchObject({ status: "completed", records: 2, missingCursor: 0 });
    expect((await pipeline.state("rows"))?.cursor?.last_value).toBe("2024-01-03T00:00:00Z");
    expect((await pipeline.run(config)).resources.rows).toMatchObject({ records: 0, unchanged: 2 });
  });

  it("a record a filter drops never moves the cursor past records still to come", async () => {
    mock.route("GET", "/rows", () => ({
      body: [
        { id: 1, status: "live", updated_at: "2024-01-01T00:00:00Z" },
        { id: 2, status: "draft", updated_at: "2024-01-05T00:00:00Z" },
      ],
    }));
    const pipeline = createPipeline({ name: "filter-cursor", store: memoryAdapter() });
    await pipeline.run({
      client: client(),
      resources: [
        {
          name: "rows",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { path: "/rows", incremental: { cursor_path: "updated_at" } },
          processing_steps: [{ filter: (r) => r.status === "live" }],
        },
      ],
    });
    expect((await pipeline.state("rows"))?.cursor?.last_value).toBe("2024-01-01T00:00:00Z");
  });

  it("the primary key is read from the mapped record", async () => {
    mock.route("GET", "/rows", () => ({
      body: [
        { uuid: "a", n: 1 },
        { uuid: "b", n: 2 },
      ],
    }));
    const pipeline = createPipeline({ name: "map-key", store: memoryAdapter() });
    const report = await pipeline.run({
      client: client(),
      resources: [
        {
          name: "rows",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: "/rows",
          processing_steps: [{ map: ({ uuid, ...rest }) => ({ id: uuid, ...rest }) }],
        },
      ],
    });
    expect(report.status).toBe("completed");
    expect(await pipeline.get("rows", "b")).toEqual({ id: "b", n: 2 });
  });
});

describe("children fan out over the parents the parent's steps kept", () => {
  const parents = Array.from({ length: 5 }, (_, i) => ({ id: i + 1 }));
  const routes = () => {
    const asked: string[] = [];
    mock.route("GET", "/parents", () => ({ body: parents }));
    mock.route("GET", /^\/parents\/(?<id>[^/]+)\/kids$/, (req: MockRequest) => {
      asked.push(req.params.id!);
      return { body: [{ kid: `${req.params.id}-1` }] };
    });
    return asked;
  };
  const config = (
    steps: NonNullable<Extract<RestApiConfig["resources"][number], object>["processing_steps"]>,
    field = "id",
  ) =>
    ({
      client: client(),
      resources: [
        { name: "parents", endpoint: "/parents", processing_steps: steps },
        {
          name: "kids",
          endpoint: {
            path: "/parents/{pid}/kids",
            params: { pid: { type: "resolve", resource: "parents", field } },
          },
          include_from_parent: [field],
        },
      ],
    }) satisfies RestApiConfig;

  it("a parent's filter: children only of the parents it kept", async () => {
    const asked = routes();
    const pipeline = createPipeline({ name: "filter-parents", store: memoryAdapter() });
    const report = await pipeline.run(config([{ filter: (r) => Number(r.id) <= 2 }]));
    expect(report.status).toBe("completed");
    expect(asked.sort()).toEqual(["1", "2"]);
    expect(await pipeline.count("kids")).toBe(2);
  });

  it("a parent's map: the child sees the mapped parent", async () => {
    const asked = routes();
    const pipeline = createPipeline({ name: "map-parents", store: memoryAdapter() });
    const report = await pipeline.run(config([{ map: (r) => ({ ...r, key: `p${r.id}` }) }], "key"));
    expect(report.status).toBe("completed");
    expect(asked.sort()).toEqual(["p1", "p2", "p3", "p4", "p5"]);
    expect(await all(pipeline, "kids")).toContainEqual({ kid: "p1-1", _parents_key: "p1" });
  });

  it("a parent without steps: every parent the API returned, as before", async () => {
    const asked = routes();
    const pipeline = createPipeline({ name: "no-steps", store: memoryAdapter() });
    await pipeline.run(config([]));
    expect(asked).toHaveLength(5);
  });
});

describe("yield_map", () => {
  it("turns one record into many, each stored by its own key and cursor, each a parent of its own", async () => {
    mock.route("GET", "/orders", () => ({
      body: [
        {
          order: 1,
          lines: [
            { sku: "a", at: "2024-01-01T00:00:00Z" },
            { sku: "b", at: "2024-01-02T00:00:00Z" },
          ],
        },
        { order: 2, lines: [] },
        { order: 3, lines: [{ sku: "c", at: "2024-01-03T00:00:00Z" }] },
      ],
    }));
    const asked: string[] = [];
    mock.route("GET", /^\/skus\/(?<sku>[^/]+)$/, (req: MockRequest) => {
      asked.push(req.params.sku!);
      return { body: { sku: req.params.sku, name: `item ${req.params.sku}` } };
    });
    const config: RestApiConfig = {
      client: client(),
      resources: [
        {
          name: "lines",
          primary_key: ["order", "sku"],
          write_disposition: "merge",
          endpoint: { path: "/orders", incremental: { cursor_path: "at" } },
          processing_steps: [
            {
              *yield_map(order) {
                for (const line of order.lines as Array<Record<string, unknown>>) yield { order: order.order, ...line };
              },
            },
          ],
        },
        { name: "skus", primary_key: "sku", endpoint: { path: "/skus/{resources.lines.sku}" } },
      ],
    };
    const pipeline = createPipeline({ name: "yield-map", store: memoryAdapter() });
    const report = await pipeline.run(config);
    expect(report.status).toBe("completed");
    expect(report.resources.lines).toMatchObject({ received: 3, records: 3, filtered: 1 });
    expect(await pipeline.get("lines", [1, "b"])).toEqual({ order: 1, sku: "b", at: "2024-01-02T00:00:00Z" });
    expect((await pipeline.state("lines"))?.cursor?.last_value).toBe("2024-01-03T00:00:00Z");
    expect(asked.sort()).toEqual(["a", "b", "c"]);
  });

  it("a yield_map that returns something other than records fails the resource, saying so", async () => {
    mock.route("GET", "/rows", () => ({ body: [{ id: 1 }] }));
    const pipeline = createPipeline({ name: "yield-map-bad", store: memoryAdapter() });
    const report = await pipeline.run({
      client: client(),
      resources: [{ name: "rows", endpoint: "/rows", processing_steps: [{ yield_map: (() => 42) as never }] }],
    });
    expect(report.resources.rows!.status).toBe("failed");
    expect(report.resources.rows!.error!.message).toMatch(/rows: processing_steps\[0\]\.yield_map returned 42/);
  });

  it("a step that is not one function of the three is refused at its own path", () => {
    const issues = (step: unknown) => {
      try {
        restApiSource({
          client: { base_url: "https://a.example" },
          resources: [{ name: "r", processing_steps: [step as never] }],
        });
      } catch (error) {
        return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues({ yield_map: 42 })).toEqual([
      "resources[0].processing_steps[0].yield_map: yield_map must be a function",
    ]);
    expect(issues({ yeld_map: () => [] })).toContain(
      'resources[0].processing_steps[0].yeld_map: unknown key "yeld_map" (did you mean "yield_map"?)',
    );
    expect(issues({ map: (r: object) => r, filter: () => true })).toEqual([
      expect.stringMatching(/^resources\[0\]\.processing_steps\[0\]: a processing step is one of \{ filter/),
    ]);
  });
});
