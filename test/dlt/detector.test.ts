/**
 * dlt tests/sources/helpers/rest_client/test_detector.py. dlt unit-tests its
 * detector (`find_response_page_data`, `find_next_page_path`,
 * `PaginatorFactory`, `single_entity_path`); restsync's detector is the `auto`
 * paginator and data selector, so each response is served by a scripted API as
 * a resource's first page and what restsync does with it is checked: the
 * records it stores (dlt's records_path) and the second request it makes (the
 * detected paginator and next-page path); that second page is an empty list. `single_entity_path` is what a source
 * resolves for a child resource on that path (single_page, selector `$`).
 */
import { describe, expect } from "vitest";
import { type DltConfig, dltCase, expectedEntriesExist, sourceOf } from "./_case";
import { runScripted, type SeenRequest } from "./_scripted";

type Json = Record<string, unknown>;
type Kind = "offset" | "page_number" | "cursor" | "json_link" | "header_link" | "single_page";
interface Case {
  response: unknown;
  links?: { next: string };
  type: Kind;
  records_path: string;
  next_path?: string[];
  total_path?: string[];
}

const CASES: Case[] = [
  {
    response: {
      data: [
        { id: 1, name: "Item 1" },
        { id: 2, name: "Item 2" },
      ],
      pagination: { offset: 0, limit: 2, total: 100 },
    },
    type: "offset",
    records_path: "data",
  },
  {
    response: {
      items: [
        { id: 11, title: "Page Item 1" },
        { id: 12, title: "Page Item 2" },
      ],
      page_info: { current_page: 1, items_per_page: 2, total_pages: 50 },
    },
    type: "page_number",
    records_path: "items",
    total_path: ["page_info", "total_pages"],
  },
  {
    response: {
      products: [
        { id: 101, name: "Product 1" },
        { id: 102, name: "Product 2" },
      ],
      next_cursor: "eyJpZCI6MTAyfQ==",
    },
    type: "cursor",
    records_path: "products",
    next_path: ["next_cursor"],
  },
  {
    response: {
      results: [
        { id: 201, description: "Result 1" },
        { id: 202, description: "Result 2" },
      ],
      cursors: { next: "NjM=", previous: "MTk=" },
    },
    type: "cursor",
    records_path: "results",
    next_path: ["cursors", "next"],
  },
  {
    response: {
      entries: [
        { id: 31, value: "Entry 1" },
        { id: 32, value: "Entry 2" },
      ],
      next_id: 33,
      limit: 2,
    },
    type: "cursor",
    records_path: "entries",
    next_path: ["next_id"],
  },
  {
    response: {
      comments: [
        { id: 51, text: "Comment 1" },
        { id: 52, text: "Comment 2" },
      ],
      page_number: 3,
      total_pages: 15,
    },
    type: "page_number",
    records_path: "comments",
    total_path: ["total_pages"],
  },
  {
    response: {
      count: 1023,
      next: "https://api.example.org/accounts/?page=5",
      previous: "https://api.example.org/accounts/?page=3",
      results: [
        { id: 1, name: "Account 1" },
        { id: 2, name: "Account 2" },
      ],
    },
    type: "json_link",
    records_path: "results",
    next_path: ["next"],
  },
  {
    response: {
      _embedded: {
        items: [
          { id: 1, name: "Item 1" },
          { id: 2, name: "Item 2" },
        ],
      },
      _links: {
        first: { href: "http://api.example.com/items?page=0&size=2" },
        self: { href: "http://api.example.com/items?page=1&size=2" },
        next: { href: "http://api.example.com/items?page=2&size=2" },
        last: { href: "http://api.example.com/items?page=50&size=2" },
      },
      page: { size: 2, totalElements: 100, totalPages: 50, number: 1 },
    },
    type: "json_link",
    records_path: "_embedded.items",
    next_path: ["_links", "next", "href"],
  },
  {
    response: {
      items: [
        { id: 1, name: "Item 1" },
        { id: 2, name: "Item 2" },
      ],
      meta: { currentPage: 1, pageSize: 2, totalPages: 50, totalItems: 100 },
      links: {
        firstPage: "/items?page=1&limit=2",
        previousPage: "/items?page=0&limit=2",
        nextPage: "/items?page=2&limit=2",
        lastPage: "/items?page=50&limit=2",
      },
    },
    type: "json_link",
    records_path: "items",
    next_path: ["links", "nextPage"],
  },
  {
    response: {
      data: [
        { id: 1, name: "Item 1" },
        { id: 2, name: "Item 2" },
      ],
      pagination: { currentPage: 1, pageSize: 2, totalPages: 5, totalItems: 10 },
    },
    type: "page_number",
    records_path: "data",
    total_path: ["pagination", "totalPages"],
  },
  {
    response: {
      items: [
        { id: 1, title: "Item 1" },
        { id: 2, title: "Item 2" },
      ],
      pagination: { page: 1, perPage: 2, total: 10, totalPages: 5 },
    },
    type: "page_number",
    records_path: "items",
    total_path: ["pagination", "totalPages"],
  },
  {
    response: {
      data: [
        { id: 1, description: "Item 1" },
        { id: 2, description: "Item 2" },
      ],
      meta: { currentPage: 1, itemsPerPage: 2, totalItems: 10, totalPages: 5 },
      links: { first: "/api/items?page=1", previous: null, next: "/api/items?page=2", last: "/api/items?page=5" },
    },
    type: "json_link",
    records_path: "data",
    next_path: ["links", "next"],
  },
  {
    response: {
      page: 2,
      per_page: 10,
      total: 100,
      pages: 10,
      data: [
        { id: 1, name: "Item 1" },
        { id: 2, name: "Item 2" },
      ],
    },
    type: "page_number",
    records_path: "data",
    total_path: ["pages"],
  },
  {
    response: {
      currentPage: 1,
      pageSize: 10,
      totalPages: 5,
      totalRecords: 50,
      items: [
        { id: 1, name: "Item 1" },
        { id: 2, name: "Item 2" },
      ],
    },
    type: "page_number",
    records_path: "items",
    total_path: ["totalPages"],
  },
  {
    response: {
      articles: [
        { id: 21, headline: "Article 1" },
        { id: 22, headline: "Article 2" },
      ],
      paging: { current: 3, size: 2, total: 60 },
    },
    type: "single_page",
    records_path: "articles",
  },
  {
    response: {
      feed: [
        { id: 41, content: "Feed Content 1" },
        { id: 42, content: "Feed Content 2" },
      ],
      offset: 40,
      limit: 2,
      total_count: 200,
    },
    type: "offset",
    records_path: "feed",
  },
  {
    response: {
      query_results: [
        { id: 81, snippet: "Result Snippet 1" },
        { id: 82, snippet: "Result Snippet 2" },
      ],
      page_details: { number: 1, size: 2, total_elements: 50, total_pages: 25 },
    },
    type: "page_number",
    records_path: "query_results",
    total_path: ["page_details", "total_pages"],
  },
  {
    response: {
      posts: [
        { id: 91, title: "Blog Post 1" },
        { id: 92, title: "Blog Post 2" },
      ],
      pagination_details: { current_page: 4, posts_per_page: 2, total_posts: 100, total_pages: 50 },
    },
    type: "page_number",
    records_path: "posts",
    total_path: ["pagination_details", "total_pages"],
  },
  {
    response: {
      catalog: [
        { id: 101, product_name: "Product A" },
        { id: 102, product_name: "Product B" },
      ],
      page_metadata: { index: 1, size: 2, total_items: 20, total_pages: 10 },
    },
    type: "page_number",
    records_path: "catalog",
    total_path: ["page_metadata", "total_pages"],
  },
  {
    response: [
      { id: 101, product_name: "Product A" },
      { id: 102, product_name: "Product B" },
    ],
    type: "single_page",
    records_path: "$",
  },
  {
    response: [
      { id: 101, product_name: "Product A" },
      { id: 102, product_name: "Product B" },
    ],
    links: { next: "next_page" },
    type: "header_link",
    records_path: "$",
  },
  { response: { id: 101, product_name: "Product A" }, type: "single_page", records_path: "$" },
];

const at = (value: unknown, path: string[]): unknown => path.reduce((v, key) => (v as Json | undefined)?.[key], value);
const origin = (c: Case) => {
  const next = c.next_path ? at(c.response, c.next_path) : undefined;
  return typeof next === "string" && /^https?:/.test(next) ? new URL(next).origin : "https://api.example.com";
};

/**
 * One resource on `auto` whose first page is the case's response (with its Link
 * header when `withLinks`); every later page is empty. Returns the stored records and requests.
 */
async function serve(c: Case, withLinks: boolean): Promise<{ rows: Json[]; seen: SeenRequest[] }> {
  const base = origin(c);
  const config: DltConfig = { client: { base_url: base }, resources: [{ name: "items", endpoint: { path: "items" } }] };
  const run = await runScripted(config, ({ url }) => {
    const first = url.pathname === "/items" && url.search === "";
    if (!first) return [];
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (withLinks && c.links) headers.link = `<${c.links.next}>; rel="next"`;
    return new Response(JSON.stringify(c.response), { headers });
  });
  expect(run.report.resources.items!.error?.message).toBeUndefined();
  return { rows: await run.rows("items"), seen: run.seen };
}

describe("test_find_response_page_data", () => {
  CASES.forEach((c, i) => {
    dltCase(`test_detector::test_find_response_page_data[test_case${i}]`, async () => {
      const { rows } = await serve(c, false);
      const data = c.records_path === "$" ? c.response : at(c.response, c.records_path.split("."));
      expect(rows).toEqual(Array.isArray(data) ? data : [data]);
    });
  });
});

describe("test_find_next_page_key", () => {
  CASES.forEach((c, i) => {
    dltCase(`test_detector::test_find_next_page_key[test_case${i}]`, async () => {
      const { seen } = await serve(c, false);
      const [first, second] = seen;
      const fromBody =
        second !== undefined &&
        (second.url.pathname !== first!.url.pathname ||
          second.url.origin !== first!.url.origin ||
          second.url.searchParams.has("cursor"));
      if (!c.next_path) return expect(fromBody).toBe(false);
      const value = at(c.response, c.next_path);
      expect(second, "a second request from the detected next-page key").toBeDefined();
      const followed = second!.url.href === new URL(String(value), first!.url).href;
      const sentAsCursor = [...second!.url.searchParams.values()].includes(String(value));
      expect(followed || sentAsCursor).toBe(true);
    });
  });
});

describe("test_find_paginator", () => {
  CASES.forEach((c, i) => {
    dltCase(`test_detector::test_find_paginator[test_case${i}]`, async () => {
      const { seen } = await serve(c, true);
      const [first, second] = seen;
      // dlt's factory never builds an offset paginator: those responses are single pages.
      const type = c.type === "offset" ? "single_page" : c.type;
      if (type === "single_page") return expect(second).toBeUndefined();
      expect(second, `a second request (${type})`).toBeDefined();
      if (type === "header_link") expect(second!.url.href).toBe(new URL(c.links!.next, first!.url).href);
      if (type === "json_link")
        expect(second!.url.href).toBe(new URL(String(at(c.response, c.next_path!)), first!.url).href);
      if (type === "cursor") expect(second!.url.searchParams.get("cursor")).toBe(String(at(c.response, c.next_path!)));
      if (type === "page_number") expect(second!.url.searchParams.has("page")).toBe(true);
    });
  });
});

/** The resolved endpoint of a child resource on `path`, each `{placeholder}` resolved from a parent. */
function childOn(path: string) {
  const params: Json = {};
  for (const [, name] of path.matchAll(/\{([^{}]+)\}/g))
    params[name!] = { type: "resolve", resource: "parent", field: "id" };
  const resource = sourceOf({
    client: { base_url: "https://api.example.com" },
    resources: ["parent", { name: "child", endpoint: { path, params } }],
  }).resources.find((r) => r.name === "child")!;
  return { paginator: resource.paginator.type, dataSelector: resource.dataSelector };
}

describe("test_single_entity_path", () => {
  const valid = [
    "/users/{user_id}",
    "/api/v1/products/{product_id}/",
    "/api/v1/products/{product_id}//",
    "/api/v1/products/{product_id}?param1=value1",
    "/api/v1/products/{product_id}#section",
    "/api/v1/products/{product_id}.json",
    "/api/v1/products/{product_id}.json/",
    "/api/v1/products/{product_id}_data",
    "/api/v1/products/{product_id}_data?param=true",
    "/users/{user_id}/posts/{post_id}",
    "/users/{user_id}/posts/{post_id}/comments/{comment_id}",
    "{entity}",
    "/{entity}",
    "/{user_123}",
    "/users/{user-id}",
    "/users/{123}",
  ];
  for (const path of valid)
    dltCase(`test_detector::test_single_entity_path_valid[${path}]`, () =>
      expect(childOn(path)).toEqual({ paginator: "single_page", dataSelector: "$" }),
    );
  const invalid = [
    "/users/user_id",
    "/api/v1/products/product_id/",
    "/users/{user_id}/details",
    "/",
    "/{}",
    "/api/v1/products/{product_id}/#section",
    "/users/{user id}",
    "/users/{user_id}/{",
  ];
  for (const path of invalid)
    dltCase(`test_detector::test_single_entity_path_invalid[${path}]`, () =>
      expect(childOn(path).paginator).not.toBe("single_page"),
    );
});

expectedEntriesExist("test_detector");
