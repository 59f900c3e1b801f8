/**
 * dlt tests/sources/helpers/rest_client/test_paginators.py (and
 * test_requests_paginate.py). Unit cases drive restsync's paginator through
 * dlt's method names (`_paginator-unit.ts`); `rest_client.paginate(path,
 * paginator=…)` cases run one resource with that paginator against the mock and
 * keep dlt's assert_pagination (5 pages of 5 posts, in order). A body-path
 * paginator (`*_body_path`) changes the JSON body, which only a request shows:
 * those cases run a resource against a scripted API.
 */
import { describe, expect } from "vitest";
import { API, type DltConfig, dltCase, expectConfigError, expectedEntriesExist, runDlt } from "./_case";
import { NON_EMPTY_PAGE, PaginatorUnit } from "./_paginator-unit";
import { posts } from "./_routes";
import { runScripted } from "./_scripted";
import { useDltMock } from "./_server";

const mock = useDltMock();
const F = "test_paginators";

/** dlt's rest_client.paginate(path, paginator=…) and assert_pagination(pages, total_pages). */
async function expectPagination(endpoint: DltConfig, totalPages = 5): Promise<void> {
  const run = await runDlt(mock, { client: { base_url: API }, resources: [{ name: "pages", endpoint }] });
  expect(run.report.resources.pages!.error?.message).toBeUndefined();
  expect(run.report.resources.pages!.pages).toBe(totalPages);
  expect(await run.rows("pages")).toEqual(posts().slice(0, totalPages * 5));
}

/** The JSON bodies a POST resource sends while paging a scripted API (two pages of `limit` rows, then none). */
async function bodiesSent(paginator: DltConfig, json: DltConfig = {}): Promise<Record<string, unknown>[]> {
  let page = 0;
  const run = await runScripted(
    {
      client: { base_url: API },
      resources: [{ name: "r", endpoint: { path: "search", method: "POST", json, paginator } }],
    },
    () => (page++ < 2 ? { data: [{ id: page }, { id: page + 10 }], next_cursor: "cursor-2" } : { data: [] }),
  );
  return run.seen.map((r) => JSON.parse(r.body ?? "null"));
}
const link = (url: string, rel = "next") => ({ headers: { link: `<${url}>; rel="${rel}"` } });

describe("TestHeaderLinkPaginator", () => {
  const C = `${F}::TestHeaderLinkPaginator`;
  dltCase(`${C}::test_update_state_with_next`, () => {
    const p = PaginatorUnit.of("header_link");
    p.update_state(link("http://example.com/next"));
    expect(p.url).toBe("http://example.com/next");
    expect(p.has_next_page).toBe(true);
  });
  dltCase(`${C}::test_update_state_without_next`, () => {
    const p = PaginatorUnit.of("header_link");
    p.update_state({});
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_client_pagination`, () =>
    expectPagination({ path: "/posts_header_link", paginator: { type: "header_link" } }),
  );
});

describe("TestJSONLinkPaginator", () => {
  const C = `${F}::TestJSONLinkPaginator`;
  const stateCases: [string | undefined, unknown, string | undefined][] = [
    [undefined, { next: "http://example.com/next", results: [] }, "http://example.com/next"],
    ["next_page", { next_page: "http://example.com/next", results: [] }, "http://example.com/next"],
    ["next_page.url", { next_page: { url: "http://example.com/next" }, results: [] }, "http://example.com/next"],
    [undefined, { results: [] }, undefined],
    [
      "['@odata.nextLink']",
      { "@odata.nextLink": "http://example.com/odata-nextlink", value: [] },
      "http://example.com/odata-nextlink",
    ],
    [
      '["@odata.nextLink"]',
      { "@odata.nextLink": "http://example.com/odata-nextlink", value: [] },
      "http://example.com/odata-nextlink",
    ],
  ];
  stateCases.forEach(([path, json, expected], i) => {
    dltCase(`${C}::test_update_state[test_case${i}]`, () => {
      const p = PaginatorUnit.of(
        path === undefined ? { type: "json_link" } : { type: "json_link", next_url_path: path },
      );
      p.update_state({ json });
      expect(p.has_next_page).toBe(expected !== undefined);
      if (expected) expect(p.url).toBe(expected);
    });
  });

  const requestCases: [string, string, string][] = [
    [
      "http://example.com/api/resource?page=2",
      "http://example.com/api/resource",
      "http://example.com/api/resource?page=2",
    ],
    ["/api/resource?page=2", "http://example.com/api/resource", "http://example.com/api/resource?page=2"],
    [
      "/api/resource/subresource?page=3&sort=desc",
      "http://example.com/api/resource/subresource",
      "http://example.com/api/resource/subresource?page=3&sort=desc",
    ],
    [
      "/api/page/4/items?filter=active",
      "http://example.com/api/page/3/items",
      "http://example.com/api/page/4/items?filter=active",
    ],
    [
      "/api/resource?page=3&category=books&sort=author",
      "http://example.com/api/resource?page=2",
      "http://example.com/api/resource?page=3&category=books&sort=author",
    ],
    ["/api/resource?page=2", "http://example.com:8080/api/resource", "http://example.com:8080/api/resource?page=2"],
    [
      "https://secure.example.com/api/resource?page=2",
      "https://secure.example.com/api/resource",
      "https://secure.example.com/api/resource?page=2",
    ],
    [
      "/api/resource?page=2&query=%E3%81%82",
      "http://example.com/api/resource",
      "http://example.com/api/resource?page=2&query=%E3%81%82",
    ],
    ["/api/resource?sort=asc", "http://example.com/api/resource?page=1", "http://example.com/api/resource?sort=asc"],
  ];
  requestCases.forEach(([next, requestUrl, expected], i) => {
    dltCase(`${C}::test_update_request[test_case${i}]`, () => {
      const p = PaginatorUnit.of("json_link", requestUrl);
      p.update_state({ json: { next } });
      expect(p.url).toBe(expected);
    });
  });

  dltCase(`${C}::test_no_duplicate_params_on_update_request`, () => {
    const p = PaginatorUnit.of("json_link", "http://example.com/api/resource", { param1: "value1" });
    p.update_state({ json: { next: "/api/resource?page=2&param1=value1" } });
    expect(p.url).toBe("http://example.com/api/resource?page=2&param1=value1");
  });

  dltCase(`${C}::test_client_pagination`, () =>
    expectPagination({ path: "/posts", paginator: { type: "json_link", next_url_path: "next_page" } }),
  );
});

describe("TestSinglePagePaginator", () => {
  const C = `${F}::TestSinglePagePaginator`;
  dltCase(`${C}::test_update_state`, () => {
    const p = PaginatorUnit.of("single_page");
    p.update_state({});
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_update_state_with_next`, () => {
    const p = PaginatorUnit.of("single_page");
    p.update_state({ json: { next: "http://example.com/next", results: [] }, ...link("http://example.com/next") });
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_client_pagination`, () => expectPagination({ path: "/posts", paginator: "single_page" }, 1));
});

describe("TestRangePaginator", () => {
  const C = `${F}::TestRangePaginator`;
  // dlt's RangePaginator is the base of offset and page_number: its param/body-path rules are theirs.
  dltCase(`${C}::test_init`, () => {
    PaginatorUnit.of({ type: "page_number", page_param: "page", total_path: "total" });
    PaginatorUnit.of({ type: "page_number", page_body_path: "body.path", total_path: "total" });
    const both = { type: "page_number", page_param: "page", page_body_path: "body.path", total_path: "total" };
    expectConfigError({ client: { base_url: API, paginator: both }, resources: ["r"] }, "page_body_path");
    for (const [page_param, page_body_path] of [
      [null, null],
      ["", null],
      [null, ""],
      ["", ""],
    ])
      expectConfigError(
        {
          client: {
            base_url: API,
            paginator: { type: "page_number", page_param, page_body_path, total_path: "total" },
          },
          resources: ["r"],
        },
        "paginator",
      );
  });
  dltCase(`${C}::test_range_paginator_update`, () => {
    expectConfigError(
      { client: { base_url: API, paginator: { type: "page_number", page_param: "" } }, resources: ["r"] },
      "page_param",
    );
    expectConfigError(
      { client: { base_url: API, paginator: { type: "page_number", page_body_path: "" } }, resources: ["r"] },
      "page_body_path",
    );
  });
});

/** dlt's has_more_path cases, the same for offset and page_number (and cursor). */
function hasMoreCases(C: string, paginator: DltConfig): void {
  dltCase(`${C}::test_update_state_with_has_more`, () => {
    const p = PaginatorUnit.of(paginator);
    p.update_state({ json: { has_more: false } }, NON_EMPTY_PAGE);
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_update_state_with_string_has_more`, () => {
    const p = PaginatorUnit.of(paginator);
    p.update_state({ json: { has_more: "true" } }, NON_EMPTY_PAGE);
    expect(p.has_next_page).toBe(true);
  });
  // dlt raises ValueError; restsync's unit signals a bad page by throwing (the resource then fails).
  dltCase(`${C}::test_update_state_with_invalid_has_more`, () => {
    const p = PaginatorUnit.of(paginator);
    expect(() => p.update_state({ json: { has_more: "invalid" } }, NON_EMPTY_PAGE)).toThrow();
  });
  dltCase(`${C}::test_update_state_without_has_more`, () => {
    const p = PaginatorUnit.of(paginator);
    expect(() => p.update_state({ json: {} }, NON_EMPTY_PAGE)).toThrow();
  });
}

/** dlt's test_empty_*_params: (None, None) falls back to the default name; an empty name or body path is an error. */
function emptyParamCases(C: string, test: string, base: DltConfig, param: string, bodyPath: string, fallback: string) {
  const cases: [string, string | null, string | null][] = [
    ["None-None", null, null],
    ["-None", "", null],
    ["None-", null, ""],
    ["-", "", ""],
  ];
  for (const [id, value, path] of cases)
    dltCase(`${C}::${test}[${id}]`, () => {
      const paginator = {
        ...base,
        ...(value === null ? {} : { [param]: value }),
        ...(path === null ? {} : { [bodyPath]: path }),
      };
      if (value === null && path === null) {
        const resolved = PaginatorUnit.of(paginator).config as unknown as Record<string, unknown>;
        expect(resolved[param]).toBe(fallback);
        expect(resolved[bodyPath]).toBeUndefined();
      } else expectConfigError({ client: { base_url: API, paginator }, resources: ["r"] }, "paginator");
    });
}

/** dlt's test_guarantee_termination: total_path None needs maximum, has_more_path or stop_after_empty_page. */
function terminationCase(C: string, type: string, maximum: string, extra: DltConfig = {}): void {
  dltCase(`${C}::test_guarantee_termination`, () => {
    PaginatorUnit.of({ type, ...extra, total_path: null });
    PaginatorUnit.of({ type, ...extra, total_path: null, [maximum]: 1, stop_after_empty_page: false });
    if (type === "offset")
      PaginatorUnit.of({ type, ...extra, total_path: null, has_more_path: "has_more", stop_after_empty_page: false });
    for (const config of [
      { type, ...extra, total_path: null, stop_after_empty_page: false },
      { type, ...extra, total_path: null, stop_after_empty_page: false, [maximum]: null },
      { type, ...extra, total_path: null, stop_after_empty_page: false, [maximum]: null, has_more_path: null },
    ])
      expectConfigError({ client: { base_url: API, paginator: config }, resources: ["r"] }, "stop_after_empty_page");
  });
}

describe("TestOffsetPaginator", () => {
  const C = `${F}::TestOffsetPaginator`;
  dltCase(`${C}::test_update_state`, () => {
    const p = PaginatorUnit.of({ type: "offset", offset: 0, limit: 10 });
    p.update_state({ json: { total: 20 } }, NON_EMPTY_PAGE);
    expect(p.param("offset")).toBe("10");
    expect(p.has_next_page).toBe(true);
    p.update_state({ json: { total: 20 } });
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_page_param_initialization`, () => {
    expect(PaginatorUnit.of({ type: "offset", limit: 100 }).config).toMatchObject({ offset_param: "offset" });
    expect(PaginatorUnit.of({ type: "offset", limit: 100, offset_param: "offset_param" }).config).toMatchObject({
      offset_param: "offset_param",
    });
    expect(PaginatorUnit.of({ type: "offset", limit: 100, offset_body_path: "offset_body_path" }).config).toMatchObject(
      {
        offset_body_path: "offset_body_path",
      },
    );
  });
  dltCase(`${C}::test_update_state_with_string_total`, () => {
    const p = PaginatorUnit.of({ type: "offset", offset: 0, limit: 10 });
    p.update_state({ json: { total: "20" } }, NON_EMPTY_PAGE);
    expect(p.param("offset")).toBe("10");
    expect(p.has_next_page).toBe(true);
  });
  dltCase(`${C}::test_update_state_with_invalid_total`, () => {
    const p = PaginatorUnit.of({ type: "offset", offset: 0, limit: 10 });
    expect(() => p.update_state({ json: { total: "invalid" } }, NON_EMPTY_PAGE)).toThrow();
  });
  dltCase(`${C}::test_update_state_without_total`, () => {
    const p = PaginatorUnit.of({ type: "offset", offset: 0, limit: 10 });
    expect(() => p.update_state({ json: {} }, NON_EMPTY_PAGE)).toThrow();
  });
  hasMoreCases(C, { type: "offset", offset: 0, limit: 10, total_path: null, has_more_path: "has_more" });
  dltCase(`${C}::test_init_request`, () => {
    const p = PaginatorUnit.of({ type: "offset", offset: 123, limit: 42 });
    expect(p.init_request().query).toMatchObject({ offset: "123", limit: "42" });
    p.update_state({ json: { total: 200 } }, NON_EMPTY_PAGE);
    expect(p.param("offset")).toBe("165");
    expect(p.param("limit")).toBe("42");
  });
  dltCase(`${C}::test_both_offset_param_and_offset_body_path_raises_error`, () =>
    expectConfigError(
      {
        client: {
          base_url: API,
          paginator: { type: "offset", limit: 100, offset_param: "cursor", offset_body_path: "page" },
        },
        resources: ["r"],
      },
      "offset_body_path",
    ),
  );
  dltCase(`${C}::test_update_request_json`, async () => {
    const bodies = await bodiesSent({ type: "offset", limit: 2, offset_body_path: "offset", total_path: null });
    expect(bodies[1]!.offset).toBe(2);
  });
  dltCase(`${C}::test_update_request_json_nested`, async () => {
    const bodies = await bodiesSent({
      type: "offset",
      limit: 2,
      offset_body_path: "pagination.offset",
      total_path: null,
    });
    expect((bodies[1]!.pagination as Record<string, unknown>).offset).toBe(2);
  });
  dltCase(`${C}::test_update_request_json_with_existing_json`, async () => {
    const bodies = await bodiesSent(
      { type: "offset", limit: 2, offset_body_path: "offset", total_path: null },
      { existing: "data" },
    );
    expect(bodies[1]).toMatchObject({ existing: "data", offset: 2 });
  });
  dltCase(`${C}::test_maximum_offset`, () => {
    const p = PaginatorUnit.of({ type: "offset", offset: 0, limit: 50, maximum_offset: 100, total_path: null });
    p.update_state({ json: { items: [] } }, NON_EMPTY_PAGE);
    expect(p.param("offset")).toBe("50");
    expect(p.has_next_page).toBe(true);
    // dlt's current_value then reads 100; restsync asks for no request past the maximum.
    p.update_state({ json: { items: [] } }, NON_EMPTY_PAGE);
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_client_pagination`, () =>
    expectPagination({
      path: "/posts_offset_limit",
      paginator: { type: "offset", offset: 0, limit: 5, total_path: "total_records" },
    }),
  );
  dltCase(`${C}::test_client_pagination_with_json`, () =>
    expectPagination({
      path: "/posts_offset_limit_via_json_body",
      method: "POST",
      json: { limit: 5, offset: 0, ids_greater_than: -1 },
      paginator: {
        type: "offset",
        offset: 0,
        limit: 5,
        offset_body_path: "offset",
        limit_body_path: "limit",
        total_path: "total_records",
      },
    }),
  );
  dltCase(`${C}::test_stop_after_empty_page`, () => {
    const p = PaginatorUnit.of({
      type: "offset",
      offset: 0,
      limit: 50,
      maximum_offset: 100,
      total_path: null,
      stop_after_empty_page: true,
    });
    p.update_state({ json: { items: [] } }, []);
    expect(p.has_next_page).toBe(false);
  });
  terminationCase(C, "offset", "maximum_offset", { limit: 10 });
  emptyParamCases(
    C,
    "test_empty_offset_params",
    { type: "offset", limit: 100 },
    "offset_param",
    "offset_body_path",
    "offset",
  );
  emptyParamCases(
    C,
    "test_empty_limit_params",
    { type: "offset", limit: 100 },
    "limit_param",
    "limit_body_path",
    "limit",
  );
});

describe("TestPageNumberPaginator", () => {
  const C = `${F}::TestPageNumberPaginator`;
  dltCase(`${C}::test_update_state`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, page: 1, total_path: "total_pages" });
    p.update_state({ json: { total_pages: 3 } }, NON_EMPTY_PAGE);
    expect([p.param("page"), p.has_next_page]).toEqual(["2", true]);
    p.update_state({ json: { total_pages: 3 } }, NON_EMPTY_PAGE);
    expect([p.param("page"), p.has_next_page]).toEqual(["3", true]);
    p.update_state({ json: { total_pages: 3 } }, NON_EMPTY_PAGE);
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_page_param_initialization`, () => {
    expect(PaginatorUnit.of({ type: "page_number" }).config).toMatchObject({ page_param: "page" });
    expect(PaginatorUnit.of({ type: "page_number", page_param: "page_param" }).config).toMatchObject({
      page_param: "page_param",
    });
    expect(PaginatorUnit.of({ type: "page_number", page_body_path: "page_body_path" }).config).toMatchObject({
      page_body_path: "page_body_path",
    });
  });
  dltCase(`${C}::test_init_request`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, total_path: null });
    expect(p.param("page")).toBe("1");
    expect(p.has_next_page).toBe(true);
    p.init_request();
    p.update_state({ json: "OK" }, NON_EMPTY_PAGE);
    expect([p.param("page"), p.has_next_page]).toEqual(["2", true]);
    p.update_state({ json: "OK" });
    expect([p.param("page"), p.has_next_page]).toEqual(["2", false]);
    const fresh = PaginatorUnit.of({ type: "page_number", base_page: 1, total_path: null });
    expect([fresh.init_request().query.page, fresh.has_next_page]).toEqual(["1", true]);
  });
  dltCase(`${C}::test_both_page_param_and_page_body_path_raises_error`, () =>
    expectConfigError(
      {
        client: { base_url: API, paginator: { type: "page_number", page_param: "cursor", page_body_path: "page" } },
        resources: ["r"],
      },
      "page_body_path",
    ),
  );
  dltCase(`${C}::test_update_state_with_string_total_pages`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, page: 1 });
    p.update_state({ json: { total: "3" } }, NON_EMPTY_PAGE);
    expect([p.param("page"), p.has_next_page]).toEqual(["2", true]);
  });
  dltCase(`${C}::test_update_state_with_invalid_total_pages`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, page: 1 });
    expect(() => p.update_state({ json: { total_pages: "invalid" } }, NON_EMPTY_PAGE)).toThrow();
  });
  dltCase(`${C}::test_update_state_without_total_pages`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, page: 1 });
    expect(() => p.update_state({ json: {} }, NON_EMPTY_PAGE)).toThrow();
  });
  hasMoreCases(C, { type: "page_number", page: 1, total_path: null, has_more_path: "has_more" });
  dltCase(`${C}::test_update_request_param`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, page: 1, page_param: "page" });
    p.update_state({ json: { total: 3 } }, NON_EMPTY_PAGE);
    expect(p.param("page")).toBe("2");
    p.update_state({ json: { total: 3 } }, NON_EMPTY_PAGE);
    expect(p.param("page")).toBe("3");
  });
  dltCase(`${C}::test_update_request_json`, async () => {
    const bodies = await bodiesSent({
      type: "page_number",
      base_page: 1,
      page: 1,
      page_body_path: "page",
      total_path: null,
    });
    expect(bodies[1]!.page).toBe(2);
  });
  dltCase(`${C}::test_update_request_json_nested`, async () => {
    const bodies = await bodiesSent({
      type: "page_number",
      base_page: 1,
      page: 1,
      page_body_path: "page.next",
      total_path: null,
    });
    expect((bodies[1]!.page as Record<string, unknown>).next).toBe(2);
  });
  dltCase(`${C}::test_update_request_json_with_existing_json`, async () => {
    const bodies = await bodiesSent(
      { type: "page_number", base_page: 1, page: 1, page_body_path: "page", total_path: null },
      { existing: "data" },
    );
    expect(bodies[1]).toMatchObject({ existing: "data", page: 2 });
  });
  dltCase(`${C}::test_maximum_page`, () => {
    const p = PaginatorUnit.of({ type: "page_number", base_page: 1, page: 1, maximum_page: 3, total_path: null });
    p.update_state({ json: { items: [] } }, NON_EMPTY_PAGE);
    expect([p.param("page"), p.has_next_page]).toEqual(["2", true]);
    p.update_state({ json: { items: [] } }, NON_EMPTY_PAGE);
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_stop_after_empty_page`, () => {
    const p = PaginatorUnit.of({
      type: "page_number",
      base_page: 1,
      page: 1,
      maximum_page: 5,
      stop_after_empty_page: true,
      total_path: null,
    });
    expect(p.has_next_page).toBe(true);
    p.update_state({ json: { items: [] } }, []);
    expect(p.param("page")).toBe("1");
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_client_pagination_one_based`, () =>
    expectPagination({
      path: "/posts",
      paginator: { type: "page_number", base_page: 1, page: 1, total_path: "total_pages" },
    }),
  );
  dltCase(`${C}::test_client_pagination_one_based_default_page`, () =>
    expectPagination({ path: "/posts", paginator: { type: "page_number", base_page: 1, total_path: "total_pages" } }),
  );
  dltCase(`${C}::test_client_pagination_zero_based`, () =>
    expectPagination({
      path: "/posts_zero_based",
      paginator: { type: "page_number", base_page: 0, page: 0, total_path: "total_pages" },
    }),
  );
  dltCase(`${C}::test_client_pagination_with_json`, () =>
    expectPagination({
      path: "/posts/search",
      method: "POST",
      json: { page_size: 5, page: 1, ids_greater_than: -1 },
      paginator: { type: "page_number", base_page: 1, page_body_path: "page", total_path: "total_pages" },
    }),
  );
  terminationCase(C, "page_number", "maximum_page");
  emptyParamCases(C, "test_empty_params", { type: "page_number" }, "page_param", "page_body_path", "page");
});

describe("TestJSONResponseCursorPaginator", () => {
  const C = `${F}::TestJSONResponseCursorPaginator`;
  const cursor = (extra: DltConfig = {}) => ({ type: "cursor", cursor_path: "next_cursor", ...extra });
  dltCase(`${C}::test_update_state`, () => {
    const p = PaginatorUnit.of(cursor());
    p.update_state({ json: { next_cursor: "cursor-2", results: [] } });
    expect(p.param("cursor")).toBe("cursor-2");
    expect(p.has_next_page).toBe(true);
  });
  dltCase(`${C}::test_cursor_param_initialization`, () => {
    expect(PaginatorUnit.of({ type: "cursor" }).config).toMatchObject({ cursor_param: "cursor" });
    expect(PaginatorUnit.of({ type: "cursor", cursor_param: "cursor_param" }).config).toMatchObject({
      cursor_param: "cursor_param",
    });
    expect(PaginatorUnit.of({ type: "cursor", cursor_body_path: "cursor_body_path" }).config).toMatchObject({
      cursor_body_path: "cursor_body_path",
    });
  });
  dltCase(`${C}::test_both_cursor_param_and_cursor_body_path_raises_error`, () =>
    expectConfigError(
      {
        client: { base_url: API, paginator: cursor({ cursor_param: "cursor", cursor_body_path: "page" }) },
        resources: ["r"],
      },
      "cursor_body_path",
    ),
  );
  dltCase(`${C}::test_update_state_when_cursor_path_is_empty_string`, () => {
    const p = PaginatorUnit.of(cursor());
    p.update_state({ json: { next_cursor: "", results: [] } });
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_update_state_stop_after_empty_page`, () => {
    const p = PaginatorUnit.of(cursor({ stop_after_empty_page: true }));
    p.update_state({ json: { next_cursor: "cursor", results: [] } }, []);
    expect(p.has_next_page).toBe(false);
  });
  const hasMore = cursor({ has_more_path: "has_more" });
  dltCase(`${C}::test_update_has_more_path`, () => {
    const p = PaginatorUnit.of(hasMore);
    p.update_state({ json: { next_cursor: "cursor", results: [], has_more: false } });
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_update_has_more_path_string`, () => {
    const p = PaginatorUnit.of(hasMore);
    p.update_state({ json: { next_cursor: "cursor", results: [], has_more: "false" } });
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_update_has_more_path_true_nonempty_result`, () => {
    const p = PaginatorUnit.of(hasMore);
    p.update_state({ json: { next_cursor: "cursor", results: [{ hello: "world" }], has_more: true } });
    expect(p.has_next_page).toBe(true);
  });
  dltCase(`${C}::test_update_has_more_path_true`, () => {
    const p = PaginatorUnit.of(hasMore);
    p.update_state({ json: { next_cursor: "cursor", results: [], has_more: true } });
    expect(p.has_next_page).toBe(true);
  });
  dltCase(`${C}::test_update_has_more_path_missing`, () => {
    const p = PaginatorUnit.of(hasMore);
    expect(() => p.update_state({ json: { next_cursor: "cursor", results: [["hello", "world"]] } })).toThrow(
      /has_more|more/,
    );
  });
  dltCase(`${C}::test_update_request_param`, () => {
    const p = PaginatorUnit.of(cursor());
    p.update_state({ json: { next_cursor: "cursor-2" } });
    expect(p.param("cursor")).toBe("cursor-2");
  });
  dltCase(`${C}::test_update_request_json`, async () => {
    const bodies = await bodiesSent(cursor({ cursor_body_path: "cursor" }));
    expect(bodies[1]!.cursor).toBe("cursor-2");
  });
  dltCase(`${C}::test_update_request_json_nested`, async () => {
    const bodies = await bodiesSent(cursor({ cursor_body_path: "cursor.next" }));
    expect((bodies[1]!.cursor as Record<string, unknown>).next).toBe("cursor-2");
  });
  dltCase(`${C}::test_update_request_json_with_existing_json`, async () => {
    const bodies = await bodiesSent(cursor({ cursor_body_path: "cursor" }), { existing: "data" });
    expect(bodies[1]).toMatchObject({ existing: "data", cursor: "cursor-2" });
  });
  dltCase(`${C}::test_client_pagination_with_param`, () =>
    expectPagination({ path: "/posts_cursor", paginator: { type: "cursor", cursor_path: "next_cursor" } }),
  );
  dltCase(`${C}::test_client_pagination_with_json`, () =>
    expectPagination({
      path: "/posts/search",
      method: "POST",
      json: { ids_greater_than: -1, page_size: 5, page_count: 5 },
      paginator: { type: "cursor", cursor_path: "next_page", cursor_body_path: "page" },
    }),
  );
});

describe("TestHeaderCursorPaginator", () => {
  const C = `${F}::TestHeaderCursorPaginator`;
  dltCase(`${C}::test_update_state`, () => {
    const p = PaginatorUnit.of({ type: "header_cursor", cursor_key: "next_cursor" });
    p.update_state({ headers: { next_cursor: "cursor-2" } });
    expect(p.param("cursor")).toBe("cursor-2");
    expect(p.has_next_page).toBe(true);
  });
  dltCase(`${C}::test_update_state_when_cursor_path_is_empty_string`, () => {
    const p = PaginatorUnit.of({ type: "header_cursor", cursor_key: "next_cursor" });
    p.update_state({ headers: {} });
    expect(p.has_next_page).toBe(false);
  });
  dltCase(`${C}::test_update_request`, () => {
    const p = PaginatorUnit.of({ type: "header_cursor", cursor_key: "next_cursor", cursor_param: "cursor" });
    p.update_state({ headers: { next_cursor: "cursor-2" } });
    expect(p.url).toBe("http://example.com/api/resource?cursor=cursor-2");
  });
  dltCase(`${C}::test_client_pagination`, () =>
    expectPagination({
      path: "/posts_header_cursor",
      paginator: { type: "header_cursor", cursor_key: "cursor", cursor_param: "page" },
    }),
  );
});

dltCase("test_requests_paginate::test_requests_paginate", () =>
  expectPagination({ path: "/posts", paginator: { type: "json_link", next_url_path: "next_page" } }),
);

expectedEntriesExist(F);
expectedEntriesExist("test_requests_paginate");
