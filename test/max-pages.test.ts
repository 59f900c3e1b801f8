/**
 * `maxPages` (dlt's `add_limit`): a run reads at most so many pages of a chain and
 * the resource completes with them; the cursor moves over what was read (dlt's
 * split loading); children are not limited unless named (per parent chain).
 */

import { createPipeline, isConfigError, type RestApiConfig, type RunOptions } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

/** `/rows`: 10 rows oldest first, two a page, linked by `next`; `since` filters by updated_at. */
const rows = Array.from({ length: 10 }, (_, i) => ({
  id: i + 1,
  updated_at: `2024-01-${String(i + 1).padStart(2, "0")}T00:00:00Z`,
}));
let kidPages: string[] = [];
beforeEach(() => {
  kidPages = [];
  mock.route("GET", "/rows", (req: MockRequest) => {
    const since = req.query.since as string | undefined;
    const list = since ? rows.filter((r) => r.updated_at > since) : rows;
    const page = Number(req.query.page ?? "1");
    const next = page * 2 < list.length ? `${mock.url}/rows?page=${page + 1}${since ? `&since=${since}` : ""}` : null;
    return { body: { data: list.slice((page - 1) * 2, page * 2), next } };
  });
  mock.route("GET", /^\/rows\/(?<id>\d+)\/kids$/, (req: MockRequest) => {
    const page = Number(req.query.page ?? "1");
    kidPages.push(`${req.params.id}:${page}`);
    const next = page < 3 ? `${mock.url}/rows/${req.params.id}/kids?page=${page + 1}` : null;
    return { body: { data: [{ kid: `${req.params.id}-${page}` }], next } };
  });
});

const config = (serverFilter = true): RestApiConfig => ({
  client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
  resources: [
    {
      name: "rows",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        path: "/rows",
        data_selector: "data",
        incremental: { cursor_path: "updated_at", ...(serverFilter ? { start_param: "since" } : {}) },
      },
    },
    { name: "kids", endpoint: { path: "/rows/{row_id}/kids", data_selector: "data" }, selected: false },
  ],
});

describe("maxPages", () => {
  it("reads that many pages and completes the resource with them", async () => {
    const pipeline = createPipeline({ name: "sample", store: memoryAdapter() });
    const report = await pipeline.run(config(), { maxPages: 2 });
    expect(report.status).toBe("completed");
    expect(report.cycle!.complete).toBe(true);
    expect(report.resources.rows).toMatchObject({
      status: "completed",
      pages: 2,
      requests: 2,
      records: 4,
      limited: true,
    });
    expect(await pipeline.count("rows")).toBe(4);
  });

  for (const serverFilter of [true, false])
    it(`moves the cursor over the pages read: runs load an oldest-first list in slices (dlt's split loading), ${serverFilter ? "with start_param" : "pages the filter emptied not counted"}`, async () => {
      const pipeline = createPipeline({ name: `slices-${serverFilter}`, store: memoryAdapter() });
      const source = config(serverFilter);
      const first = await pipeline.run(source, { maxPages: 2 });
      expect(first.resources.rows).toMatchObject({ records: 4, limited: true });
      expect((await pipeline.state("rows"))?.cursor?.last_value).toBe("2024-01-04T00:00:00Z");
      const second = await pipeline.run(source, { maxPages: 2 });
      expect(second.resources.rows).toMatchObject({ records: 4, limited: true, pages: serverFilter ? 2 : 4 });
      const last = await pipeline.run(source, { maxPages: 2 });
      expect(last.resources.rows!.records).toBe(2);
      expect(last.resources.rows!.limited).toBeUndefined();
      expect(await pipeline.count("rows")).toBe(10);
    });

  it("counts per sync cycle: budgeted runs resuming a limited resource stop at the same page", async () => {
    const pipeline = createPipeline({ name: "budgeted", store: memoryAdapter(), progressIntervalMs: 0 });
    const runs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const report = await pipeline.run(config(), { maxPages: 3, maxRequests: 1, resources: ["rows"] });
      runs.push(report.status);
      if (report.cycle!.complete) break;
    }
    expect(runs).toEqual(["partial", "partial", "completed"]);
    expect(await pipeline.count("rows")).toBe(6);
  });

  it("a number leaves children unlimited: every page of every parent the limited parent gave", async () => {
    const pipeline = createPipeline({ name: "children", store: memoryAdapter() });
    const report = await pipeline.run(config(), { maxPages: 1, resources: ["kids"] });
    expect(report.status).toBe("completed");
    expect(kidPages.sort()).toEqual(["1:1", "1:2", "1:3", "2:1", "2:2", "2:3"]);
  });

  it("a named child is limited per parent chain", async () => {
    const pipeline = createPipeline({ name: "named-child", store: memoryAdapter() });
    const report = await pipeline.run(config(), { maxPages: { rows: 1, kids: 2 }, resources: ["kids"] });
    expect(report.status).toBe("completed");
    expect(report.resources.kids).toMatchObject({ status: "completed", limited: true, records: 4 });
    expect(kidPages.sort()).toEqual(["1:1", "1:2", "2:1", "2:2"]);
  });

  it("is refused before any request when it is not a positive whole number or names no resource of the run", async () => {
    const pipeline = createPipeline({ name: "refused", store: memoryAdapter() });
    const refused: Array<RunOptions["maxPages"]> = [0, 1.5, { rowz: 1 }, { rows: -1 }];
    for (const maxPages of refused) {
      const error = await pipeline.run(config(), { maxPages }).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/run\.maxPages/);
    }
    expect(mock.requests).toHaveLength(0);
  });
});
