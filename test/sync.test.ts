import { createPipeline, type RestApiConfig, restApiSource, type StoreAdapter } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { withBaseUrl } from "../examples/seed/config";
import { diffStoreAgainstApi } from "./_helpers/store-vs-api";
import { type MockApi, startMockApi } from "./mock/index";

describe("the seed config against the reference API", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small", seed: 7 } });
  });
  afterAll(() => mock.close());

  it("syncs every resource, then writes only what changed, and ends equal to the API each time", async () => {
    const pipeline = createPipeline({ name: "seed", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));

    const first = await pipeline.run(source);
    expect(first.status).toBe("completed");
    expect(Object.keys(first.resources)).toHaveLength(24);
    expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
    // Every request carried the key; none failed.
    expect(mock.requests.every((r) => r.headers.api_key === mock.apiKey && r.status === 200)).toBe(true);
    expect(first.resources.story_history!.missingCursor).toBeGreaterThan(0);

    const change = mock.mutate({ updates: 6, inserts: 4, tie: true });
    const second = await pipeline.run(source);
    expect(second.status).toBe("completed");
    expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
    expect(second.totals.records).toBeGreaterThan(0);
    // Only the changed records are written: far fewer than a full sync.
    expect(second.totals.records).toBeLessThan(first.totals.records / 10);
    expect(change.tied).not.toBeNull();

    const third = await pipeline.run(source);
    expect(third.totals.records).toBe(0);
    expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
  });

  it("fetches each story's comments once even though three parents list the story", async () => {
    const pipeline = createPipeline({ name: "dedupe", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    mock.clearLog();
    const report = await pipeline.run(restApiSource(withBaseUrl(mock.url)), { resources: ["stories_comments"] });
    expect(report.status).toBe("completed");
    const paths = mock.requests.filter((r) => /^\/v1\/stories\/[^/]+\/comments$/.test(r.path)).map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    const stories = new Set(
      [
        ...mock.expected("epics_stories"),
        ...mock.expected("groups_stories"),
        ...mock.expected("iterations_stories"),
      ].map((s) => s.id),
    );
    expect(paths.length).toBe(stories.size);
    // Parents pulled in by `resources` feed the child but are not stored.
    expect(report.resources.epics_stories!.stored).toBe(false);
    expect(await pipeline.count("epics_stories")).toBe(0);
    expect(await diffStoreAgainstApi(pipeline, mock, ["stories_comments"])).toEqual([]);
  });
});

/** A small API of items with `updated_at`, served by the mock as custom routes. */
interface Item {
  id: number | string;
  updated_at?: string;
  name: string;
  parent?: number | string;
}

function itemsApi(mock: MockApi, items: Item[], options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 3;
  mock.route("GET", "/items", (req) => {
    const offset = Number(req.query.offset ?? 0);
    const since = req.query.since;
    const visible = items.filter((i) => since === undefined || (i.updated_at ?? "") >= since);
    return { body: { data: visible.slice(offset, offset + pageSize), total: visible.length } };
  });
  mock.route("GET", /^\/items\/(?<id>.+)\/notes$/, (req) => {
    const parent = items.find((i) => String(i.id) === req.params.id);
    if (!parent) return { status: 404, body: { error: "no such item" } };
    return {
      body: { data: [{ id: `${parent.id}-n`, text: `note of ${parent.name}`, updated_at: parent.updated_at }] },
    };
  });
}

const itemsConfig = (mock: MockApi, overrides: Partial<RestApiConfig> = {}): RestApiConfig => ({
  client: { base_url: mock.url },
  resource_defaults: { primary_key: "id", write_disposition: "merge", endpoint: { error_handler: { max_retries: 0 } } },
  resources: [
    {
      name: "items",
      endpoint: {
        path: "/items",
        data_selector: "data",
        paginator: { type: "offset", limit: 3, total_path: "total" },
        incremental: { cursor_path: "updated_at" },
      },
    },
  ],
  ...overrides,
});

describe("incremental sync", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small" } });
  });
  beforeEach(() => {
    mock.reset();
  });
  afterAll(() => mock.close());

  const t = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, "0")}:00Z`;

  it("writes a record tied with the stored cursor once, and never rewrites one already stored", async () => {
    const items: Item[] = [
      { id: 1, updated_at: t(1), name: "a" },
      { id: 2, updated_at: t(5), name: "b" },
      { id: 3, updated_at: t(5), name: "c" },
      { id: 4, updated_at: t(3), name: "d" },
    ];
    itemsApi(mock, items);
    const pipeline = createPipeline({ name: "tie", store: memoryAdapter() });
    const source = restApiSource(itemsConfig(mock));

    expect((await pipeline.run(source)).resources.items!.records).toBe(4);
    expect(await pipeline.state("items")).toMatchObject({ cursor: { last_value: t(5) } });
    expect(new Set((await pipeline.state("items"))!.cursor!.boundary_keys)).toEqual(new Set(["2", "3"]));

    // A record arrives late with exactly the boundary timestamp.
    items.push({ id: 5, updated_at: t(5), name: "late" });
    const second = await pipeline.run(source);
    expect(second.resources.items!.records).toBe(1);
    expect(await pipeline.get("items", 5)).toMatchObject({ name: "late" });
    expect(new Set((await pipeline.state("items"))!.cursor!.boundary_keys)).toEqual(new Set(["2", "3", "5"]));

    const third = await pipeline.run(source);
    expect(third.resources.items!.records).toBe(0);
    expect(third.resources.items!.unchanged).toBe(5);

    // A newer update moves the cursor and resets the boundary.
    items[0] = { id: 1, updated_at: t(9), name: "a2" };
    const fourth = await pipeline.run(source);
    expect(fourth.resources.items!.records).toBe(1);
    expect(await pipeline.state("items")).toMatchObject({ cursor: { last_value: t(9), boundary_keys: ["1"] } });
    expect(await pipeline.count("items")).toBe(5);
  });

  it("sends the stored cursor as start_param so the API can filter", async () => {
    itemsApi(mock, [
      { id: 1, updated_at: t(1), name: "a" },
      { id: 2, updated_at: t(2), name: "b" },
    ]);
    const config = itemsConfig(mock);
    (config.resources[0] as { endpoint: { incremental: object } }).endpoint.incremental = {
      cursor_path: "updated_at",
      start_param: "since",
      initial_value: t(0),
    };
    const pipeline = createPipeline({ name: "since", store: memoryAdapter() });
    await pipeline.run(restApiSource(config));
    expect(mock.requests[0]!.query.since).toBe(t(0));
    mock.clearLog();
    await pipeline.run(restApiSource(config));
    expect(mock.requests[0]!.query.since).toBe(t(2));
  });

  it("includes records without the cursor field by default and counts them; exclude and raise as configured", async () => {
    itemsApi(mock, [
      { id: 1, updated_at: t(1), name: "a" },
      { id: 2, name: "no cursor" },
    ]);
    const run = async (policy?: "include" | "exclude" | "raise") => {
      const config = itemsConfig(mock);
      const endpoint = (config.resources[0] as { endpoint: { incremental: Record<string, unknown> } }).endpoint;
      if (policy) endpoint.incremental.on_cursor_value_missing = policy;
      const pipeline = createPipeline({ name: `missing-${policy}`, store: memoryAdapter() });
      const report = await pipeline.run(restApiSource(config));
      return {
        report: report.resources.items!,
        count: await pipeline.count("items"),
        state: await pipeline.state("items"),
      };
    };
    const included = await run();
    expect(included.report).toMatchObject({ status: "completed", records: 2, missingCursor: 1 });
    const excluded = await run("exclude");
    expect(excluded.report).toMatchObject({ status: "completed", records: 1, missingCursor: 1 });
    const raised = await run("raise");
    expect(raised.report.status).toBe("failed");
    expect(raised.report.error).toMatchObject({ code: "record_invalid" });
    expect(raised.report.error!.message).toMatch(/items: record 2 .* has no cursor value at "updated_at"/);
    expect(raised.state).toBeUndefined();
  });

  it("does not rewrite unchanged records that have no cursor, but writes changed ones", async () => {
    const items: Item[] = [
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ];
    itemsApi(mock, items);
    const pipeline = createPipeline({ name: "nocursor", store: memoryAdapter() });
    const source = restApiSource(itemsConfig(mock));
    expect((await pipeline.run(source)).resources.items!.records).toBe(2);
    items[1] = { id: 2, name: "b2" };
    const second = (await pipeline.run(source)).resources.items!;
    expect(second).toMatchObject({ records: 1, unchanged: 1 });
    expect(await pipeline.get("items", 2)).toMatchObject({ name: "b2" });
  });

  it("leaves the cursor alone for an end_value backfill and honours lag", async () => {
    itemsApi(mock, [
      { id: 1, updated_at: t(1), name: "a" },
      { id: 2, updated_at: t(5), name: "b" },
      { id: 3, updated_at: t(9), name: "c" },
    ]);
    const config = itemsConfig(mock);
    const endpoint = (config.resources[0] as { endpoint: { incremental: Record<string, unknown> } }).endpoint;
    endpoint.incremental = { cursor_path: "updated_at", end_value: t(6) };
    const pipeline = createPipeline({ name: "backfill", store: memoryAdapter() });
    const report = await pipeline.run(restApiSource(config));
    expect(report.resources.items!.records).toBe(2);
    expect((await pipeline.state("items"))?.cursor).toBeUndefined();

    endpoint.incremental = { cursor_path: "updated_at", lag: 300 };
    const lagged = createPipeline({ name: "lag", store: memoryAdapter() });
    await lagged.run(restApiSource(config));
    // With a 5-minute lag the next run re-reads everything from 10:04 on.
    const again = await lagged.run(restApiSource(config));
    expect(again.resources.items!.records).toBe(2);
  });
});

describe("children, failures and commit order", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small" } });
  });
  beforeEach(() => {
    mock.reset();
  });
  afterAll(() => mock.close());

  const notesConfig = (extra: Record<string, unknown> = {}): RestApiConfig => ({
    client: { base_url: mock.url },
    resource_defaults: {
      primary_key: "id",
      write_disposition: "merge",
      endpoint: { error_handler: { max_retries: 0 } },
    },
    resources: [
      {
        name: "items",
        endpoint: {
          path: "/items",
          data_selector: "data",
          paginator: { type: "offset", limit: 3 },
          incremental: { cursor_path: "updated_at" },
        },
        ...extra,
      },
      {
        name: "notes",
        include_from_parent: ["name"],
        endpoint: { path: "/items/{item_id}/notes", data_selector: "data" },
      },
    ],
  });

  it("fans children out over every parent the API returned, before the parent's filter, with parent fields copied", async () => {
    const items: Item[] = [
      { id: 1, updated_at: "2024-01-01T00:00:00Z", name: "one" },
      { id: "a b/../c", updated_at: "2024-01-02T00:00:00Z", name: "odd id" },
    ];
    itemsApi(mock, items);
    const pipeline = createPipeline({ name: "fan", store: memoryAdapter() });
    const source = restApiSource(notesConfig());
    const first = await pipeline.run(source);
    expect(first.resources.notes!.error?.message).toBeUndefined();
    expect(first.status).toBe("completed");
    expect(await pipeline.get("notes", "a b/../c-n")).toMatchObject({ text: "note of odd id", _items_name: "odd id" });
    // The odd id travelled as one encoded path segment.
    expect(mock.requests.some((r) => r.path === "/items/a b/../c/notes")).toBe(true);

    // Second run: parents unchanged (filtered out), yet their children are fetched again.
    mock.clearLog();
    const second = await pipeline.run(source);
    expect(second.resources.items!.records).toBe(0);
    expect(second.resources.notes!.requests).toBe(2);
  });

  it("fills children from resolve params (path and query) and {resources.parent.field} placeholders", async () => {
    itemsApi(mock, [
      { id: 7, updated_at: "2024-01-01T00:00:00Z", name: "seven" },
      { id: 8, updated_at: "2024-01-02T00:00:00Z", name: "eight" },
    ]);
    mock.route("GET", "/notes-by-query", (req) => ({
      body: { data: [{ id: `q${req.query.item}`, item: req.query.item }] },
    }));
    const pipeline = createPipeline({ name: "resolve", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: mock.url },
      resource_defaults: { primary_key: "id", write_disposition: "merge" },
      resources: [
        { name: "items", endpoint: { path: "/items", data_selector: "data", paginator: { type: "offset", limit: 3 } } },
        {
          name: "by_param",
          endpoint: {
            path: "/items/{iid}/notes",
            params: { iid: { type: "resolve", resource: "items", field: "id" } },
          },
        },
        { name: "by_placeholder", endpoint: { path: "/items/{resources.items.id}/notes" } },
        {
          name: "by_query",
          endpoint: { path: "/notes-by-query", params: { item: "{resources.items.id}" } },
        },
      ],
    });
    expect(report.status).toBe("completed");
    expect(await pipeline.count("by_param")).toBe(2);
    expect(await pipeline.count("by_placeholder")).toBe(2);
    expect(await pipeline.get("by_query", "q8")).toEqual({ id: "q8", item: "8" });
    expect(mock.requests.filter((r) => r.path === "/items/7/notes")).toHaveLength(2);
  });

  it("puts {incremental.start_value} into params and paths", async () => {
    const seen: string[] = [];
    mock.route("GET", /^\/changes\/(?<since>.+)$/, (req) => {
      seen.push(`${req.params.since} ${req.query.from}`);
      return { body: [{ id: 1, updated_at: "2024-03-01T00:00:00Z" }] };
    });
    const config: RestApiConfig = {
      client: { base_url: mock.url },
      resources: [
        {
          name: "changes",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: {
            path: "/changes/{incremental.start_value}",
            params: { from: "{incremental.start_value}" },
            incremental: { cursor_path: "updated_at", initial_value: "2024-01-01T00:00:00Z" },
          },
        },
      ],
    };
    const pipeline = createPipeline({ name: "start-value", store: memoryAdapter() });
    await pipeline.run(config);
    await pipeline.run(config);
    expect(seen).toEqual(["2024-01-01T00:00:00Z 2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z 2024-03-01T00:00:00Z"]);
  });

  it("runs an unselected parent to feed its children without storing it", async () => {
    itemsApi(mock, [{ id: 1, updated_at: "2024-01-01T00:00:00Z", name: "one" }]);
    const pipeline = createPipeline({ name: "unselected", store: memoryAdapter() });
    const report = await pipeline.run(restApiSource(notesConfig({ selected: false })));
    expect(report.status).toBe("completed");
    expect(report.resources.items!.stored).toBe(false);
    expect(await pipeline.count("items")).toBe(0);
    expect(await pipeline.state("items")).toBeUndefined();
    expect(await pipeline.count("notes")).toBe(1);
  });

  it("keeps a failed resource's cursor and data while the others complete, then recovers", async () => {
    const pipeline = createPipeline({ name: "fail", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    await pipeline.run(source);
    const before = await pipeline.state("labels");

    mock.mutate({ updates: 8, inserts: 4, tie: true, tieEntity: "labels" });
    // A 400 (a 5xx would be retried, as dlt retries it)
    mock.faults.add({ match: "/v1/labels", status: 400, times: 1 });
    const failed = await pipeline.run(source);
    expect(failed.status).toBe("partial");
    expect(failed.resources.labels).toMatchObject({ status: "failed", error: { code: "http_status", status: 400 } });
    expect(failed.resources.labels!.error!.message).toMatch(
      /^labels: HTTP 400 from GET http:\/\/127\.0\.0\.1:\d+\/v1\/labels/,
    );
    expect(Object.values(failed.resources).filter((r) => r.status === "completed")).toHaveLength(23);
    expect(await pipeline.state("labels")).toEqual(before);
    expect(await diffStoreAgainstApi(pipeline, mock, ["epics", "epics_comments", "stories_comments"])).toEqual([]);

    const recovered = await pipeline.run(source);
    expect(recovered.status).toBe("completed");
    expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
  });

  it("skips children of a failed parent and keeps their cursor", async () => {
    itemsApi(mock, [{ id: 1, updated_at: "2024-01-01T00:00:00Z", name: "one" }]);
    mock.faults.add({ match: "/items", status: 503, times: 1 });
    const pipeline = createPipeline({ name: "skip", store: memoryAdapter() });
    const report = await pipeline.run(restApiSource(notesConfig()));
    expect(report.status).toBe("failed");
    expect(report.resources.notes).toMatchObject({ status: "skipped", error: { code: "parent_failed" } });
    expect(mock.requests.filter((r) => r.path.endsWith("/notes"))).toHaveLength(0);
  });

  it("stops cleanly on abort, keeps aborted resources' cursors, and the following runs end equal to the API", async () => {
    const pipeline = createPipeline({ name: "abort", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    for (const stopAfter of [3, 40, 150]) {
      const before = new Map<string, unknown>();
      for (const r of source.resources) {
        const state = await pipeline.state(r.name);
        before.set(r.name, JSON.stringify([state?.cursor, state?.parent_cursors]));
      }
      const controller = new AbortController();
      let pages = 0;
      const report = await pipeline.run(source, {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === "page" && ++pages === stopAfter) controller.abort();
        },
      });
      expect(report).toMatchObject({ status: "partial", stopped: "aborted" });
      expect(Object.values(report.resources).some((r) => r.status === "aborted")).toBe(true);
      // A resource that did not complete has not moved its cursors.
      for (const [name, r] of Object.entries(report.resources)) {
        if (r.status === "completed") continue;
        const state = await pipeline.state(name);
        expect(JSON.stringify([state?.cursor, state?.parent_cursors]), name).toBe(before.get(name));
      }
      mock.mutate({ updates: 3, inserts: 2 });
    }
    // The next run has no budget: it fetches every resource again (incrementally), so when it reports
    // completed the changes made since the interrupted runs are stored too.
    const next = await pipeline.run(source);
    expect(next).toMatchObject({ status: "completed", cycle: { complete: true } });
    expect(Object.values(next.resources).some((r) => r.earlierInCycle)).toBe(false);
    expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    mock.setOptions({ latencyMs: 15 });
    try {
      const pipeline = createPipeline({
        name: "conc",
        store: memoryAdapter(),
        secrets: { api_key: mock.apiKey },
        concurrency: 3,
      });
      await pipeline.run(restApiSource(withBaseUrl(mock.url)), { resources: ["epics_comments", "groups_stories"] });
      expect(mock.stats().maxConcurrent).toBe(3);
    } finally {
      mock.setOptions({ latencyMs: 0 });
    }
  });

  it("fails a resource whose store write fails, keeps its cursor, and loses nothing already stored", async () => {
    itemsApi(mock, [
      { id: 1, updated_at: "2024-01-01T00:00:00Z", name: "one" },
      { id: 2, updated_at: "2024-01-02T00:00:00Z", name: "two" },
      { id: 3, updated_at: "2024-01-03T00:00:00Z", name: "three" },
      { id: 4, updated_at: "2024-01-04T00:00:00Z", name: "four" },
    ]);
    const inner = memoryAdapter();
    let failNext = false;
    const flaky: StoreAdapter = {
      ...inner,
      write(batch) {
        if (failNext && batch.puts?.length) throw new Error("disk full");
        return inner.write(batch);
      },
    };
    const pipeline = createPipeline({ name: "flaky", store: flaky });
    const source = restApiSource(notesConfig());
    await pipeline.run(source, { resources: ["items"] });
    const state = await pipeline.state("items");
    failNext = true;
    const report = await pipeline.run(source);
    expect(report.resources.notes).toMatchObject({
      status: "failed",
      error: { name: "StorageError", code: "storage_failed" },
    });
    expect(report.resources.notes!.error!.message).toMatch(/notes: memory store failed to write: disk full/);
    expect((await pipeline.state("items"))!.cursor).toEqual(state!.cursor);
    expect(await pipeline.count("items")).toBe(4);
  });
});

describe("write dispositions and keys", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small" } });
  });
  beforeEach(() => {
    mock.clearRoutes();
    mock.faults.clear();
  });
  afterAll(() => mock.close());

  it("replace swaps the resource's data only after the full fetch succeeded", async () => {
    let items: Item[] = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `v1-${i + 1}` }));
    mock.route("GET", "/items", (req) => {
      const offset = Number(req.query.offset ?? 0);
      return { body: { data: items.slice(offset, offset + 3), total: items.length } };
    });
    const config: RestApiConfig = {
      client: { base_url: mock.url },
      resources: [
        {
          name: "items",
          primary_key: "id",
          write_disposition: "replace",
          endpoint: {
            path: "/items",
            data_selector: "data",
            paginator: { type: "offset", limit: 3 },
            error_handler: { max_retries: 0 },
          },
        },
      ],
    };
    const pipeline = createPipeline({ name: "replace", store: memoryAdapter() });
    const source = restApiSource(config);
    await pipeline.run(source);
    expect(await pipeline.count("items")).toBe(7);

    items = Array.from({ length: 5 }, (_, i) => ({ id: i + 10, name: `v2-${i + 10}` }));
    mock.faults.add({ match: (req) => req.path === "/items" && req.query.offset === "3", status: 500 });
    const failed = await pipeline.run(source);
    expect(failed.resources.items!.status).toBe("failed");
    // The old data is intact, not mixed with the new pages.
    const names = [];
    for await (const record of pipeline.records("items")) names.push(record.name);
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `v1-${i + 1}`));

    await pipeline.run(source);
    const after = [];
    for await (const record of pipeline.records("items")) after.push(record.name);
    expect(after.sort()).toEqual(items.map((i) => i.name).sort());
    expect(await pipeline.count("items")).toBe(5);
  });

  it("append adds every record and keeps insertion order; merge upserts by composite key", async () => {
    mock.route("GET", "/events", () => ({
      body: [
        { kind: "a", n: 1 },
        { kind: "b", n: 1 },
      ],
    }));
    mock.route("GET", "/pairs", () => ({
      body: [
        { org: "x", id: 1, v: "first" },
        { org: "y", id: 1, v: "other org" },
        { org: "x", id: 1, v: "second" },
      ],
    }));
    const pipeline = createPipeline({ name: "dispositions", store: memoryAdapter() });
    const source = restApiSource({
      client: { base_url: mock.url },
      resources: [
        { name: "events", write_disposition: "append", endpoint: { path: "/events", paginator: "single_page" } },
        {
          name: "pairs",
          primary_key: ["org", "id"],
          write_disposition: "merge",
          endpoint: { path: "/pairs", paginator: "single_page" },
        },
      ],
    });
    await pipeline.run(source);
    await pipeline.run(source);
    const events = [];
    for await (const e of pipeline.records("events")) events.push(e.kind);
    expect(events).toEqual(["a", "b", "a", "b"]);
    expect(await pipeline.count("pairs")).toBe(2);
    expect(await pipeline.get("pairs", ["x", 1])).toMatchObject({ v: "second" });
    expect(await pipeline.get("pairs", ["y", 1])).toMatchObject({ v: "other org" });
  });

  it("fails a merge resource whose records lack the primary key, naming it", async () => {
    mock.route("GET", "/nokey", () => ({ body: [{ name: "x" }] }));
    const pipeline = createPipeline({ name: "nokey", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url },
        resources: [{ name: "nokey", primary_key: "id", write_disposition: "merge", endpoint: "/nokey" }],
      }),
    );
    expect(report.resources.nokey!.error).toMatchObject({ code: "record_invalid" });
    expect(report.resources.nokey!.error!.message).toMatch(
      /nokey: a record from http:\/\/127\.0\.0\.1:\d+\/nokey has no primary key "id"/,
    );
  });

  it("applies processing steps in order after the incremental filter", async () => {
    mock.route("GET", "/things", () => ({
      body: {
        items: [
          { id: 1, v: 1 },
          { id: 2, v: 2 },
          { id: 3, v: 3 },
        ],
      },
    }));
    const pipeline = createPipeline({ name: "steps", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url },
        resources: [
          {
            name: "things",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: "/things",
            processing_steps: [
              { filter: (r) => (r.v as number) > 1 },
              { map: (r) => ({ ...r, doubled: (r.v as number) * 2 }) },
            ],
          },
        ],
      }),
    );
    expect(report.resources.things).toMatchObject({ records: 2, filtered: 1 });
    expect(await pipeline.get("things", 3)).toEqual({ id: 3, v: 3, doubled: 6 });
  });
});

describe("one run at a time per pipeline", () => {
  it("queues a second run of the same pipeline, or skips it when asked", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" }, latencyMs: 20 });
    try {
      const pipeline = createPipeline({ name: "single", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
      const source = restApiSource(withBaseUrl(mock.url));
      const first = pipeline.run(source, { resources: ["epics"] });
      const skipped = await pipeline.run(source, { resources: ["epics"], ifRunning: "skip" });
      expect(skipped.status).toBe("skipped");
      const queued = pipeline.run(source, { resources: ["epics"] });
      const [a, b] = await Promise.all([first, queued]);
      expect(a.status).toBe("completed");
      expect(b.status).toBe("completed");
      // The queued run started after the first finished, so it saw the first's cursor.
      expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt) + a.durationMs);
      expect(b.resources.epics!.records).toBe(0);
    } finally {
      await mock.close();
    }
  });
});

describe("record schemas", () => {
  it("validates records against the resource's valibot schema: fail names the path, drop counts and reports", async () => {
    const v = await import("valibot");
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    try {
      mock.route("GET", "/people", () => ({
        body: [
          { id: 1, name: "Ada", age: 36 },
          { id: 2, name: "Bob", age: "old" },
          { id: 3, name: 7, age: 1 },
        ],
      }));
      const config = (onInvalid: "fail" | "drop") => ({
        client: { base_url: mock.url },
        resources: [
          {
            name: "people",
            primary_key: "id",
            write_disposition: "merge" as const,
            endpoint: "/people",
            schema: v.object({ id: v.number(), name: v.string(), age: v.number() }),
            on_invalid_record: onInvalid,
          },
        ],
      });
      const failing = createPipeline({ name: "schema-fail", store: memoryAdapter() });
      const failed = await failing.run(config("fail"));
      expect(failed.resources.people).toMatchObject({ status: "failed", error: { code: "record_invalid" } });
      expect(failed.resources.people!.error!.message).toMatch(
        /people: record 2 from http:\/\/127\.0\.0\.1:\d+\/people does not match its schema at age: Invalid type: Expected number but received "old"/,
      );
      expect(await failing.state("people")).toBeUndefined();

      const dropping = createPipeline({ name: "schema-drop", store: memoryAdapter() });
      const dropped = await dropping.run(config("drop"));
      expect(dropped.resources.people).toMatchObject({ status: "completed", records: 1, invalid: 2 });
      expect(dropped.resources.people!.invalidIssues).toEqual([
        'age: Invalid type: Expected number but received "old"',
        "name: Invalid type: Expected string but received 7",
      ]);
      expect(await dropping.get("people", 1)).toEqual({ id: 1, name: "Ada", age: 36 });
    } finally {
      await mock.close();
    }
  });
});

describe("a run's AbortSignal", () => {
  it("carries one listener however many requests and waits are pending (no MaxListeners warning)", async () => {
    const { EventEmitter } = await import("node:events");
    const mock = await startMockApi({ datasetOptions: { size: "small" }, latencyMs: 5 });
    try {
      const controller = new AbortController();
      let most = 0;
      const pipeline = createPipeline({ name: "listeners", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
      const report = await pipeline.run(restApiSource(withBaseUrl(mock.url)), {
        signal: controller.signal,
        onProgress: () => (most = Math.max(most, EventEmitter.getEventListeners(controller.signal, "abort").length)),
      });
      expect(report.status).toBe("completed");
      expect(most).toBe(1);
    } finally {
      await mock.close();
    }
  });
});

describe("many records tied at the cursor", () => {
  it("keeps the state bounded past 10,000 ties: the ties are read again until the cursor moves, and none is missed", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    try {
      const items: Item[] = Array.from({ length: 10_050 }, (_, i) => ({
        id: i,
        updated_at: "2024-06-01T00:00:00Z",
        name: `n${i}`,
      }));
      mock.route("GET", "/items", (req) => {
        const offset = Number(req.query.offset ?? 0);
        return { body: { data: items.slice(offset, offset + 1000), total: items.length } };
      });
      const config: RestApiConfig = {
        client: { base_url: mock.url },
        resources: [
          {
            name: "items",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: {
              path: "/items",
              data_selector: "data",
              paginator: { type: "offset", limit: 1000 },
              incremental: { cursor_path: "updated_at" },
            },
          },
        ],
      };
      const pipeline = createPipeline({ name: "ties", store: memoryAdapter() });
      expect((await pipeline.run(config)).resources.items!.records).toBe(10_050);
      expect(await pipeline.state("items")).toMatchObject({
        cursor: { last_value: "2024-06-01T00:00:00Z", boundary_keys: [], boundary_overflow: true },
      });

      // Another record tied with the cursor is not missed (the ties are all read again).
      items.push({ id: 20_000, updated_at: "2024-06-01T00:00:00Z", name: "late tie" });
      expect((await pipeline.run(config)).resources.items!.records).toBe(10_051);
      expect(await pipeline.get("items", 20_000)).toMatchObject({ name: "late tie" });

      // The run that moves the cursor on still reads the old ties once more; after it the
      // boundary is small again and nothing is rewritten.
      items.push({ id: 20_001, updated_at: "2024-06-02T00:00:00Z", name: "newer" });
      expect((await pipeline.run(config)).resources.items!.records).toBe(10_052);
      expect(await pipeline.state("items")).toMatchObject({
        cursor: { last_value: "2024-06-02T00:00:00Z", boundary_keys: ["20001"] },
      });
      expect((await pipeline.run(config)).resources.items!.records).toBe(0);
      expect(await pipeline.count("items")).toBe(10_052);
    } finally {
      await mock.close();
    }
  });
});
