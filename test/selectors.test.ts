/**
 * Data selection end to end: which records a pipeline stores for each body
 * shape and data_selector, and how it fails (never silently) when the body
 * does not hold what the selector promises.
 */

import {
  createPipeline,
  type EndpointConfig,
  type ProgressEvent,
  type ResourceConfig,
  type RestApiConfig,
  restApiSource,
  secrets,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { findAll, findFirst } from "../src/_jsonpath";
import { useMockApis } from "./_helpers/mock-apis";
import { cursorFor, expectStored, type Item, makeItems, servePaginated } from "./_helpers/paginated-api";
import type { MockApi, MockResponse } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

type Client = RestApiConfig["client"];

/** Runs one merge resource "items" (plus `extra`) with no retries. */
async function sync(
  endpoint: EndpointConfig,
  options: { client?: Partial<Client>; extra?: ResourceConfig[]; secrets?: Record<string, string> } = {},
) {
  const pipeline = createPipeline({
    name: "selectors",
    store: memoryAdapter(),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  const report = await pipeline.run(
    restApiSource({
      client: { base_url: mock.url, ...options.client },
      resources: [
        {
          name: "items",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { error_handler: { max_retries: 0 }, ...endpoint },
        },
        ...(options.extra ?? []),
      ],
    }),
  );
  return { pipeline, report, resource: report.resources["items"]! };
}

/** Serves `response` for every GET of `path`. */
function serve(path: string, response: MockResponse): void {
  mock.route("GET", path, () => structuredClone(response));
}

const sent = (path: string) => mock.requests.filter((r) => r.path === path);

/** Cursor pagination where the records of each page sit where `wrap` puts them. */
const cursorPaged = (pageSize: number) => ({
  type: "cursor" as const,
  cursor_path: "next",
  cursor_param: "cursor",
  limit: pageSize,
});

describe("data_selector picks the records out of every page", () => {
  const cases: Array<[string, (records: Item[]) => unknown]> = [
    ["data", (r) => ({ data: r })],
    ["$.data", (r) => ({ data: r })],
    ["response.items", (r) => ({ response: { items: r, count: r.length } })],
    ["$.response.items", (r) => ({ response: { items: r } })],
    ["$['weird.key']", (r) => ({ "weird.key": r, weird: { key: "not this" } })],
    ['$["data"]', (r) => ({ data: r })],
    ["results[*]", (r) => ({ results: r })],
    ["$.results[*]", (r) => ({ results: r })],
    ["data[0].items", (r) => ({ data: [{ items: r }, { items: [{ id: -1, name: "not this" }] }] })],
    ["data[-1].items", (r) => ({ data: [{ items: [{ id: -1, name: "not this" }] }, { items: r }] })],
    ["$.groups[*].members", (r) => ({ groups: [{ members: r.slice(0, 1) }, { members: r.slice(1) }] })],
    ["payload.*", (r) => ({ payload: Object.fromEntries(r.map((item) => [`k${item.id}`, item])) })],
    // Recursive descent and filters, as dlt's jsonpath_ng reads them.
    ["$..items", (r) => ({ response: { page: { items: r.slice(0, 2) } }, more: { items: r.slice(2) } })],
    ["$..records[*]", (r) => ({ a: [{ records: r }] })],
    ["$.data[?(@.id > 0)]", (r) => ({ data: [...r, { id: -1, name: "noise" }] })],
    ["$.data[?(@.name)]", (r) => ({ data: [{ id: -2 }, ...r] })],
    ["data[?(@.id >= 1 & @.name != 'noise')]", (r) => ({ data: [...r, { id: 99, name: "noise" }] })],
    ['$.data[?(@.tags[0] != "none")]', (r) => ({ data: [{ id: -3, name: "x", tags: ["none"] }, ...r] })],
  ];

  it.each(cases)("%s", async (selector, wrap) => {
    const api = servePaginated(mock, "/select", makeItems(11), { style: "cursor", pageSize: 4 }, { wrap });
    const { pipeline, report, resource } = await sync({
      path: api.path,
      data_selector: selector,
      paginator: cursorPaged(4),
    });
    expect(resource.error, JSON.stringify(resource.error)).toBeUndefined();
    expect(report.status).toBe("completed");
    expect(resource.requests).toBe(3);
    expect(resource.pages).toBe(3);
    expect(resource.received).toBe(11);
    expect(api.requests().map((r) => r.query)).toEqual([
      { limit: "4" },
      { limit: "4", cursor: cursorFor(4) },
      { limit: "4", cursor: cursorFor(8) },
    ]);
    await expectStored(pipeline, "items", api.items);
  });

  it("$ selects a bare top-level list", async () => {
    const api = servePaginated(
      mock,
      "/select-root",
      makeItems(12),
      { style: "header_link", pageSize: 5 },
      { dataPath: "" },
    );
    const { pipeline, resource } = await sync({
      path: api.path,
      data_selector: "$",
      paginator: { type: "header_link" },
    });
    expect(resource.status).toBe("completed");
    expect(resource.requests).toBe(3);
    expect(api.requests().map((r) => r.query)).toEqual([{}, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("an object where a list is expected is one record", () => {
  it("{ data: { id: 1 } } stores one record", async () => {
    serve("/one", { body: { data: { id: 1, name: "only" } } });
    const { pipeline, resource } = await sync({ path: "/one", data_selector: "data", paginator: "single_page" });
    expect(resource.status).toBe("completed");
    expect(resource.records).toBe(1);
    expect(resource.requests).toBe(1);
    expect(sent("/one").map((r) => r.query)).toEqual([{}]);
    await expectStored(pipeline, "items", [{ id: 1, name: "only" }]);
  });

  it.each([
    ["member", "/v1/member"],
    ["epic_workflow", "/v1/epic-workflow"],
  ] as const)("the seed's %s resource ({ data: {…} }) against the reference mock", async (name, path) => {
    const pipeline = createPipeline({ name: "seed-single", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: {
          base_url: mock.url,
          auth: { type: "api_key", name: "api_key", api_key: mock.apiKey, location: "header" },
        },
        resource_defaults: { primary_key: "id", write_disposition: "merge" },
        resources: [
          {
            name,
            endpoint: {
              path,
              data_selector: "data",
              paginator: { type: "single_page" },
              error_handler: { retry_on_status_codes: [429], max_retries: 0, backoff_factor: 0 },
            },
          },
        ],
      }),
    );
    const expected = mock.expected(name);
    expect(expected).toHaveLength(1);
    const resource = report.resources[name]!;
    expect(resource.status).toBe("completed");
    expect(resource.records).toBe(1);
    expect(resource.requests).toBe(1);
    expect(sent(path).map((r) => [r.status, r.query])).toEqual([[200, {}]]);
    expect(await pipeline.count(name)).toBe(1);
    expect(await pipeline.get(name, expected[0]!.id)).toEqual(expected[0]);
  });
});

describe("empty pages", () => {
  it.each<[string, MockResponse]>([
    ["{ data: [] }", { body: { data: [] } }],
    ["{ data: null }", { body: { data: null } }],
    ["204 No Content", { status: 204 }],
    ["200 with an empty body", { status: 200, raw: "" }],
    ["200 with a whitespace body", { status: 200, raw: " \n" }],
    ["an empty object {}", { body: {} }],
    ["an empty list []", { body: [] }],
  ])("%s → zero records, resource completed", async (_label, response) => {
    serve("/empty", response);
    const { pipeline, report, resource } = await sync({
      path: "/empty",
      data_selector: "data",
      paginator: "single_page",
    });
    expect(resource.error, JSON.stringify(resource.error)).toBeUndefined();
    expect(resource.status).toBe("completed");
    expect(report.status).toBe("completed");
    expect(resource.records).toBe(0);
    expect(resource.received).toBe(0);
    expect(resource.requests).toBe(1);
    expect(resource.pages).toBe(1);
    expect(sent("/empty").map((r) => r.query)).toEqual([{}]);
    await expectStored(pipeline, "items", []);
  });

  it("an empty last page ends a paginated resource without error", async () => {
    const api = servePaginated(mock, "/empty-last", makeItems(10), { style: "offset", total: "none" });
    const { pipeline, resource } = await sync({
      path: api.path,
      data_selector: "data",
      // An API without a total says so (dlt fails a page whose total_path is missing).
      paginator: { type: "offset", limit: 5, total_path: null },
    });
    expect(resource.status).toBe("completed");
    expect(resource.requests).toBe(3);
    expect(api.requests().map((r) => r.query["offset"])).toEqual(["0", "5", "10"]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("a selector that matches nothing gives an empty page and a warning, as in dlt", () => {
  it("completes with no records, and says so in the report and to onProgress", async () => {
    serve("/nomatch", { body: { results: makeItems(3), count: 3 } });
    const events: ProgressEvent[] = [];
    const pipeline = createPipeline({ name: "selectors", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url },
        resources: [
          {
            name: "items",
            endpoint: { path: "/nomatch", data_selector: "data", params: { q: "x" }, paginator: "single_page" },
          },
        ],
      }),
      { onProgress: (event) => events.push(event) },
    );
    const resource = report.resources["items"]!;
    expect(report.status).toBe("completed");
    expect(resource.pages).toBe(1);
    expect(resource.records).toBe(0);
    expect(resource.requests).toBe(1);
    expect(resource.warnings).toHaveLength(1);
    expect(resource.warnings![0]).toMatch(/data_selector "data" matched nothing .*top-level keys: results, count/);
    expect(events).toContainEqual({ type: "warning", resource: "items", message: resource.warnings![0] });
    expect(sent("/nomatch").map((r) => r.query)).toEqual([{ q: "x" }]);
    await expectStored(pipeline, "items", []);
  });

  it("a top-level list where the selector expects an envelope is an empty page too", async () => {
    serve("/nomatch-list", { body: makeItems(2) });
    const { pipeline, report, resource } = await sync({
      path: "/nomatch-list",
      data_selector: "data",
      paginator: "single_page",
    });
    expect(report.status).toBe("completed");
    expect(resource.warnings?.[0]).toMatch(/data_selector "data" matched nothing .*top-level keys: a list/);
    expect(resource.requests).toBe(1);
    await expectStored(pipeline, "items", []);
  });

  it.each([
    ['secrets["token"]', secrets["token"], { token: "s3cr3t-value" }],
    ["a literal key in the config", "s3cr3t-value", undefined],
  ] as const)(
    "does not put the auth query secret into the warning when the body echoes it as a key (api_key from %s)",
    async (_label, apiKey, provided) => {
      serve("/nomatch-secret", { body: { results: [], "s3cr3t-value": 1 } });
      const { resource } = await sync(
        { path: "/nomatch-secret", data_selector: "data.list", paginator: "single_page" },
        {
          client: { auth: { type: "api_key", name: "token", api_key: apiKey, location: "query" } },
          ...(provided ? { secrets: provided } : {}),
        },
      );
      expect(sent("/nomatch-secret").map((r) => r.query)).toEqual([{ token: "s3cr3t-value" }]);
      expect(resource.warnings?.[0]).toMatch(/data_selector "data.list" matched nothing .*top-level keys: results, /);
      expect(JSON.stringify(resource)).not.toContain("s3cr3t-value");
    },
  );

  it("a key renamed mid-sync: the pages before are kept, the rest are empty pages with one warning", async () => {
    // Pages 1-2 carry `data`; pages 3-4 renamed it (an API version change mid-sync).
    const items = makeItems(16);
    const api = servePaginated(
      mock,
      "/renamed",
      items,
      { style: "cursor", pageSize: 4 },
      {
        wrap: (records) => (records[0]!.id > 8 ? { records } : { data: records }),
      },
    );
    const { pipeline, report, resource } = await sync({
      path: api.path,
      data_selector: "data",
      paginator: cursorPaged(4),
    });
    expect(report.status).toBe("completed");
    expect(resource.requests).toBe(4);
    expect(resource.pages).toBe(4);
    expect(resource.records).toBe(8);
    expect(resource.warnings).toEqual([expect.stringMatching(/data_selector "data" matched nothing .*records, next/)]);
    await expectStored(pipeline, "items", items.slice(0, 8));
  });
});

describe("a selector that holds something other than records", () => {
  it.each<[string, unknown]>([
    ["a string", "oops"],
    ["a number", 42],
    ["a boolean", true],
    ["a list of numbers", [1, 2, 3]],
    ["a list mixing records and strings", [{ id: 1 }, "two"]],
    ["a list of lists", [[{ id: 1 }]]],
  ])("data holding %s fails the resource and writes nothing for that page", async (_label, data) => {
    // Page 1 is fine; page 2 has the wrong shape.
    const items = makeItems(4);
    mock.route("GET", "/wrong-shape", (req) =>
      req.query["cursor"] === undefined
        ? { body: { data: items.slice(0, 2), next: "p2" } }
        : { body: { data: structuredClone(data), next: null } },
    );
    const { pipeline, report, resource } = await sync({
      path: "/wrong-shape",
      data_selector: "data",
      paginator: { type: "cursor", cursor_path: "next" },
    });
    expect(report.status).toBe("failed");
    expect(resource.status).toBe("failed");
    expect(resource.error?.name).toBe("ResponseError");
    expect(resource.error?.message).toContain("items");
    expect(resource.error?.message).toContain('"data"');
    expect(resource.error?.message).toContain("/wrong-shape");
    expect(resource.requests).toBe(2);
    expect(resource.pages).toBe(1);
    expect(resource.records).toBe(2);
    expect(sent("/wrong-shape").map((r) => r.query)).toEqual([{}, { cursor: "p2" }]);
    await expectStored(pipeline, "items", items.slice(0, 2));
  });
});

describe("without a data_selector", () => {
  it.each<[string, (records: Item[]) => unknown]>([
    ["a top-level list", (r) => r],
    ["an object with a `data` list", (r) => ({ data: r, total: 99 })],
    ["an object with an `items` list", (r) => ({ items: r, meta: { page: 1 } })],
    ["an object with a `results` list", (r) => ({ count: r.length, results: r })],
  ])("%s: each element is a record", async (_label, wrap) => {
    const items = makeItems(6);
    serve("/auto-select", { body: wrap(items) });
    const { pipeline, resource } = await sync({ path: "/auto-select", paginator: "single_page" });
    expect(resource.error, JSON.stringify(resource.error)).toBeUndefined();
    expect(resource.status).toBe("completed");
    expect(resource.records).toBe(6);
    expect(resource.requests).toBe(1);
    expect(sent("/auto-select").map((r) => r.query)).toEqual([{}]);
    await expectStored(pipeline, "items", items);
  });

  it.each<[string, (records: Item[]) => unknown]>([
    ["a list under a key dlt does not know (the first list)", (r) => ({ count: r.length, products: r })],
    ["a record key nested two deep", (r) => ({ response: { result: { entries: r } } })],
    ["a record key preferred to an earlier other list", (r) => ({ warnings: [{ code: 1 }], body: { content: r } })],
    ["a list nested three keys deep", (r) => ({ a: { b: { things: r } } })],
    ["a list under a key that needs quoting", (r) => ({ "many-results.v2": r })],
  ])("finds %s, as dlt's detector does", async (_label, wrap) => {
    const items = makeItems(6);
    serve("/auto-nested", { body: wrap(items) });
    const { pipeline, resource } = await sync({ path: "/auto-nested", paginator: "single_page" });
    expect(resource.error, JSON.stringify(resource.error)).toBeUndefined();
    expect(resource.records).toBe(6);
    await expectStored(pipeline, "items", items);
  });

  it("a list four keys deep is past dlt's depth: the body is one record", async () => {
    const body = { id: 1, name: "deep", a: { b: { c: { d: makeItems(2) } } } };
    serve("/auto-deep", { body });
    const { pipeline, resource } = await sync({ path: "/auto-deep", paginator: "single_page" });
    expect(resource.records).toBe(1);
    await expectStored(pipeline, "items", [body]);
  });

  it("a plain object is one record", async () => {
    serve("/plain", { body: { id: 7, name: "settings", nested: { a: [1, 2] } } });
    const { pipeline, resource } = await sync({ path: "/plain", paginator: "single_page" });
    expect(resource.status).toBe("completed");
    expect(resource.records).toBe(1);
    expect(resource.requests).toBe(1);
    await expectStored(pipeline, "items", [{ id: 7, name: "settings", nested: { a: [1, 2] } }]);
  });

  it("finds the list on every page of a paginated resource", async () => {
    const api = servePaginated(mock, "/auto-paged", makeItems(9), { style: "offset" }, { dataPath: "results" });
    const { pipeline, resource } = await sync({ path: api.path, paginator: { type: "offset", limit: 4 } });
    expect(resource.status).toBe("completed");
    expect(resource.requests).toBe(3);
    expect(api.requests().map((r) => r.query)).toEqual([
      { offset: "0", limit: "4" },
      { offset: "4", limit: "4" },
      { offset: "8", limit: "4" },
    ]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("a 200 response that is not JSON", () => {
  it.each<[string, MockResponse]>([
    ["invalid JSON", { status: 200, raw: '{"data": [{"id": 1},' }],
    [
      "an HTML page",
      {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8" },
        raw: "<!doctype html><html><body><h1>Maintenance</h1></body></html>",
      },
    ],
    ["plain text", { status: 200, headers: { "content-type": "text/plain" }, raw: "OK" }],
  ])("%s fails the resource with response_invalid", async (_label, response) => {
    serve("/not-json", response);
    const { pipeline, report, resource } = await sync({
      path: "/not-json",
      data_selector: "data",
      paginator: "single_page",
      error_handler: { max_retries: 0 },
    });
    expect(report.status).toBe("failed");
    expect(resource.status).toBe("failed");
    expect(resource.error?.code).toBe("response_invalid");
    expect(resource.error?.message).toContain("items");
    expect(resource.error?.message).toContain("/not-json");
    expect(resource.pages).toBe(0);
    expect(sent("/not-json")).toHaveLength(1);
    await expectStored(pipeline, "items", []);
    // the report counts the request that was made
    expect(resource.requests).toBe(1);
  });

  it("is retried once, not max_retries times, before failing (an HTML page rarely turns into JSON)", async () => {
    serve("/not-json-retry", { status: 200, headers: { "content-type": "text/html" }, raw: "<html>busy</html>" });
    const { resource } = await sync({
      path: "/not-json-retry",
      data_selector: "data",
      paginator: "single_page",
      error_handler: { max_retries: 2, backoff_factor: 0 },
    });
    expect(resource.status).toBe("failed");
    expect(resource.error?.code).toBe("response_invalid");
    expect(sent("/not-json-retry")).toHaveLength(2);
    // the report counts every attempt
    expect(resource.requests).toBe(2);
    expect(resource.retries).toBe(1);
  });

  it("an HTML page on page 2 keeps page 1 and fails the resource", async () => {
    const items = makeItems(5);
    mock.route("GET", "/html-later", (req) =>
      req.query["page"] === "2"
        ? { status: 200, headers: { "content-type": "text/html" }, raw: "<html>login</html>" }
        : { body: { data: items, next: "/html-later?page=2" } },
    );
    const { pipeline, report, resource } = await sync({
      path: "/html-later",
      data_selector: "data",
      paginator: { type: "json_link" },
    });
    expect(report.status).toBe("failed");
    expect(resource.error?.code).toBe("response_invalid");
    expect(resource.pages).toBe(1);
    expect(sent("/html-later").map((r) => r.query)).toEqual([{}, { page: "2" }]);
    await expectStored(pipeline, "items", items);
    expect(resource.requests).toBe(2);
  });
});

describe("JSONPath: the first match of a path", () => {
  // findFirst walks paths without a wildcard directly; it must agree with findAll's first match everywhere.
  const doc = {
    data: { items: [{ id: 1, meta: { updated_at: "2024-01-01" } }, { id: 2 }], "odd.key": 3, "[x]": 4 },
    list: [10, 20, 30],
    nothing: null,
    arr: [[1, 2], [3]],
  };
  const paths = [
    "$",
    "data",
    "$.data.items",
    "data.items[0].id",
    "data.items[-1].id",
    "data.items[5]",
    "data.items[-3]",
    "data.items[0].meta.updated_at",
    "data.items[1].meta.updated_at",
    "data['odd.key']",
    'data["[x]"]',
    "list[1]",
    "list.length",
    "nothing.x",
    "missing",
    "missing[0]",
    "arr[0][1]",
    "data.items[*].id",
    "data.items[*].meta.updated_at",
    "[*]",
    "*",
    "data.*",
    "data.items.id",
    "list[0].x",
    "constructor",
    "data.items.constructor",
    "$..id",
    "$..items[?(@.id == 2)].id",
    "data.items[0:1]",
    "list[-2:]",
  ];
  it.each(paths)("%s", (path) => {
    expect(findFirst(doc, path)).toEqual(findAll(doc, path)[0]);
  });
});

describe("JSONPath: what dlt's jsonpath_ng (ext) selects", () => {
  // Expected values as jsonpath_ng 1.8 gives them for the same document and path.
  const doc = {
    data: {
      items: [
        { id: 1, active: true, n: 5, s: "a" },
        { id: 2, active: false, n: 10, s: "b" },
        { id: 3, n: "7" },
      ],
      x: { items: [{ id: 9 }] },
    },
  };
  const ids = (path: string) => findAll(doc, path).map((v) => (v as { id?: number })?.id ?? v);
  it.each<[string, unknown[]]>([
    ["$..items[*]", [1, 2, 3, 9]],
    ["$..id", [1, 2, 3, 9]],
    ["data..id", [1, 2, 3, 9]],
    ["data.items[?(@.active)]", [1, 2]], // the field exists, whatever its value
    ["data.items[?active]", [1, 2]],
    ["data.items[?(@.n > 4)]", [1, 2, 3]], // "7" is read as 7 against an integer
    ["data.items[?(@.n >= 5 & @.n < 10)]", [1, 3]],
    ['data.items[?(@.s == "a")]', [1]],
    ["data.items[?(@.s = 'b')]", [2]],
    ["data.items[?(@.active == true)]", [1]],
    ["data.items[?(@.active != false)]", [1]],
    ['data.items[?(@.n == "7")]', [3]],
    ["$.data.items[0:2]", [1, 2]],
    ["$.data.items[-1:]", [3]],
    ["data.x[?(@.id == 9)]", []], // filters apply to list items only
  ])("%s", (path, expected) => {
    expect(ids(path)).toEqual(expected);
  });

  it("$..items finds every list named items, in document order", () => {
    expect(findAll(doc, "$..items")).toEqual([doc.data.items, doc.data.x.items]);
  });
});
