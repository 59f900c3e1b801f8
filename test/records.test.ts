/**
 * Every row the API returned is stored once: identical rows without a primary
 * key, rows of an append cut short and fetched again, records nested absurdly
 * deep, and chains of pages that never end.
 */

import {
  createPipeline,
  type ProgressEvent,
  type RestApiConfig,
  type RunReport,
  restApiSource,
  type StoreAdapter,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import * as v from "valibot";
import { beforeEach, describe, expect, it } from "vitest";
import { dyingStore } from "./_helpers/dying-store";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

/** `/rows`: the list in `rows`, two per page, linked by `next`. */
let rows: Array<Record<string, unknown>> = [];
beforeEach(() => {
  rows = [];
  mock.route("GET", "/rows", (req: MockRequest) => {
    const n = Number(req.query.page ?? "1");
    const next = n * 2 < rows.length ? `${mock.url}/rows?page=${n + 1}` : null;
    return { body: { data: rows.slice((n - 1) * 2, n * 2), next } };
  });
});

const config = (resource: Record<string, unknown>): RestApiConfig => ({
  client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
  resources: [
    {
      name: "rows",
      endpoint: { path: "/rows", data_selector: "data", error_handler: { max_retries: 0 } },
      ...resource,
    },
  ],
});

async function stored(pipeline: ReturnType<typeof createPipeline>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const record of pipeline.records("rows")) out.push(record);
  return out;
}

/** Aborts the run once `pages` pages were written. */
function abortAfter(pages: number) {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    onProgress: (event: ProgressEvent) => {
      if (event.type === "page" && event.page === pages) controller.abort();
    },
  };
}

describe("rows without a primary key", () => {
  for (const disposition of ["replace", "append"] as const) {
    it(`${disposition}: identical rows the API returned are all stored, in order`, async () => {
      rows = [{ a: 1 }, { a: 1 }, { a: 2 }, { a: 1 }];
      const pipeline = createPipeline({ name: disposition, store: memoryAdapter() });
      const report = await pipeline.run(config({ write_disposition: disposition }));
      expect(report.status).toBe("completed");
      expect(await stored(pipeline)).toEqual(rows);
    });
  }

  it("replace: a budgeted run cut mid-way and resumed stores every row once", async () => {
    rows = Array.from({ length: 9 }, (_, i) => ({ a: i % 2 }));
    const pipeline = createPipeline({ name: "replace-resume", store: memoryAdapter(), progressIntervalMs: 0 });
    const source = restApiSource(config({ write_disposition: "replace" }));
    for (let i = 0; i < 10 && !(await pipeline.run(source, { maxRequests: 2 })).cycle!.complete; i++);
    expect(await stored(pipeline)).toEqual(rows);
  });
});

describe("append cut short", () => {
  beforeEach(() => {
    rows = Array.from({ length: 8 }, (_, i) => ({ n: i }));
  });

  it("a run without a budget after an aborted one stores each row once", async () => {
    const pipeline = createPipeline({ name: "append-abort", store: memoryAdapter() });
    const source = restApiSource(config({ write_disposition: "append" }));
    const aborted = await pipeline.run(source, abortAfter(2));
    expect(aborted.resources.rows!.status).toBe("aborted");
    expect(await pipeline.count("rows")).toBe(4);
    // The list shrank meanwhile: rows stored by the aborted run past what is fetched now must go too.
    rows = rows.slice(1, 4);
    expect((await pipeline.run(source)).status).toBe("completed");
    expect(await stored(pipeline)).toEqual(rows);
    // A second complete run appends the list again, as append does.
    await pipeline.run(source);
    expect(await stored(pipeline)).toEqual([...rows, ...rows]);
  });

  it("a budgeted run after one killed between a page's rows and its saved position (a non-atomic store) stores each row once", async () => {
    const source = restApiSource(config({ write_disposition: "append" }));
    for (const lostAt of [3, 4, 5]) {
      rows = Array.from({ length: 8 }, (_, i) => ({ n: i }));
      // Write 1 opens the cycle; writes 2–5 are the pages. At `lostAt` the rows land, the position does not, and the run dies.
      const inner = memoryAdapter();
      let writes = 0;
      let dead = false;
      const torn: StoreAdapter = {
        ...inner,
        atomic: false,
        write(batch) {
          if (dead) throw new Error("gone");
          if (++writes === lostAt) {
            dead = true;
            inner.write({ puts: batch.puts ?? [] });
            throw new Error("killed between records and state");
          }
          return inner.write(batch);
        },
      };
      await createPipeline({ name: "torn", store: torn, progressIntervalMs: 0 })
        .run(source, { maxRequests: 100 })
        .catch(() => undefined);
      // The rest of the list changed meanwhile: the torn page is fetched again with other rows.
      rows = [...rows.slice(0, 2 * (lostAt - 2)), { n: 100 }];
      const again = createPipeline({ name: "torn", store: inner, progressIntervalMs: 0 });
      expect((await again.run(source, { maxRequests: 100 })).status).toBe("completed");
      expect(await stored(again), `torn at write ${lostAt}`).toEqual(rows);
    }
  });

  it("a failure mid-way, then the next cycle: each row once", async () => {
    let failPage3 = true;
    mock.route("GET", "/rows", (req: MockRequest) => {
      const n = Number(req.query.page ?? "1");
      if (n === 3 && failPage3) return { status: 500, body: {} };
      const next = n * 2 < rows.length ? `${mock.url}/rows?page=${n + 1}` : null;
      return { body: { data: rows.slice((n - 1) * 2, n * 2), next } };
    });
    const pipeline = createPipeline({ name: "append-fail", store: memoryAdapter(), progressIntervalMs: 0 });
    const source = restApiSource(config({ write_disposition: "append" }));
    expect((await pipeline.run(source, { maxRequests: 100 })).resources.rows!.status).toBe("failed");
    failPage3 = false;
    expect((await pipeline.run(source, { maxRequests: 100 })).status).toBe("completed");
    expect(await stored(pipeline)).toEqual(rows);
  });

  it("killed at any write and run again until done: each row once", async () => {
    const source = restApiSource(config({ write_disposition: "append" }));
    for (let dieAt = 1; dieAt <= 6; dieAt++) {
      rows = Array.from({ length: 8 }, (_, i) => ({ n: i }));
      const inner = memoryAdapter();
      const dying = dyingStore(inner, dieAt);
      await createPipeline({ name: "killed", store: dying, progressIntervalMs: 0 })
        .run(source, { maxRequests: 100 })
        .catch(() => undefined);
      const again = createPipeline({ name: "killed", store: inner, progressIntervalMs: 0 });
      for (let i = 0; i < 5 && !(await again.run(source, { maxRequests: 100 })).cycle!.complete; i++);
      expect(await stored(again), `died at write ${dieAt}`).toEqual(rows);
    }
  });
});

describe("records nested absurdly deep", () => {
  const nest = (depth: number): Record<string, unknown> => {
    let value: Record<string, unknown> = { leaf: true };
    for (let i = 1; i < depth; i++) value = { d: value };
    return value;
  };

  it("a record 100,000 levels deep fails its resource with a clear error, and nothing else is lost", async () => {
    const deep = `{"id":2,"x":${'{"d":'.repeat(100_000)}1${"}".repeat(100_000)}}`;
    mock.route("GET", "/deep", () => ({ raw: `{"data":[{"id":1},${deep},{"id":3}]}` }));
    const pipeline = createPipeline({ name: "deep", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: mock.url },
      resource_defaults: { primary_key: "id", write_disposition: "merge", endpoint: { paginator: "single_page" } },
      resources: [
        { name: "deep", endpoint: { path: "/deep", data_selector: "data" } },
        { name: "rows", endpoint: { path: "/rows", data_selector: "data" } },
      ],
    });
    rows.push({ id: 7 });
    expect(report.resources.deep!.status).toBe("failed");
    expect(report.resources.deep!.error).toMatchObject({ code: "record_invalid" });
    expect(report.resources.deep!.error!.message).toMatch(
      /deep: a record from http:\/\/127\.0\.0\.1:\d+\/deep is nested deeper than 1000 levels/,
    );
    expect(report.resources.rows!.status).toBe("completed");
  });

  it("with on_invalid_record: drop, the deep record is dropped and counted; the others are stored", async () => {
    const deep = `{"id":2,"x":${'{"d":'.repeat(5000)}1${"}".repeat(5000)}}`;
    mock.route("GET", "/deep", () => ({ raw: `{"data":[{"id":1},${deep},{"id":3}]}` }));
    const pipeline = createPipeline({ name: "deep-drop", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: mock.url },
      resources: [
        {
          name: "deep",
          primary_key: "id",
          write_disposition: "merge",
          on_invalid_record: "drop",
          endpoint: { path: "/deep", data_selector: "data", paginator: "single_page" },
        },
      ],
    });
    expect(report.resources.deep).toMatchObject({
      status: "completed",
      records: 2,
      invalid: 1,
      invalidIssues: ["(record): nested deeper than 1000 levels"],
    });
    expect(await pipeline.count("deep")).toBe(2);
  });

  it("a record exactly at the limit is stored and reads back equal", async () => {
    const record = { id: 1, x: nest(999) };
    mock.route("GET", "/deep", () => ({ body: { data: [record] } }));
    const pipeline = createPipeline({ name: "deep-ok", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: mock.url },
      resources: [
        {
          name: "deep",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { path: "/deep", data_selector: "data", paginator: "single_page" },
        },
      ],
    });
    expect(report.resources.deep!.status).toBe("completed");
    expect(await pipeline.get("deep", 1)).toEqual(record);
  });
});

describe("a chain of pages that never ends", () => {
  /** `/endless`: one record a page, each page linking to a new next one; a resource over it that stops at 25 pages. */
  const endless = (): RestApiConfig => {
    mock.route("GET", "/endless", (req: MockRequest) => {
      const n = Number(req.query.page ?? "1");
      return { body: { data: [{ id: n }], next: `${mock.url}/endless?page=${n + 1}` } };
    });
    const endpoint = {
      path: "/endless",
      data_selector: "data",
      paginator: { type: "json_link" as const },
      max_pages: 25,
    };
    return {
      client: { base_url: mock.url },
      resources: [{ name: "endless", primary_key: "id", write_disposition: "merge", endpoint }],
    };
  };

  it("stops at endpoint.max_pages with page_limit, keeping what it stored", async () => {
    const pipeline = createPipeline({ name: "endless", store: memoryAdapter() });
    const report = await pipeline.run(endless());
    expect(report.resources.endless).toMatchObject({ status: "failed", requests: 25, error: { code: "page_limit" } });
    expect(report.resources.endless!.error!.message).toMatch(
      /stopped after 25 pages of one chain \(endpoint\.max_pages is 25\)/,
    );
    expect(await pipeline.count("endless")).toBe(25);
  });

  it("counts pages across budgeted runs of one cycle", async () => {
    const pipeline = createPipeline({ name: "endless-budget", store: memoryAdapter() });
    const config = endless();
    let last: RunReport | undefined;
    for (let i = 0; i < 10; i++) {
      last = await pipeline.run(config, { maxRequests: 10 });
      if (last.cycle!.complete) break;
    }
    expect(last!.resources.endless!.error).toMatchObject({ code: "page_limit" });
    expect(mock.requests.filter((r) => r.path === "/endless")).toHaveLength(25);
  });

  it("has a generous default", () => {
    const source = restApiSource(config({}));
    expect(source.resources[0]!.maxPages).toBe(100_000);
  });
});

describe("a record schema that drops fields", () => {
  it("warns once per run, in the report and as a progress event, naming the dropped fields", async () => {
    rows = [
      { id: 1, name: "a", extra: 1, nested: { kept: 1, lost: 2 } },
      { id: 2, name: "b", extra: 2, nested: { kept: 1, lost: 2 } },
    ];
    const pipeline = createPipeline({ name: "schema", store: memoryAdapter() });
    const events: ProgressEvent[] = [];
    const schema = v.object({ id: v.number(), name: v.string(), nested: v.object({ kept: v.number() }) });
    const report = await pipeline.run(config({ primary_key: "id", write_disposition: "merge", schema }), {
      onProgress: (e) => events.push(e),
    });
    expect(report.resources.rows!.warnings).toEqual([
      "rows: the schema drops fields the API sent (extra, nested.lost); what the schema outputs is what is stored — use v.looseObject (or name the fields) to keep them",
    ]);
    expect(events.filter((e) => e.type === "warning")).toHaveLength(1);
    expect(await pipeline.get("rows", 1)).toEqual({ id: 1, name: "a", nested: { kept: 1 } });
  });

  it("does not warn when the schema keeps every field (v.looseObject)", async () => {
    rows = [{ id: 1, name: "a", extra: 1 }];
    const pipeline = createPipeline({ name: "loose", store: memoryAdapter() });
    const report = await pipeline.run(
      config({ primary_key: "id", write_disposition: "merge", schema: v.looseObject({ id: v.number() }) }),
    );
    expect(report.resources.rows!.warnings).toBeUndefined();
    expect(await pipeline.get("rows", 1)).toEqual(rows[0]);
  });
});

describe("a page write that fails once", () => {
  it("fails the resource (never a cursor past rows that were not stored), and the next run stores every row", async () => {
    rows = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, updated_at: `2024-01-0${i + 1}T00:00:00Z` }));
    const inner = memoryAdapter();
    let pageWrites = 0;
    const flaky: StoreAdapter = {
      ...inner,
      write(batch) {
        if (batch.puts?.length && ++pageWrites === 2) throw new Error("disk full, once");
        return inner.write(batch);
      },
    };
    const pipeline = createPipeline({ name: "flaky-page", store: flaky });
    const source = restApiSource(
      config({
        primary_key: "id",
        write_disposition: "merge",
        endpoint: {
          path: "/rows",
          data_selector: "data",
          incremental: { cursor_path: "updated_at" },
          error_handler: { max_retries: 0 },
        },
      }),
    );
    const first = await pipeline.run(source);
    expect(first.resources.rows).toMatchObject({ status: "failed", error: { code: "storage_failed" } });
    expect((await pipeline.state("rows"))?.cursor).toBeUndefined();
    expect((await pipeline.run(source)).status).toBe("completed");
    expect(await stored(pipeline)).toEqual(rows);
  });
});
