/**
 * `write_disposition: "replace"` with an incremental: as in dlt (its extract resets a
 * replace resource's state before every run), each run starts from `initial_value`,
 * so an unchanged second run swaps in the same table, never an empty one.
 */

import { createPipeline, type RestApiConfig } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const rows = [
  { id: 1, updated_at: "2024-01-01T00:00:00Z" },
  { id: 2, updated_at: "2024-01-02T00:00:00Z" },
  { id: 3, updated_at: "2024-01-03T00:00:00Z" },
];
let since: Array<string | undefined> = [];
beforeEach(() => {
  since = [];
  mock.route("GET", "/rows", (req: MockRequest) => {
    since.push(req.query.since as string | undefined);
    return { body: { data: rows } };
  });
});

const config = (primaryKey: boolean): RestApiConfig => ({
  client: { base_url: mock.url, paginator: "single_page" },
  resource_defaults: {
    endpoint: {
      incremental: { cursor_path: "updated_at", start_param: "since", initial_value: "2023-12-31T00:00:00Z" },
    },
  },
  resources: [
    {
      name: "rows",
      write_disposition: "replace",
      ...(primaryKey ? { primary_key: "id" } : {}),
      endpoint: { path: "/rows", data_selector: "data" },
    },
  ],
});

describe("replace with an incremental", () => {
  for (const primaryKey of [true, false]) {
    it(`an unchanged second run stores the same table, from initial_value (${primaryKey ? "primary key" : "by position"})`, async () => {
      const pipeline = createPipeline({ name: "replace", store: memoryAdapter() });
      for (let run = 0; run < 2; run++) {
        const report = await pipeline.run(config(primaryKey));
        expect(report.status).toBe("completed");
        expect(report.resources.rows!.records).toBe(3);
        expect(await pipeline.count("rows")).toBe(3);
      }
      // Both runs asked from initial_value, as dlt does after resetting the state.
      expect(since).toEqual(["2023-12-31T00:00:00Z", "2023-12-31T00:00:00Z"]);
    });
  }
});
