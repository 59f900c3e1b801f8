/**
 * resource_defaults merged as dlt merges them (rest_api's `_merge_resource_endpoints`):
 * resource keys and endpoint keys replace the default's value as a whole; only
 * `endpoint.params` and `endpoint.json` are merged, one level.
 */

import { createPipeline, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const base = { base_url: "https://api.example.com" };

describe("resource_defaults merged as dlt merges them", () => {
  it("a resource's paginator replaces the default's: no inherited maximum_offset cuts the list short", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ id: i + 1 }));
    mock.route("GET", "/rows", (req: MockRequest) => {
      const offset = Number(req.query.offset ?? 0);
      const limit = Number(req.query.limit ?? 10);
      return { body: { data: rows.slice(offset, offset + limit), total: rows.length } };
    });
    const config: RestApiConfig = {
      client: { base_url: mock.url },
      resource_defaults: {
        endpoint: { paginator: { type: "offset", limit: 10, maximum_offset: 10 } },
      },
      resources: [
        { name: "rows", endpoint: { path: "/rows", data_selector: "data", paginator: { type: "offset", limit: 10 } } },
      ],
    };
    const pipeline = createPipeline({ name: "paginator", store: memoryAdapter() });
    const report = await pipeline.run(config);
    expect(report.status).toBe("completed");
    expect(await pipeline.count("rows")).toBe(20);
  });

  it("a resource's incremental replaces the default's: no start_param or initial_value leaks in", () => {
    const source = restApiSource({
      client: base,
      resource_defaults: {
        endpoint: {
          incremental: { cursor_path: "updated_at", start_param: "since", initial_value: "2024-01-01T00:00:00Z" },
        },
      },
      resources: ["inherits", { name: "own", endpoint: { incremental: { cursor_path: "modified" } } }],
    });
    const [inherits, own] = source.resources;
    expect(inherits!.incremental).toMatchObject({ cursor_path: "updated_at", start_param: "since" });
    expect(own!.incremental).toMatchObject({ cursor_path: "modified", on_cursor_value_missing: "include" });
    expect(own!.incremental).not.toHaveProperty("start_param");
    expect(own!.incremental).not.toHaveProperty("initial_value");
  });

  it("endpoint headers, error_handler and response_actions replace; params and json merge one level", () => {
    const source = restApiSource({
      client: base,
      resource_defaults: {
        endpoint: {
          headers: { "x-default": "1", "x-shared": "default" },
          params: { per_page: 50, state: "all" },
          json: { query: { kind: "default" }, size: 10 },
          error_handler: { max_retries: 1, backoff_factor: 4 },
          response_actions: [{ status_code: 404, action: "ignore" }],
        },
      },
      resources: [
        {
          name: "r",
          endpoint: {
            method: "POST",
            headers: { "x-shared": "own" },
            params: { state: "open" },
            json: { query: { id: 1 } },
            error_handler: { max_retries: 2 },
            response_actions: [{ status_code: 409, action: "ignore" }],
          },
        },
      ],
    } as RestApiConfig);
    const r = source.resources[0]!;
    expect(r.headers).toEqual({ "x-shared": "own" });
    expect(r.params).toEqual({ per_page: 50, state: "open" });
    expect(r.json).toEqual({ query: { id: 1 }, size: 10 });
    expect(r.retry.maxRetries).toBe(2);
    expect(r.retry.backoffFactor).toBe(1);
    expect(r.responseActions).toEqual([{ status_code: 409, action: "ignore" }]);
  });

  it("resource keys replace the default's value as a whole: a resource's schema is its own", () => {
    const source = restApiSource({
      client: base,
      resource_defaults: { primary_key: ["a", "b"], schema: v.object({ id: v.number() }) },
      resources: [{ name: "r", primary_key: "name", schema: v.looseObject({ name: v.string() }) }, "s"],
    });
    const [r, s] = source.resources;
    expect(r!.primaryKey).toEqual(["name"]);
    expect(v.safeParse(r!.schema!, { name: "x" }).success).toBe(true);
    expect(s!.primaryKey).toEqual(["a", "b"]);
    expect(v.safeParse(s!.schema!, { name: "x" }).success).toBe(false);
  });
});
