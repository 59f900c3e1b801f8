/**
 * dlt's merge strategies over a key-value store: `upsert`, `insert-only` and
 * `delete-insert` (the default, which with a `merge_key` replaces every stored
 * record of a merge key the run stored), the `hard_delete` column hint, and
 * `scd2` refused. Against the mock API: `/rows` serves `rows`, two per page.
 */
import { createPipeline, isConfigError, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { dyingStore } from "./_helpers/dying-store";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

type Row = Record<string, unknown>;
let rows: Row[] = [];
beforeEach(() => {
  rows = [];
  mock.route("GET", "/rows", (req) => {
    const n = Number(req.query.page ?? "1");
    const next = n * 2 < rows.length ? `${mock.url}/rows?page=${n + 1}` : null;
    return { body: { data: rows.slice((n - 1) * 2, n * 2), next } };
  });
});

const config = (resource: Record<string, unknown>): RestApiConfig =>
  ({
    client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
    resources: [
      {
        name: "rows",
        primary_key: "id",
        endpoint: { path: "/rows", data_selector: "data", error_handler: { max_retries: 0 } },
        ...resource,
      },
    ],
  }) as RestApiConfig;

async function stored(pipeline: ReturnType<typeof createPipeline>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const record of pipeline.records("rows")) out.push(record);
  return out.sort((a, b) => Number(a.id) - Number(b.id));
}

describe("merge strategies", () => {
  it("upsert updates a stored record and inserts a new one", async () => {
    const pipeline = createPipeline({ name: "upsert", store: memoryAdapter() });
    const source = restApiSource(config({ write_disposition: { disposition: "merge", strategy: "upsert" } }));
    rows = [
      { id: 1, v: "a" },
      { id: 2, v: "b" },
    ];
    await pipeline.run(source);
    rows = [
      { id: 1, v: "A" },
      { id: 3, v: "c" },
    ];
    await pipeline.run(source);
    expect(await stored(pipeline)).toEqual([
      { id: 1, v: "A" },
      { id: 2, v: "b" },
      { id: 3, v: "c" },
    ]);
  });

  it("insert-only never overwrites a stored record; the first of a key in a run wins", async () => {
    const pipeline = createPipeline({ name: "insert-only", store: memoryAdapter() });
    const source = restApiSource(config({ write_disposition: { disposition: "merge", strategy: "insert-only" } }));
    rows = [
      { id: 1, v: "first" },
      { id: 1, v: "second" },
      { id: 2, v: "b" },
    ];
    await pipeline.run(source);
    rows = [
      { id: 2, v: "changed" },
      { id: 3, v: "c" },
    ];
    const second = await pipeline.run(source);
    expect(await stored(pipeline)).toEqual([
      { id: 1, v: "first" },
      { id: 2, v: "b" },
      { id: 3, v: "c" },
    ]);
    expect(second.resources.rows!.records).toBe(1);
  });

  it("delete-insert with a merge_key: the records of a merge key stored in a run replace every stored record of it", async () => {
    const pipeline = createPipeline({ name: "merge-key", store: memoryAdapter() });
    const source = restApiSource(config({ write_disposition: "merge", merge_key: "day" }));
    rows = [
      { id: 1, day: "mon", v: 1 },
      { id: 2, day: "mon", v: 1 },
      { id: 3, day: "tue", v: 1 },
    ];
    await pipeline.run(source);
    // Monday is loaded again, with id 2 gone and id 4 new; Tuesday is not in this load and stays.
    rows = [
      { id: 1, day: "mon", v: 2 },
      { id: 4, day: "mon", v: 2 },
    ];
    const second = await pipeline.run(source);
    expect(await stored(pipeline)).toEqual([
      { id: 1, day: "mon", v: 2 },
      { id: 3, day: "tue", v: 1 },
      { id: 4, day: "mon", v: 2 },
    ]);
    expect(second.resources.rows!.deleted).toBe(1);
  });

  it("delete-insert with a composite merge_key", async () => {
    const pipeline = createPipeline({ name: "merge-key-2", store: memoryAdapter() });
    const source = restApiSource(config({ write_disposition: "merge", merge_key: ["day", "shop"] }));
    rows = [
      { id: 1, day: "mon", shop: "a" },
      { id: 2, day: "mon", shop: "b" },
    ];
    await pipeline.run(source);
    rows = [{ id: 3, day: "mon", shop: "a" }];
    await pipeline.run(source);
    expect((await stored(pipeline)).map((r) => r.id)).toEqual([2, 3]);
  });

  it("a run killed mid-listing and resumed never deletes records of a merge key it stored before the kill", async () => {
    const source = restApiSource(config({ write_disposition: "merge", merge_key: "day" }));
    for (let dieAt = 1; dieAt <= 6; dieAt++) {
      const inner = memoryAdapter();
      rows = [
        { id: 1, day: "mon", v: 1 },
        { id: 9, day: "mon", v: 1 },
      ];
      await createPipeline({ name: "killed", store: inner }).run(source);
      rows = [
        { id: 1, day: "mon", v: 2 },
        { id: 2, day: "mon", v: 2 },
        { id: 3, day: "mon", v: 2 },
        { id: 4, day: "mon", v: 2 },
        { id: 5, day: "mon", v: 2 },
      ];
      await createPipeline({ name: "killed", store: dyingStore(inner, dieAt), progressIntervalMs: 0 })
        .run(source, { maxRequests: 100 })
        .catch(() => undefined);
      const again = createPipeline({ name: "killed", store: inner, progressIntervalMs: 0 });
      for (let i = 0; i < 5 && !(await again.run(source, { maxRequests: 100 })).cycle!.complete; i++);
      expect(await stored(again), `died at write ${dieAt}`).toEqual(rows);
    }
  });
});

describe("the hard_delete column hint", () => {
  it("a record whose hard_delete column is true is deleted from the store, not stored; false and null keep it", async () => {
    const pipeline = createPipeline({ name: "hard-bool", store: memoryAdapter() });
    const source = restApiSource(
      config({ write_disposition: "merge", columns: { deleted: { hard_delete: true, data_type: "bool" } } }),
    );
    rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    await pipeline.run(source);
    rows = [
      { id: 1, deleted: true },
      { id: 2, deleted: false },
      { id: 3, deleted: null },
      { id: 4, deleted: true },
    ];
    const second = await pipeline.run(source);
    expect((await stored(pipeline)).map((r) => r.id)).toEqual([2, 3]);
    expect(second.resources.rows!.deleted).toBe(2);
    expect(source.warnings).toEqual([]);
  });

  it("a column of another type deletes on any non-null value (dlt's rule), in dlt's list form too", async () => {
    const pipeline = createPipeline({ name: "hard-ts", store: memoryAdapter() });
    const source = restApiSource(
      config({ write_disposition: "merge", columns: [{ name: "deleted_at", hard_delete: true }] }),
    );
    rows = [{ id: 1 }, { id: 2 }];
    await pipeline.run(source);
    rows = [
      { id: 1, deleted_at: "2024-02-22T12:34:56Z" },
      { id: 2, deleted_at: null },
    ];
    await pipeline.run(source);
    expect((await stored(pipeline)).map((r) => r.id)).toEqual([2]);
  });

  it("the last record of a key in a page wins: stored then deleted is deleted, deleted then stored is stored", async () => {
    const pipeline = createPipeline({ name: "hard-order", store: memoryAdapter() });
    const source = restApiSource(config({ write_disposition: "merge", columns: { gone: { hard_delete: true } } }));
    rows = [{ id: 1 }, { id: 1, gone: true }, { id: 2, gone: true }, { id: 2, v: "back" }];
    await pipeline.run(source);
    expect(await stored(pipeline)).toEqual([{ id: 2, v: "back" }]);
  });

  it("with a merge_key, a deleted record removes every stored record of its merge key", async () => {
    const pipeline = createPipeline({ name: "hard-merge-key", store: memoryAdapter() });
    const source = restApiSource(
      config({ write_disposition: "merge", merge_key: "day", columns: { gone: { hard_delete: true } } }),
    );
    rows = [
      { id: 1, day: "mon" },
      { id: 2, day: "mon" },
      { id: 3, day: "tue" },
    ];
    await pipeline.run(source);
    rows = [{ id: 1, day: "mon", gone: true }];
    await pipeline.run(source);
    expect((await stored(pipeline)).map((r) => r.id)).toEqual([3]);
  });

  it("insert-only only keeps a deleted record from being inserted; stored ones stay", async () => {
    const pipeline = createPipeline({ name: "hard-insert-only", store: memoryAdapter() });
    const source = restApiSource(
      config({
        write_disposition: { disposition: "merge", strategy: "insert-only" },
        columns: { gone: { hard_delete: true } },
      }),
    );
    rows = [{ id: 1 }];
    await pipeline.run(source);
    rows = [
      { id: 1, gone: true },
      { id: 2, gone: true },
    ];
    await pipeline.run(source);
    expect(await stored(pipeline)).toEqual([{ id: 1 }]);
  });

  it("is ignored outside merge, as in dlt, and other column hints are still reported as ignored", async () => {
    const source = restApiSource(
      config({ write_disposition: "append", columns: { gone: { hard_delete: true, nullable: false } } }),
    );
    expect(source.warnings.join("\n")).toMatch(/resources\[0\]\.columns: dlt schema hint ignored/);
    const pipeline = createPipeline({ name: "hard-append", store: memoryAdapter() });
    rows = [{ id: 1, gone: true }];
    await pipeline.run(source);
    expect(await pipeline.count("rows")).toBe(1);
  });
});

describe("write_disposition and merge_key are validated", () => {
  const refused = (resource: Record<string, unknown>): string => {
    try {
      restApiSource(config(resource));
    } catch (error) {
      if (isConfigError(error)) return error.message;
      throw error;
    }
    throw new Error("accepted");
  };

  it("refuses scd2 and says why", () => {
    expect(refused({ write_disposition: { disposition: "merge", strategy: "scd2" } })).toMatch(
      /resources\[0\]\.write_disposition\.strategy: "scd2" is not supported: restsync stores one record per primary key, and scd2 keeps each version as its own row with _dlt_valid_from/,
    );
  });

  it("refuses a strategy outside merge, an unknown one, and a merge_key without delete-insert", () => {
    expect(refused({ write_disposition: { disposition: "append", strategy: "upsert" } })).toMatch(
      /write_disposition\.strategy: strategy applies to "merge" only/,
    );
    expect(refused({ write_disposition: { disposition: "merge", strategy: "upsrt" } })).toMatch(
      /strategy must be one of "delete-insert", "upsert", "insert-only", "scd2"/,
    );
    expect(refused({ write_disposition: { disposition: "merge", strategy: "upsert" }, merge_key: "day" })).toMatch(
      /resources\[0\]\.merge_key: merge_key needs write_disposition "merge" with the "delete-insert" strategy/,
    );
    expect(refused({ write_disposition: "append", merge_key: "day" })).toMatch(/resources\[0\]\.merge_key: /);
  });
});
