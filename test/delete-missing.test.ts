/**
 * Beyond dlt: `delete_missing` removes (or flags with `deleted_at`) the stored
 * records a complete listing no longer returns — only after every page of every
 * context was read in the cycle: never after a failed, aborted or budget-cut
 * listing, never for an incremental resource, and never, after a kill, for
 * records the killed run stored. Against the mock API: `/rows` serves `rows`
 * two per page; `/parents` and `/parents/{id}/notes` a parent and its children.
 */
import { createPipeline, type ProgressEvent, type RestApiConfig, restApiSource, type StoreAdapter } from "restsync";
import { kvAdapter } from "restsync/adapters/cloudflare-kv";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dyingStore } from "./_helpers/dying-store";
import { FakeKv } from "./_helpers/fake-kv";
import { useMockApis } from "./_helpers/mock-apis";
import { type ScriptedServer, startScriptedServer } from "./_helpers/scripted-server";
import type { MockApi } from "./mock/index";
import { runDeleteMissingScenario } from "./scenarios/delete-missing";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

type Row = Record<string, unknown>;
let rows: Row[] = [];
let notes: Record<string, Row[]> = {};
beforeEach(() => {
  rows = [];
  notes = {};
  mock.route("GET", "/rows", (req) => {
    const n = Number(req.query.page ?? "1");
    const next = n * 2 < rows.length ? `${mock.url}/rows?page=${n + 1}` : null;
    return { body: { data: rows.slice((n - 1) * 2, n * 2), next } };
  });
  mock.route("GET", "/parents", () => ({ body: { data: Object.keys(notes).map((id) => ({ id })), next: null } }));
  mock.route("GET", /^\/parents\/(?<id>[^/]+)\/notes$/, (req) => ({
    body: { data: notes[req.params.id!] ?? [], next: null },
  }));
});

const config = (resource: Record<string, unknown> = {}): RestApiConfig =>
  ({
    client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
    resources: [
      {
        name: "rows",
        primary_key: "id",
        write_disposition: "merge",
        delete_missing: "remove",
        endpoint: { path: "/rows", data_selector: "data", error_handler: { max_retries: 0 } },
        ...resource,
      },
    ],
  }) as RestApiConfig;

const numbered = (...ids: number[]) => ids.map((id) => ({ id }));

async function stored(pipeline: ReturnType<typeof createPipeline>, name = "rows"): Promise<Row[]> {
  const out: Row[] = [];
  for await (const record of pipeline.records(name)) out.push(record);
  return out.sort((a, b) => String(a.id).localeCompare(String(b.id), "en", { numeric: true }));
}

describe('delete_missing: "remove"', () => {
  it("removes the stored records a complete listing no longer returns", async () => {
    const pipeline = createPipeline({ name: "remove", store: memoryAdapter() });
    const source = restApiSource(config());
    rows = numbered(1, 2, 3, 4, 5);
    await pipeline.run(source);
    rows = numbered(1, 3, 5, 6);
    const second = await pipeline.run(source);
    expect(await stored(pipeline)).toEqual(numbered(1, 3, 5, 6));
    expect(second.resources.rows!.deleted).toBe(2);
  });

  it("an empty complete listing removes everything", async () => {
    const pipeline = createPipeline({ name: "empty", store: memoryAdapter() });
    const source = restApiSource(config());
    rows = numbered(1, 2);
    await pipeline.run(source);
    rows = [];
    await pipeline.run(source);
    expect(await pipeline.count("rows")).toBe(0);
  });

  it("removes nothing after a failed listing", async () => {
    const pipeline = createPipeline({ name: "failed", store: memoryAdapter() });
    const source = restApiSource(config());
    rows = numbered(1, 2, 3, 4, 5);
    await pipeline.run(source);
    rows = numbered(1, 2, 3);
    mock.faults.add({ match: (req) => req.path === "/rows" && req.query.page === "2", status: 500 });
    const second = await pipeline.run(source);
    expect(second.resources.rows!.status).toBe("failed");
    expect(await pipeline.count("rows")).toBe(5);
    // The next complete listing does remove them.
    await pipeline.run(source);
    expect(await stored(pipeline)).toEqual(numbered(1, 2, 3));
  });

  it("removes nothing when response_actions ignore a page after the first (the listing was cut short)", async () => {
    const pipeline = createPipeline({ name: "ignored", store: memoryAdapter() });
    const source = restApiSource(
      config({
        endpoint: {
          path: "/rows",
          data_selector: "data",
          response_actions: [{ status_code: 404, action: "ignore" }],
          error_handler: { max_retries: 0 },
        },
      }),
    );
    rows = numbered(1, 2, 3, 4, 5);
    await pipeline.run(source);
    mock.faults.add({ match: (req) => req.path === "/rows" && req.query.page === "2", status: 404 });
    const second = await pipeline.run(source);
    expect(second.resources.rows!.status).toBe("completed");
    expect(await pipeline.count("rows")).toBe(5);
    // An ignored first page is an empty list, as the action says.
    mock.faults.add({ match: (req) => req.path === "/rows" && req.query.page === undefined, status: 404 });
    await pipeline.run(source);
    expect(await pipeline.count("rows")).toBe(0);
  });

  it("removes nothing after an aborted listing", async () => {
    const pipeline = createPipeline({ name: "aborted", store: memoryAdapter() });
    const source = restApiSource(config());
    rows = numbered(1, 2, 3, 4, 5);
    await pipeline.run(source);
    rows = numbered(1, 2, 3);
    const controller = new AbortController();
    const onProgress = (event: ProgressEvent) => {
      if (event.type === "page") controller.abort();
    };
    const second = await pipeline.run(source, { signal: controller.signal, onProgress });
    expect(second.resources.rows!.status).toBe("aborted");
    expect(await pipeline.count("rows")).toBe(5);
  });

  it("removes nothing while a budget cuts the listing, then exactly the missing ones once the cycle completes it", async () => {
    const pipeline = createPipeline({ name: "budget", store: memoryAdapter(), progressIntervalMs: 0 });
    const source = restApiSource(config());
    rows = numbered(1, 2, 3, 4, 5, 6);
    await pipeline.run(source);
    rows = numbered(2, 3, 4, 5, 7);
    const cut = await pipeline.run(source, { maxRequests: 1 });
    expect(cut.resources.rows!.status).toBe("incomplete");
    expect(await stored(pipeline)).toEqual(numbered(1, 2, 3, 4, 5, 6));
    let runs = 0;
    while (!(await pipeline.run(source, { maxRequests: 1 })).cycle!.complete) expect(++runs).toBeLessThan(5);
    expect(await stored(pipeline)).toEqual(numbered(2, 3, 4, 5, 7));
  });

  it("a run killed at any write, then resumed (budgeted or not), never removes a record the API still lists", async () => {
    const source = restApiSource(config());
    for (const budgeted of [true, false]) {
      for (let dieAt = 1; dieAt <= 8; dieAt++) {
        const inner = memoryAdapter();
        rows = numbered(1, 2, 3, 4, 5, 6, 7, 8);
        await createPipeline({ name: "killed", store: inner }).run(source);
        rows = numbered(1, 3, 4, 6, 7, 8, 9);
        await createPipeline({ name: "killed", store: dyingStore(inner, dieAt), progressIntervalMs: 0 })
          .run(source, { maxRequests: 100 })
          .catch(() => undefined);
        const again = createPipeline({ name: "killed", store: inner, progressIntervalMs: 0 });
        const options = budgeted ? { maxRequests: 100 } : {};
        for (let i = 0; i < 5 && !(await again.run(source, options)).cycle!.complete; i++);
        expect(await stored(again), `died at write ${dieAt}, ${budgeted ? "budgeted" : "unbudgeted"}`).toEqual(rows);
      }
    }
  });
});

describe('delete_missing: "flag"', () => {
  it("sets deleted_at to the run's time on records no longer listed, once; a record listed again is stored as the API has it", async () => {
    const pipeline = createPipeline({ name: "flag", store: memoryAdapter() });
    const source = restApiSource(config({ delete_missing: "flag" }));
    rows = numbered(1, 2, 3);
    await pipeline.run(source);
    rows = numbered(1);
    const before = new Date().toISOString();
    const second = await pipeline.run(source);
    const after = new Date().toISOString();
    const flagged = await stored(pipeline);
    expect(flagged.map((r) => [r.id, typeof r.deleted_at])).toEqual([
      [1, "undefined"],
      [2, "string"],
      [3, "string"],
    ]);
    const at = flagged[1]!.deleted_at as string;
    expect(at >= before && at <= after).toBe(true);
    expect(second.resources.rows!.flagged).toBe(2);

    rows = numbered(1, 2);
    const third = await pipeline.run(source);
    const now = await stored(pipeline);
    expect(now[1]).toEqual({ id: 2 });
    // Still missing: flagged at the time it was first missed, not again.
    expect(now[2]!.deleted_at).toBe(at);
    expect(third.resources.rows!.flagged).toBeUndefined();
  });
});

const childConfig = (child: Record<string, unknown> = {}, parent: Record<string, unknown> = {}): RestApiConfig =>
  ({
    client: { base_url: mock.url, paginator: "single_page" },
    resources: [
      { name: "parents", primary_key: "id", endpoint: { path: "/parents", data_selector: "data" }, ...parent },
      {
        name: "notes",
        primary_key: "id",
        write_disposition: "merge",
        delete_missing: "remove",
        endpoint: {
          path: "/parents/{parent_id}/notes",
          data_selector: "data",
          params: { parent_id: { type: "resolve", resource: "parents", field: "id" } },
          error_handler: { max_retries: 0 },
        },
        ...child,
      },
    ],
  }) as RestApiConfig;

describe("delete_missing on a child", () => {
  it("removes a child no longer listed under its parent, and the children of a parent that is gone", async () => {
    const pipeline = createPipeline({ name: "child", store: memoryAdapter() });
    const source = restApiSource(childConfig());
    notes = { a: [{ id: "n1" }, { id: "n2" }], b: [{ id: "n3" }] };
    await pipeline.run(source);
    notes = { a: [{ id: "n1" }], b: [{ id: "n3" }, { id: "n4" }] };
    await pipeline.run(source);
    expect(await stored(pipeline, "notes")).toEqual([{ id: "n1" }, { id: "n3" }, { id: "n4" }]);
    notes = { a: [{ id: "n1" }] };
    await pipeline.run(source);
    expect(await stored(pipeline, "notes")).toEqual([{ id: "n1" }]);
  });

  it("removes nothing when one parent's list fails", async () => {
    const pipeline = createPipeline({ name: "child-failed", store: memoryAdapter() });
    const source = restApiSource(childConfig());
    notes = { a: [{ id: "n1" }, { id: "n2" }], b: [{ id: "n3" }] };
    await pipeline.run(source);
    notes = { a: [{ id: "n1" }], b: [{ id: "n3" }] };
    mock.faults.add({ match: "/parents/b/notes", status: 500 });
    const second = await pipeline.run(source);
    expect(second.resources.notes!.status).toBe("failed");
    expect(await pipeline.count("notes")).toBe(3);
  });
});

describe("delete_missing is validated", () => {
  const message = (build: () => unknown): string => {
    try {
      build();
    } catch (error) {
      return String((error as Error).message);
    }
    return "accepted";
  };

  it("refuses it beside incremental, outside merge, and on a child whose parents' list is not complete", () => {
    expect(
      message(() => restApiSource(config({ endpoint: { path: "/rows", incremental: { cursor_path: "at" } } }))),
    ).toMatch(
      /resources\[0\]\.delete_missing: delete_missing needs the full list, and an incremental resource reads only what changed/,
    );
    expect(message(() => restApiSource(config({ write_disposition: "append" })))).toMatch(
      /resources\[0\]\.delete_missing: delete_missing needs write_disposition "merge"/,
    );
    expect(message(() => restApiSource(config({ delete_missing: "purge" })))).toMatch(
      /delete_missing must be "remove" or "flag"/,
    );
    expect(
      message(() =>
        restApiSource(
          childConfig(
            {},
            { endpoint: { path: "/parents", data_selector: "data", incremental: { cursor_path: "at" } } },
          ),
        ),
      ),
    ).toMatch(
      /resources\[1\]\.delete_missing: delete_missing needs the full list of parents, and "parents" is incremental/,
    );
    expect(message(() => restApiSource(childConfig({ parent_incremental: true })))).toMatch(
      /resources\[1\]\.delete_missing: .*remove parent_incremental/,
    );
  });
});

describe("delete_missing in every Node adapter (test/scenarios/delete-missing.ts)", () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server?.close());

  const kinds: Array<[string, () => (label: string) => StoreAdapter]> = [
    [
      "memory",
      () => {
        const stores = new Map<string, StoreAdapter>();
        return (label) => stores.get(label) ?? stores.set(label, memoryAdapter()).get(label)!;
      },
    ],
    [
      "cloudflare-kv",
      () => {
        const kv = new FakeKv();
        return (label) => kvAdapter(kv, { prefix: `${label}/` });
      },
    ],
  ];
  it.each(kinds)("%s", async (_name, opener) => {
    expect(await runDeleteMissingScenario(opener(), server.url)).toEqual([]);
  });
});
