/**
 * Paginators end to end: a real pipeline run over HTTP against paginated APIs
 * registered on the reference mock. Every test checks what the store ends up
 * with, how many requests/pages were made and which query parameters were sent.
 */

import {
  createPipeline,
  type EndpointConfig,
  type ProgressEvent,
  type ResourceConfig,
  type RestApiConfig,
  type RunReport,
  restApiSource,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import {
  cursorFor,
  expectStored,
  type Item,
  makeItems,
  type PageLinks,
  type PaginatedApi,
  type Pagination,
  servePaginated,
  storedIds,
} from "./_helpers/paginated-api";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

type Client = RestApiConfig["client"];

/** Runs one merge resource "items" (plus `extra` resources) against the mock; no retries, `data` selected unless overridden. */
async function sync(
  endpoint: EndpointConfig,
  options: { client?: Partial<Client>; extra?: ResourceConfig[]; name?: string } = {},
) {
  const pipeline = createPipeline({ name: "paginators", store: memoryAdapter() });
  const name = options.name ?? "items";
  const report = await pipeline.run(
    restApiSource({
      client: { base_url: mock.url, ...options.client },
      resources: [
        {
          name,
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { data_selector: "data", error_handler: { max_retries: 0 }, ...endpoint },
        },
        ...(options.extra ?? []),
      ],
    }),
  );
  return { pipeline, report, resource: report.resources[name]! };
}

/** Serves `body` for every GET of `path`. */
function serveItems(path: string, body: unknown): void {
  mock.route("GET", path, () => ({ body: structuredClone(body) }));
}

const pagesFor = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

/** The run completed, made exactly `pages` requests (one page each, no retries), all answered 200. */
function expectPages(report: RunReport, api: PaginatedApi, pages: number, name = "items"): void {
  const resource = report.resources[name]!;
  expect(resource.error, JSON.stringify(resource.error)).toBeUndefined();
  expect(resource.status).toBe("completed");
  expect(report.status).toBe("completed");
  expect(resource.requests).toBe(pages);
  expect(resource.pages).toBe(pages);
  expect(resource.retries).toBe(0);
  expect(api.requests()).toHaveLength(pages);
  expect(api.requests().every((r) => r.status === 200)).toBe(true);
}

/** Query of every request the API received, in order. */
const queries = (api: PaginatedApi) => api.requests().map((r) => r.query);

const SIZES = [0, 1, 4, 5, 6, 250] as const; // empty, one, page size - 1, exactly one page, page size + 1, hundreds (page size 5)

describe("single_page", () => {
  it.each([0, 1, 7, 120])("makes exactly one request for %i items, even when the body has a next link", async (n) => {
    const api = servePaginated(mock, "/single", makeItems(n), { style: "single", next: `${mock.url}/single?page=2` });
    const { pipeline, report, resource } = await sync({ path: api.path, paginator: { type: "single_page" } });
    expectPages(report, api, 1);
    expect(queries(api)).toEqual([{}]);
    expect(resource.records).toBe(n);
    await expectStored(pipeline, "items", api.items);
  });

  it("accepts the paginator as a bare name", async () => {
    const api = servePaginated(mock, "/single-name", makeItems(3), { style: "single", next: "/single-name?page=2" });
    const { pipeline, report } = await sync({ path: api.path, paginator: "single_page" });
    expectPages(report, api, 1);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("cursor", () => {
  it.each(SIZES)("follows the body cursor through %i items, sending limit on every request", async (n) => {
    const api = servePaginated(mock, "/cursor", makeItems(n), { style: "cursor", pageSize: 50 });
    const { pipeline, report, resource } = await sync({
      path: api.path,
      paginator: { type: "cursor", cursor_path: "next", cursor_param: "cursor", limit: 5 },
    });
    const pages = pagesFor(n, 5);
    expectPages(report, api, pages);
    expect(queries(api)).toEqual(
      Array.from({ length: pages }, (_, k) => (k === 0 ? { limit: "5" } : { limit: "5", cursor: cursorFor(k * 5) })),
    );
    expect(resource.records).toBe(n);
    expect(resource.received).toBe(n);
    await expectStored(pipeline, "items", api.items);
  });

  it.each([
    ["response.next", "next", "limit"],
    ["meta.cursors.after", "after", "page_size"],
    ["$.paging.cursor", "starting_after", "per_page"],
  ])(
    "reads a nested cursor_path %s, sends it as %s and the page size as %s",
    async (cursorPath, cursorParam, limitParam) => {
      const api = servePaginated(mock, "/nested-cursor", makeItems(23), {
        style: "cursor",
        pageSize: 50,
        cursorPath: cursorPath.replace(/^\$\./, ""),
        cursorParam,
        limitParam,
      });
      const { pipeline, report } = await sync({
        path: api.path,
        paginator: {
          type: "cursor",
          cursor_path: cursorPath,
          cursor_param: cursorParam,
          limit: 7,
          ...(limitParam === "limit" ? {} : { limit_param: limitParam }),
        },
      });
      expectPages(report, api, 4);
      expect(queries(api)).toEqual([
        { [limitParam]: "7" },
        { [limitParam]: "7", [cursorParam]: cursorFor(7) },
        { [limitParam]: "7", [cursorParam]: cursorFor(14) },
        { [limitParam]: "7", [cursorParam]: cursorFor(21) },
      ]);
      await expectStored(pipeline, "items", api.items);
    },
  );

  it.each(["missing", "null", "empty"] as const)("stops when the cursor is %s", async (end) => {
    const api = servePaginated(mock, "/cursor-end", makeItems(12), {
      style: "cursor",
      pageSize: 5,
      cursorPath: "meta.next",
      end,
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "cursor", cursor_path: "meta.next" },
    });
    expectPages(report, api, 3);
    // the default cursor_param is "cursor"; no limit configured, so none is sent
    expect(queries(api)).toEqual([{}, { cursor: cursorFor(5) }, { cursor: cursorFor(10) }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("sends a numeric cursor as its decimal text", async () => {
    const api = servePaginated(mock, "/numeric-cursor", makeItems(9), {
      style: "cursor",
      pageSize: 4,
      numeric: true,
      cursorPath: "next_index",
      cursorParam: "from",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "cursor", cursor_path: "next_index", cursor_param: "from" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { from: "4" }, { from: "8" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("runs the seed's shape (limit 1, cursor_param next, cursor_path response.next) against an in-test API", async () => {
    const api = servePaginated(mock, "/search", makeItems(4), {
      style: "cursor",
      pageSize: 25,
      cursorParam: "next",
      cursorPath: "response.next",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "cursor", limit: 1, cursor_param: "next", cursor_path: "response.next" },
    });
    expectPages(report, api, 4);
    expect(queries(api)).toEqual([
      { limit: "1" },
      { limit: "1", next: cursorFor(1) },
      { limit: "1", next: cursorFor(2) },
      { limit: "1", next: cursorFor(3) },
    ]);
    await expectStored(pipeline, "items", api.items);
  });

  it("runs the seed's search_epics resource against the reference mock, one epic per request", async () => {
    const pipeline = createPipeline({ name: "seed-search", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: {
          base_url: mock.url,
          auth: { type: "api_key", name: "api_key", api_key: mock.apiKey, location: "header" },
        },
        resources: [
          {
            name: "search_epics",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: {
              path: "/v1/search/epics",
              data_selector: "data",
              paginator: { type: "cursor", limit: 1, cursor_param: "next", cursor_path: "response.next" },
              error_handler: { retry_on_status_codes: [429], max_retries: 0, backoff_factor: 0 },
            },
          },
        ],
      }),
    );
    const expected = mock.expected("search_epics");
    expect(expected.length).toBeGreaterThan(1);
    const resource = report.resources["search_epics"]!;
    expect(resource.status).toBe("completed");
    expect(resource.requests).toBe(expected.length);
    expect(resource.pages).toBe(expected.length);
    const sent = mock.requests.filter((r) => r.path === "/v1/search/epics");
    expect(sent).toHaveLength(expected.length);
    expect(sent.every((r) => r.status === 200 && r.query["limit"] === "1")).toBe(true);
    expect(sent[0]!.query).toEqual({ limit: "1" });
    expect(sent.slice(1).every((r) => typeof r.query["next"] === "string" && r.query["next"] !== "")).toBe(true);
    expect(await pipeline.count("search_epics")).toBe(expected.length);
    const ids: string[] = [];
    for await (const record of pipeline.records("search_epics")) ids.push(String(record.id));
    expect(ids.sort()).toEqual(expected.map((e) => String(e.id)).sort());
  });
});

describe("json_link", () => {
  it.each(SIZES)("follows absolute next URLs through %i items and stops on a null next", async (n) => {
    const api = servePaginated(mock, "/linked", makeItems(n), { style: "json_link", pageSize: 5 });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "json_link", next_url_path: "next" },
    });
    const pages = pagesFor(n, 5);
    expectPages(report, api, pages);
    expect(queries(api)).toEqual(Array.from({ length: pages }, (_, k) => (k === 0 ? {} : { page: String(k + 1) })));
    await expectStored(pipeline, "items", api.items);
  });

  it.each([
    ["root-relative (/linked?page=2)", "root-relative"],
    ["query-relative (?page=2)", "query-relative"],
  ] as const)("resolves a %s next URL against the request URL", async (_label, link) => {
    const api = servePaginated(mock, "/api/linked", makeItems(13), { style: "json_link", pageSize: 5, link });
    const { pipeline, report } = await sync({ path: api.path, paginator: { type: "json_link" } });
    expectPages(report, api, 3);
    expect(api.requests().map((r) => r.path)).toEqual(["/api/linked", "/api/linked", "/api/linked"]);
    expect(queries(api)).toEqual([{}, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("resolves a path-relative next URL (page2) against the request URL", async () => {
    const api = servePaginated(mock, "/static/feed", makeItems(13), {
      style: "json_link",
      pageSize: 5,
      link: "path-relative",
    });
    expect(api.path).toBe("/static/feed/page1");
    const { pipeline, report } = await sync({ path: api.path, paginator: { type: "json_link" } });
    expectPages(report, api, 3);
    expect(api.requests().map((r) => r.path)).toEqual([
      "/static/feed/page1",
      "/static/feed/page2",
      "/static/feed/page3",
    ]);
    expect(queries(api)).toEqual([{}, {}, {}]);
    await expectStored(pipeline, "items", api.items);
  });

  it.each(["missing", "null", "empty"] as const)(
    "stops when the next URL is %s, at a nested next_url_path",
    async (end) => {
      const api = servePaginated(mock, "/linked-end", makeItems(10), {
        style: "json_link",
        pageSize: 5,
        nextPath: "links.next",
        end,
      });
      const { pipeline, report } = await sync({
        path: api.path,
        paginator: { type: "json_link", next_url_path: "links.next" },
      });
      expectPages(report, api, 2);
      expect(queries(api)).toEqual([{}, { page: "2" }]);
      await expectStored(pipeline, "items", api.items);
    },
  );

  it("uses the next URL's own query: configured params are sent once, not duplicated", async () => {
    const api = servePaginated(mock, "/linked-params", makeItems(12), { style: "json_link", pageSize: 5 });
    const { pipeline, report } = await sync({
      path: api.path,
      params: { status: "open", include: ["a", "b"] },
      paginator: { type: "json_link" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([
      { status: "open", include: "b" },
      { status: "open", include: "b", page: "2" },
      { status: "open", include: "b", page: "3" },
    ]);
    for (const hit of api.hits) {
      const search = new URLSearchParams(hit.search);
      expect(search.getAll("status"), hit.search).toEqual(["open"]);
      expect(search.getAll("include"), hit.search).toEqual(["a", "b"]);
      expect(search.getAll("page").length, hit.search).toBeLessThanOrEqual(1);
    }
    await expectStored(pipeline, "items", api.items);
  });

  it("does not add the original params back when the next URL leaves them out", async () => {
    const api = servePaginated(mock, "/linked-drop", makeItems(12), {
      style: "json_link",
      pageSize: 5,
      keepQuery: false,
    });
    const { pipeline, report } = await sync({
      path: api.path,
      params: { status: "open" },
      paginator: { type: "json_link" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{ status: "open" }, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("header_link", () => {
  it.each(SIZES)("follows rel=next through %i items (GitHub-style header with next, prev, first, last)", async (n) => {
    const api = servePaginated(mock, "/gh", makeItems(n), { style: "header_link", pageSize: 5 });
    const { pipeline, report } = await sync({ path: api.path, paginator: { type: "header_link" } });
    const pages = pagesFor(n, 5);
    expectPages(report, api, pages);
    expect(queries(api)).toEqual(Array.from({ length: pages }, (_, k) => (k === 0 ? {} : { page: String(k + 1) })));
    await expectStored(pipeline, "items", api.items);
  });

  const join = (parts: Array<string | false | undefined>, separator = ", ") => parts.filter(Boolean).join(separator);
  const formats: Array<[string, (links: PageLinks) => string | undefined]> = [
    [
      "unquoted rel values, no space after ; or ,",
      (l) => join([`<${l.first}>;rel=first`, l.next && `<${l.next}>;rel=next`, `<${l.last}>;rel=last`], ","),
    ],
    [
      "spaces around ; and = and before the comma",
      (l) => join([l.next && `<${l.next}>  ;  rel = "next"`, `<${l.last}> ;rel= "last"`], " ,  "),
    ],
    [
      "next listed after last and prev",
      (l) =>
        join([`<${l.last}>; rel="last"`, l.prev && `<${l.prev}>; rel="prev"`, l.next && `<${l.next}>; rel="next"`]),
    ],
    [
      "several relation types in one rel, mixed case",
      (l) => join([l.next && `<${l.next}>; rel="prefetch Next"`, `<${l.last}>; REL="Last"`]),
    ],
    [
      "other parameters before and after rel",
      (l) =>
        join([
          l.next && `<${l.next}>; type="application/json"; rel="next"; hreflang=en`,
          `<${l.first}>; title*=UTF-8''first%20page; rel="first"`,
        ]),
    ],
    [
      "a quoted title with a comma and a semicolon before rel",
      (l) => join([l.next && `<${l.next}>; title="page 2, of many; really"; rel="next"`, `<${l.last}>; rel="last"`]),
    ],
    [
      "relative URLs (resolved against the request URL)",
      (l) =>
        join([
          l.next && `<${l.next.slice(mock.url.length)}>; rel="next"`,
          `<${l.last.slice(mock.url.length)}>; rel="last"`,
        ]),
    ],
    [
      "commas inside the URL",
      (l) =>
        join([
          l.next && `<${l.next.replace(/%2C/g, ",")}>; rel="next"`,
          `<${l.last.replace(/%2C/g, ",")}>; rel="last"`,
        ]),
    ],
    ["no Link header at all on the last page", (l) => (l.next ? `<${l.next}>; rel="next"` : undefined)],
  ];

  it.each(formats)("parses a Link header with %s", async (_label, format) => {
    const api = servePaginated(mock, "/links", makeItems(23), { style: "header_link", pageSize: 5, format });
    const { pipeline, report } = await sync({
      path: api.path,
      params: { fields: "id,name" },
      paginator: { type: "header_link" },
    });
    expectPages(report, api, 5);
    expect(queries(api)).toEqual([
      { fields: "id,name" },
      ...[2, 3, 4, 5].map((page) => ({ fields: "id,name", page: String(page) })),
    ]);
    await expectStored(pipeline, "items", api.items);
  });

  it("stops when the header has links but none with rel=next", async () => {
    const api = servePaginated(mock, "/links-prev", makeItems(9), {
      style: "header_link",
      pageSize: 5,
      format: (l) =>
        join([
          l.next && `<${l.next}>; rel="next"`,
          `<${l.first}>; rel="first"`,
          `<${l.last}>; rel="last"`,
          `<${l.first}>; rel="nextish"`,
        ]),
    });
    const { pipeline, report } = await sync({ path: api.path, paginator: { type: "header_link" } });
    expectPages(report, api, 2);
    expect(queries(api)).toEqual([{}, { page: "2" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("follows the rel named by links_next_key", async () => {
    const api = servePaginated(mock, "/links-forward", makeItems(11), {
      style: "header_link",
      pageSize: 5,
      format: (l) => join([l.next && `<${l.next}>; rel="forward"`, `<${l.last}>; rel="next"`]),
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "header_link", links_next_key: "forward" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("pages through a bare top-level list (no data_selector)", async () => {
    const api = servePaginated(
      mock,
      "/links-bare",
      makeItems(12),
      { style: "header_link", pageSize: 5 },
      { dataPath: "" },
    );
    const { pipeline, report } = await sync({
      path: api.path,
      data_selector: undefined,
      paginator: { type: "header_link" },
    });
    expectPages(report, api, 3);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("header_cursor", () => {
  it.each(SIZES)("sends the cursor from a response header back as cursor_param through %i items", async (n) => {
    const api = servePaginated(mock, "/hcursor", makeItems(n), {
      style: "header_cursor",
      pageSize: 5,
      header: "x-next-cursor",
      cursorParam: "after",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "header_cursor", cursor_key: "X-Next-Cursor", cursor_param: "after" },
    });
    const pages = pagesFor(n, 5);
    expectPages(report, api, pages);
    expect(queries(api)).toEqual(Array.from({ length: pages }, (_, k) => (k === 0 ? {} : { after: cursorFor(k * 5) })));
    await expectStored(pipeline, "items", api.items);
  });

  it("uses the defaults: header `next`, param `cursor`", async () => {
    const api = servePaginated(mock, "/hcursor-default", makeItems(7), {
      style: "header_cursor",
      pageSize: 3,
      header: "next",
      cursorParam: "cursor",
    });
    const { pipeline, report } = await sync({ path: api.path, paginator: { type: "header_cursor" } });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { cursor: cursorFor(3) }, { cursor: cursorFor(6) }]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("a paginator given by name alone behaves like { type } with its defaults", () => {
  const cases: Array<[string, Pagination, string[]]> = [
    ["json_link", { style: "json_link", pageSize: 3 }, ["", "page=2", "page=3"]], // next_url_path "next"
    ["header_link", { style: "header_link", pageSize: 3 }, ["", "page=2", "page=3"]], // links_next_key "next"
    [
      "header_cursor",
      { style: "header_cursor", pageSize: 3, header: "next" },
      ["", `cursor=${cursorFor(3)}`, `cursor=${cursorFor(6)}`],
    ], // cursor_key "next", cursor_param "cursor"
  ];

  it.each(cases)("%s", async (name, style, searches) => {
    const api = servePaginated(mock, `/by-name-${name}`, makeItems(7), style);
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: name as "json_link" | "header_link" | "header_cursor",
    });
    expectPages(report, api, 3);
    expect(api.hits.map((h) => h.search.replace(/^\?/, ""))).toEqual(searches);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("offset", () => {
  const offsets = (count: number, limit: number, start = 0, offsetParam = "offset", limitParam = "limit") =>
    Array.from({ length: count }, (_, k) => ({
      [offsetParam]: String(start + k * limit),
      [limitParam]: String(limit),
    }));

  it.each([
    [0, 1],
    [1, 1],
    [9, 1],
    [10, 1], // total reached exactly at a page boundary: no extra request
    [11, 2],
    [20, 2],
    [25, 3],
    [250, 25],
  ])("stops at the total for %i items after %i requests (limit 10)", async (n, requests) => {
    const api = servePaginated(mock, "/offset", makeItems(n), { style: "offset", total: "number" });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "offset", limit: 10, total_path: "total" },
    });
    expectPages(report, api, requests);
    expect(queries(api)).toEqual(offsets(requests, 10));
    await expectStored(pipeline, "items", api.items);
  });

  it("reads a total given as a numeric string at a nested total_path", async () => {
    const api = servePaginated(mock, "/offset-string", makeItems(25), {
      style: "offset",
      total: "string",
      totalPath: "meta.total",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "offset", limit: 10, total_path: "meta.total" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual(offsets(3, 10));
    await expectStored(pipeline, "items", api.items);
  });

  it("uses custom offset_param/limit_param and a starting offset", async () => {
    const api = servePaginated(mock, "/offset-custom", makeItems(27), {
      style: "offset",
      offsetParam: "skip",
      limitParam: "take",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "offset", limit: 10, offset: 5, offset_param: "skip", limit_param: "take" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual(offsets(3, 10, 5, "skip", "take"));
    await expectStored(pipeline, "items", api.items.slice(5));
  });

  it.each([
    [30, 3], // a multiple of limit: offset 30 is never requested
    [25, 3], // not a multiple: offset 20 is the last below it
    [10, 1],
  ])("stops before maximum_offset %i (%i requests) when the API reports no total", async (maximum, requests) => {
    const api = servePaginated(mock, "/offset-max", makeItems(100), { style: "offset", total: "none" });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "offset", limit: 10, total_path: null, maximum_offset: maximum },
    });
    expectPages(report, api, requests);
    expect(queries(api)).toEqual(offsets(requests, 10));
    await expectStored(pipeline, "items", api.items.slice(0, requests * 10));
  });

  it.each([
    [0, 1],
    [7, 1],
    [20, 2],
    [21, 3],
  ])("stops when has_more_path says false (%i items, %i requests)", async (n, requests) => {
    const api = servePaginated(mock, "/offset-more", makeItems(n), {
      style: "offset",
      total: "none",
      hasMorePath: "meta.has_more",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "offset", limit: 10, total_path: null, has_more_path: "meta.has_more" },
    });
    expectPages(report, api, requests);
    expect(queries(api)).toEqual(offsets(requests, 10));
    await expectStored(pipeline, "items", api.items);
  });

  it.each([
    [0, 1],
    [15, 3], // a short page does not stop it: only an empty one does
    [20, 3],
  ])("without a total, stops after the first empty page (%i items, %i requests)", async (n, requests) => {
    const api = servePaginated(mock, "/offset-empty", makeItems(n), { style: "offset", total: "none" });
    // total_path defaults to "total"; an API without one says total_path: null (as dlt requires)
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "offset", limit: 10, total_path: null },
    });
    expectPages(report, api, requests);
    expect(queries(api)).toEqual(offsets(requests, 10));
    await expectStored(pipeline, "items", api.items);
  });

  it("a total the page lacks, or that is not a number, fails the resource naming the path and the page (dlt raises)", async () => {
    for (const [path, body] of [
      ["/no-total", { data: makeItems(10) }],
      ["/bad-total", { data: makeItems(10), total: "many" }],
    ] as const) {
      mock.route("GET", path, () => ({ body }));
      const { report } = await sync({ path, paginator: { type: "offset", limit: 10 } });
      const error = report.resources["items"]!.error!;
      expect(error.code).toBe("response_invalid");
      expect(error.message).toMatch(
        path === "/no-total"
          ? /^items: total_path "total" is not in the response \(set total_path: null .*\/no-total\?offset=0/
          : /^items: total_path "total" is not an integer: "many" \(.*\/bad-total/,
      );
    }
  });

  it('a has_more flag the page lacks, or that is not a boolean, fails the resource (dlt raises); "false" is false', async () => {
    const serve = (path: string, flag: unknown) =>
      mock.route("GET", path, () => ({ body: { data: makeItems(10), ...(flag === undefined ? {} : { more: flag }) } }));
    serve("/no-flag", undefined);
    serve("/bad-flag", 0);
    serve("/word-flag", "false");
    const paginator = { type: "offset", limit: 10, total_path: null, has_more_path: "more" } as const;
    for (const path of ["/no-flag", "/bad-flag"]) {
      const { report } = await sync({ path, paginator });
      expect(report.resources["items"]!.error?.message).toMatch(
        /^items: has_more_path "more" is (not in the response|not a boolean: 0)/,
      );
    }
    const { report } = await sync({ path: "/word-flag", paginator });
    expect(report.resources["items"]).toMatchObject({ status: "completed", requests: 1 });
  });

  it("one that cannot end (total_path null, no maximum_offset, has_more_path or stop_after_empty_page) is a ConfigError", () => {
    expect(() =>
      restApiSource({
        client: { base_url: mock.url },
        resources: [
          {
            name: "items",
            endpoint: {
              path: "/x",
              paginator: {
                type: "offset",
                limit: 10,
                total_path: null,
                stop_after_empty_page: false,
                maximum_offset: null,
              },
            },
          },
        ],
      }),
    ).toThrow(/resources\[0\]\.endpoint\.paginator\.stop_after_empty_page: this offset paginator can never stop/);
  });

  it("with stop_after_empty_page false, an empty page does not stop it before the total", async () => {
    // The API answers an empty page in the middle (a gap), then the rest; the total says there is more.
    const items = makeItems(30);
    mock.route("GET", "/offset-gap", (req) => {
      const offset = Number(req.query["offset"]);
      const page = offset === 10 ? [] : items.slice(offset, offset + 10);
      return { body: { data: page, total: items.length } };
    });
    const { pipeline, report } = await sync({
      path: "/offset-gap",
      paginator: { type: "offset", limit: 10, stop_after_empty_page: false },
    });
    const sent = mock.requests.filter((r) => r.path === "/offset-gap");
    expect(report.resources["items"]!.status).toBe("completed");
    expect(report.resources["items"]!.requests).toBe(3);
    expect(sent.map((r) => r.query)).toEqual(offsets(3, 10));
    await expectStored(pipeline, "items", [...items.slice(0, 10), ...items.slice(20)]);
  });
});

describe("page_number", () => {
  it.each([
    [0, 0],
    [0, 1],
    [0, 10],
    [0, 11],
    [0, 101],
    [1, 0],
    [1, 1],
    [1, 9],
    [1, 10],
    [1, 101],
  ])("base_page %i: pages through %i items and stops at the total page count", async (basePage, n) => {
    const api = servePaginated(mock, "/pages", makeItems(n), {
      style: "page_number",
      pageSize: 10,
      basePage,
      totalPages: "number",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "page_number", base_page: basePage, total_path: "total" },
    });
    const pages = pagesFor(n, 10);
    expectPages(report, api, pages);
    expect(queries(api)).toEqual(Array.from({ length: pages }, (_, k) => ({ page: String(basePage + k) })));
    await expectStored(pipeline, "items", api.items);
  });

  it("starts at `page` and reads the total pages as a numeric string at a nested path, with a custom page_param", async () => {
    const api = servePaginated(mock, "/pages-custom", makeItems(45), {
      style: "page_number",
      pageSize: 10,
      basePage: 1,
      pageParam: "p",
      totalPages: "string",
      totalPath: "meta.total_pages",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "page_number", base_page: 1, page: 3, page_param: "p", total_path: "meta.total_pages" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{ p: "3" }, { p: "4" }, { p: "5" }]);
    await expectStored(pipeline, "items", api.items.slice(20));
  });

  // dlt's RangePaginator stops once the page number "is reached or exceeded" (current >= maximum_page):
  // maximum_page itself is not fetched, as with maximum_offset. A dlt config ported as is must fetch the same pages.
  it.each([
    [1, 3, [1, 2]],
    [0, 2, [0, 1]],
    [1, 1, [1]],
  ])(
    "base_page %i, maximum_page %i: fetches pages %j and stops when the maximum is reached (as dlt)",
    async (basePage, maximum, expectedPages) => {
      const api = servePaginated(mock, "/pages-max", makeItems(100), {
        style: "page_number",
        pageSize: 10,
        basePage,
        totalPages: "none",
      });
      const { pipeline, report } = await sync({
        path: api.path,
        paginator: { type: "page_number", base_page: basePage, total_path: null, maximum_page: maximum },
      });
      expectPages(report, api, expectedPages.length);
      expect(queries(api)).toEqual(expectedPages.map((page) => ({ page: String(page) })));
      await expectStored(pipeline, "items", api.items.slice(0, expectedPages.length * 10));
    },
  );

  it.each([
    [0, 1],
    [25, 4],
    [30, 4],
  ])("without a total, stops after the first empty page (%i items, %i requests)", async (n, requests) => {
    const api = servePaginated(mock, "/pages-empty", makeItems(n), {
      style: "page_number",
      pageSize: 10,
      basePage: 1,
      totalPages: "none",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "page_number", base_page: 1, total_path: null },
    });
    expectPages(report, api, requests);
    expect(queries(api)).toEqual(Array.from({ length: requests }, (_, k) => ({ page: String(1 + k) })));
    await expectStored(pipeline, "items", api.items);
  });

  it("stops when has_more_path says false", async () => {
    const api = servePaginated(mock, "/pages-more", makeItems(25), {
      style: "page_number",
      pageSize: 10,
      basePage: 1,
      totalPages: "none",
      hasMorePath: "has_more",
    });
    const { pipeline, report } = await sync({
      path: api.path,
      paginator: { type: "page_number", base_page: 1, total_path: null, has_more_path: "has_more" },
    });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{ page: "1" }, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("auto (also the default when no paginator is configured)", () => {
  it("detects a Link header", async () => {
    const api = servePaginated(mock, "/auto-link", makeItems(12), { style: "header_link", pageSize: 5 });
    const { pipeline, report } = await sync({ path: api.path });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it.each([
    ["an absolute URL at next", "next", "absolute"],
    ["a root-relative URL at links.next", "links.next", "root-relative"],
    ["an absolute URL at pagination.next", "pagination.next", "absolute"],
  ] as const)("detects a JSON next URL: %s", async (_label, nextPath, link) => {
    const api = servePaginated(mock, "/auto-json", makeItems(12), { style: "json_link", pageSize: 5, nextPath, link });
    const { pipeline, report } = await sync({ path: api.path, paginator: "auto" });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("falls back to a single page when there is no link", async () => {
    const api = servePaginated(
      mock,
      "/auto-single",
      makeItems(8),
      { style: "single" },
      { extra: { total: 8, note: "/not/a/link" } },
    );
    const { pipeline, report } = await sync({ path: api.path });
    expectPages(report, api, 1);
    expect(queries(api)).toEqual([{}]);
    await expectStored(pipeline, "items", api.items);
  });

  it("takes a scalar `next` that is not a URL as a cursor sent back as `cursor`, and says it guessed", async () => {
    const api = servePaginated(mock, "/auto-token", makeItems(12), { style: "cursor", pageSize: 5 });
    const { pipeline, report, resource } = await sync({ path: api.path, paginator: { type: "auto" } });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { cursor: cursorFor(5) }, { cursor: cursorFor(10) }]);
    expect(resource.warnings).toEqual([expect.stringMatching(/paginator "auto" guessed .*"cursor_path":"\$\.next"/)]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("auto detects what dlt's detector detects, in its order", () => {
  it.each([
    ["next_page (dlt's own mock API)", "next_page"],
    ["nextPage", "nextPage"],
    ["next_url", "next_url"],
    ["a nested paging.next_link", "paging.next_link"],
  ] as const)("a JSON next URL under any key starting with next: %s", async (_label, nextPath) => {
    const api = servePaginated(mock, "/auto-next-key", makeItems(12), { style: "json_link", pageSize: 5, nextPath });
    const { pipeline, report, resource } = await sync({ path: api.path });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { page: "2" }, { page: "3" }]);
    expect(resource.warnings).toBeUndefined();
    await expectStored(pipeline, "items", api.items);
  });

  it("a `next: { href }` object (HAL's _links.next.href)", async () => {
    const api = servePaginated(mock, "/auto-hal", makeItems(12), {
      style: "json_link",
      pageSize: 5,
      nextPath: "_links.next.href",
      link: "root-relative",
    });
    const { pipeline, report } = await sync({ path: api.path });
    expectPages(report, api, 3);
    await expectStored(pipeline, "items", api.items);
  });

  it("a scalar next cursor under another key (next_cursor)", async () => {
    const api = servePaginated(mock, "/auto-next-cursor", makeItems(11), {
      style: "cursor",
      pageSize: 4,
      cursorPath: "meta.next_cursor",
    });
    const { pipeline, report, resource } = await sync({ path: api.path });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { cursor: cursorFor(4) }, { cursor: cursorFor(8) }]);
    expect(resource.warnings?.[0]).toContain('"cursor_path":"$.meta.next_cursor"');
    await expectStored(pipeline, "items", api.items);
  });

  /** dlt's mock shape without a next link: `{ data, page, total_pages }`, pages counted from `base`. */
  function totalPagesApi(path: string, items: Item[], base: number, currentKey: string | undefined) {
    mock.route("GET", path, (req) => {
      const page = Number(req.query["page"] ?? base);
      const slice = items.slice((page - base) * 5, (page - base + 1) * 5);
      return {
        body: {
          data: slice,
          ...(currentKey ? { [currentKey]: page } : {}),
          pagination: { total_pages: Math.ceil(items.length / 5) },
        },
      };
    });
    return () => mock.requests.filter((r) => r.path === path).map((r) => r.query);
  }

  it("a total page count: page numbers from the one the first page says it is (1-based: every page once)", async () => {
    const items = makeItems(13);
    mock.route("GET", "/auto-pages-1", (req) => {
      const page = Number(req.query["page"] ?? 1);
      return { body: { data: items.slice((page - 1) * 5, page * 5), page, total_pages: 3 } };
    });
    const { pipeline, report, resource } = await sync({ path: "/auto-pages-1" });
    expect(report.status).toBe("completed");
    expect(mock.requests.filter((r) => r.path === "/auto-pages-1").map((r) => r.query)).toEqual([
      {},
      { page: "2" },
      { page: "3" },
    ]);
    expect(resource.warnings?.[0]).toMatch(/guessed .*"page_number".*"total_path":"\$\.total_pages"/);
    await expectStored(pipeline, "items", items);
  });

  it("a nested total page count without a current page: counted from 0, as dlt does", async () => {
    const items = makeItems(12);
    const sent = totalPagesApi("/auto-pages-0", items, 0, undefined);
    const { pipeline, report } = await sync({ path: "/auto-pages-0" });
    expect(report.status).toBe("completed");
    expect(sent()).toEqual([{}, { page: "1" }, { page: "2" }]);
    await expectStored(pipeline, "items", items);
  });

  it("a next link wins over a page count, and a Link header over both", async () => {
    const items = makeItems(7);
    mock.route("GET", "/auto-order", (req) => {
      const page = Number(req.query["page"] ?? 1);
      const next = page < 2 ? `${mock.url}/auto-order?page=${page + 1}` : null;
      return {
        headers: next ? { link: `<${next}>; rel="next"` } : ({} as Record<string, string>),
        body: { data: items.slice((page - 1) * 5, page * 5), total_pages: 99, next_page: next && `${next}&via=body` },
      };
    });
    const { pipeline, report, resource } = await sync({ path: "/auto-order" });
    expect(report.status).toBe("completed");
    expect(mock.requests.filter((r) => r.path === "/auto-order").map((r) => r.query)).toEqual([{}, { page: "2" }]);
    expect(resource.warnings).toBeUndefined();
    await expectStored(pipeline, "items", items);
  });

  it("nothing to go on: one page, and a warning in the report and to onProgress saying so", async () => {
    serveItems("/auto-nothing", { results: makeItems(3), count: 3 });
    const events: ProgressEvent[] = [];
    const pipeline = createPipeline({ name: "paginators", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({ client: { base_url: mock.url }, resources: [{ name: "items", endpoint: "/auto-nothing" }] }),
      {
        onProgress: (event) => events.push(event),
      },
    );
    const resource = report.resources["items"]!;
    expect(report.status).toBe("completed");
    expect(resource.requests).toBe(1);
    expect(resource.records).toBe(3);
    expect(resource.warnings).toEqual([expect.stringMatching(/paginator "auto" found no next link.*one page/)]);
    expect(events).toContainEqual({ type: "warning", resource: "items", message: resource.warnings![0] });
  });
});

describe("single-entity paths (/users/{id}) are read as dlt reads them", () => {
  /** `/se/users` lists two users; `/se/users/{id}` answers one user object holding a list of roles. */
  function usersApi() {
    mock.route("GET", "/se/users", () => ({ body: { data: [{ id: 1 }, { id: 2 }] } }));
    mock.route("GET", /^\/se\/users\/(?<id>\d+)$/, (req) => ({
      body: { id: Number(req.params["id"]), name: `user ${req.params["id"]}`, roles: [{ role: "admin" }] },
    }));
    return () =>
      mock.requests
        .filter((r) => /^\/se\/users\/\d+$/.test(r.path))
        .map((r) => `${r.path}${Object.keys(r.query).length > 0 ? `?${new URLSearchParams(r.query)}` : ""}`);
  }
  const users = { name: "users", endpoint: { path: "/se/users", data_selector: "data" } };
  const detail = (endpoint: EndpointConfig = {}): ResourceConfig => ({
    name: "user_detail",
    endpoint: {
      path: "/se/users/{user_id}",
      params: { user_id: { type: "resolve", resource: "users", field: "id" } },
      ...endpoint,
    },
  });
  async function run(config: Omit<RestApiConfig, "client">, client: Partial<Client> = {}) {
    const pipeline = createPipeline({ name: "single-entity", store: memoryAdapter() });
    const report = await pipeline.run(restApiSource({ client: { base_url: mock.url, ...client }, ...config }));
    const rows: unknown[] = [];
    for await (const record of pipeline.records("user_detail")) rows.push(record);
    return { report, rows };
  }

  it("ignores client.paginator and selects the whole body: one request and one row per parent", async () => {
    const sent = usersApi();
    const { report, rows } = await run(
      { resources: [users, detail()] },
      { paginator: { type: "page_number", base_page: 1, maximum_page: 4, total_path: null } },
    );
    expect(report.status).toBe("completed");
    expect(sent().sort()).toEqual(["/se/users/1", "/se/users/2"]);
    expect(report.resources["user_detail"]!.requests).toBe(2);
    expect(rows).toEqual([
      { id: 1, name: "user 1", roles: [{ role: "admin" }] },
      { id: 2, name: "user 2", roles: [{ role: "admin" }] },
    ]);
    expect(report.resources["user_detail"]!.warnings).toBeUndefined();
  });

  it("keeps a paginator or data_selector the resource or its defaults set", async () => {
    const sent = usersApi();
    const { report, rows } = await run({
      resource_defaults: {
        endpoint: { paginator: { type: "page_number", base_page: 1, maximum_page: 3, total_path: null } },
      },
      resources: [
        { ...users, endpoint: { ...users.endpoint, paginator: "single_page" } },
        detail({ data_selector: "roles" }),
      ],
    });
    expect(report.status).toBe("completed");
    // Parents' chains run concurrently: order across parents is not fixed.
    expect(sent().sort()).toEqual([
      "/se/users/1?page=1",
      "/se/users/1?page=2",
      "/se/users/2?page=1",
      "/se/users/2?page=2",
    ]);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ role: "admin" });
  });

  it.each([
    ["/se/users/{user_id}/", true],
    ["/se/users/{user_id}.json", true],
    ["/se/users/{user_id}/roles", false],
  ])("%s is single-entity: %s (dlt's rule: a placeholder in the last segment)", (path, single) => {
    const source = restApiSource({
      client: { base_url: mock.url, paginator: { type: "offset", limit: 5 } },
      resources: [users, detail({ path })],
    });
    const resource = source.resources.find((r) => r.name === "user_detail")!;
    expect(resource.paginator.type).toBe(single ? "single_page" : "offset");
    expect(resource.dataSelector).toBe(single ? "$" : undefined);
  });
});

describe("loop guard", () => {
  /** A cursor API stuck on one cursor: every page after the first hands out "same" again. */
  function stuckCursorApi(path: string): Item[] {
    const items = makeItems(6);
    mock.route("GET", path, (req) => {
      const page = req.query["cursor"] === "same" ? 1 : 0;
      return { body: { data: items.slice(page * 3, page * 3 + 3), next: "same" } };
    });
    return items;
  }

  it("fails a cursor resource that gets the same cursor twice in a row, keeping the pages already fetched; other resources complete", async () => {
    const items = stuckCursorApi("/stuck");
    const good = servePaginated(mock, "/good", makeItems(7), { style: "cursor", pageSize: 3 });
    const { pipeline, report, resource } = await sync(
      { path: "/stuck", paginator: { type: "cursor", cursor_path: "next" } },
      {
        extra: [
          {
            name: "good",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: { path: good.path, data_selector: "data", paginator: { type: "cursor", cursor_path: "next" } },
          },
        ],
      },
    );
    expect(resource.status).toBe("failed");
    expect(resource.error?.code).toBe("paginator_loop");
    expect(resource.error?.message).toContain("items");
    expect(resource.requests).toBe(2);
    expect(resource.pages).toBe(2);
    const sent = mock.requests.filter((r) => r.path === "/stuck");
    expect(sent.map((r) => r.query)).toEqual([{}, { cursor: "same" }]);
    await expectStored(pipeline, "items", items);

    expect(report.resources["good"]!.status).toBe("completed");
    expect(report.resources["good"]!.requests).toBe(3);
    await expectStored(pipeline, "good", good.items);
    expect(report.status).toBe("partial");
  });

  it("fails a json_link resource whose next link points back to an earlier page", async () => {
    const items = makeItems(9);
    mock.route("GET", "/circular", (req) => {
      const page = Number(req.query["page"] ?? "1");
      const next = page === 3 ? "/circular?page=2" : `/circular?page=${page + 1}`;
      return { body: { data: items.slice((page - 1) * 3, page * 3), next } };
    });
    const good = servePaginated(mock, "/good-links", makeItems(11), { style: "json_link", pageSize: 5 });
    const { pipeline, report, resource } = await sync(
      { path: "/circular", paginator: { type: "json_link" } },
      {
        extra: [
          {
            name: "good",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: { path: good.path, data_selector: "data", paginator: { type: "json_link" } },
          },
        ],
      },
    );
    expect(resource.status).toBe("failed");
    expect(resource.error?.code).toBe("paginator_loop");
    expect(resource.error?.message).toContain("items");
    expect(resource.error?.message).toContain("/circular?page=2");
    expect(resource.requests).toBe(3);
    expect(mock.requests.filter((r) => r.path === "/circular").map((r) => r.query)).toEqual([
      {},
      { page: "2" },
      { page: "3" },
    ]);
    await expectStored(pipeline, "items", items);

    expect(report.resources["good"]!.status).toBe("completed");
    await expectStored(pipeline, "good", good.items);
    expect(report.status).toBe("partial");
  });

  it("fails a json_link resource whose last page links back to the first URL", async () => {
    const items = makeItems(6);
    mock.route("GET", "/back-to-start", (req) => {
      const page = Number(req.query["page"] ?? "1");
      return {
        body: {
          data: items.slice((page - 1) * 3, page * 3),
          next: page === 2 ? `${mock.url}/back-to-start` : "/back-to-start?page=2",
        },
      };
    });
    const { pipeline, report, resource } = await sync({ path: "/back-to-start", paginator: { type: "json_link" } });
    expect(report.status).toBe("failed");
    expect(resource.error?.code).toBe("paginator_loop");
    expect(resource.requests).toBe(2);
    expect(mock.requests.filter((r) => r.path === "/back-to-start").map((r) => r.query)).toEqual([{}, { page: "2" }]);
    expect(await storedIds(pipeline, "items")).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("loop guard, when the first request carried endpoint params", () => {
  it("recognises a next link back to the first page's URL without fetching that page again (append would store it twice)", async () => {
    const items = makeItems(6);
    mock.route("GET", "/loop-params", (req) => {
      const page = Number(req.query["page"] ?? "1");
      const next = page === 2 ? "/loop-params?per_page=3" : "/loop-params?per_page=3&page=2";
      return { body: { data: items.slice((page - 1) * 3, page * 3), next } };
    });
    const pipeline = createPipeline({ name: "loop-append", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url },
        resources: [
          {
            name: "items",
            write_disposition: "append",
            endpoint: {
              path: "/loop-params",
              params: { per_page: 3 },
              data_selector: "data",
              paginator: { type: "json_link" },
              error_handler: { max_retries: 0 },
            },
          },
        ],
      }),
    );
    const resource = report.resources["items"]!;
    expect(resource.status).toBe("failed");
    expect(resource.error?.code).toBe("paginator_loop");
    expect(resource.error?.message).toContain("/loop-params?per_page=3");
    // /loop-params?per_page=3 is exactly the first request's URL: it must not be requested (or appended) again
    expect(mock.requests.filter((r) => r.path === "/loop-params").map((r) => r.query)).toEqual([
      { per_page: "3" },
      { per_page: "3", page: "2" },
    ]);
    expect(resource.requests).toBe(2);
    expect(await pipeline.count("items")).toBe(6);
  });
});

describe("paginator from client.paginator", () => {
  it("is the default for every endpoint, and an endpoint's own paginator overrides it", async () => {
    const pages = servePaginated(mock, "/by-page", makeItems(25), { style: "page_number", pageSize: 10, basePage: 1 });
    const offset = servePaginated(mock, "/by-offset", makeItems(9), { style: "offset" });
    const { pipeline, report } = await sync(
      { path: pages.path },
      {
        client: { paginator: { type: "page_number", base_page: 1, total_path: "total" } },
        extra: [
          {
            name: "other",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: { path: offset.path, data_selector: "data", paginator: { type: "offset", limit: 4 } },
          },
        ],
      },
    );
    expectPages(report, pages, 3);
    expect(queries(pages)).toEqual([{ page: "1" }, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", pages.items);

    expectPages(report, offset, 3, "other");
    expect(queries(offset)).toEqual([
      { offset: "0", limit: "4" },
      { offset: "4", limit: "4" },
      { offset: "8", limit: "4" },
    ]);
    await expectStored(pipeline, "other", offset.items);
  });

  it("accepts a paginator name at client level", async () => {
    const api = servePaginated(mock, "/client-link", makeItems(11), { style: "header_link", pageSize: 5 });
    const { pipeline, report } = await sync({ path: api.path }, { client: { paginator: "header_link" } });
    expectPages(report, api, 3);
    expect(queries(api)).toEqual([{}, { page: "2" }, { page: "3" }]);
    await expectStored(pipeline, "items", api.items);
  });
});

describe("endpoint.params", () => {
  const params = { status: "open", sort: "-id", include: ["owner", "labels"] };
  const cases: Array<[string, Pagination, EndpointConfig["paginator"], number]> = [
    ["cursor", { style: "cursor", pageSize: 4 }, { type: "cursor", cursor_path: "next", limit: 4 }, 3],
    [
      "header_cursor",
      { style: "header_cursor", pageSize: 4 },
      { type: "header_cursor", cursor_key: "x-next-cursor" },
      3,
    ],
    ["offset", { style: "offset" }, { type: "offset", limit: 4 }, 3],
    ["page_number", { style: "page_number", pageSize: 4, basePage: 1 }, { type: "page_number", base_page: 1 }, 3],
  ];

  it.each(cases)("are sent on every page with the %s paginator", async (_label, style, paginator, requests) => {
    const api = servePaginated(mock, "/with-params", makeItems(10), style);
    const { pipeline, report } = await sync({ path: api.path, params, paginator });
    expectPages(report, api, requests);
    expect(api.hits).toHaveLength(requests);
    for (const hit of api.hits) {
      const search = new URLSearchParams(hit.search);
      expect(search.getAll("status"), hit.search).toEqual(["open"]);
      expect(search.getAll("sort"), hit.search).toEqual(["-id"]);
      expect(search.getAll("include"), hit.search).toEqual(["owner", "labels"]);
    }
    await expectStored(pipeline, "items", api.items);
  });
});
