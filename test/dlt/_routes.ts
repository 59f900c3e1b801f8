/**
 * The routes of dlt's rest_api mock API (tests/sources/rest_api/conftest.py), as
 * one pure function from a request to a response: same paths, same data
 * generators, page sizes and pagination styles. Runtime-neutral (no node:*), so
 * the same routes can be served from Node here or from a Worker later.
 *
 * Like requests_mock, routes are tried last-registered first and match the path
 * plus query with the same regular expressions (a query the pattern does not
 * allow is "no mock address", here a 404).
 */

export interface MockRequest {
  method: string;
  /** Path and query, e.g. `/posts?page=2`. */
  target: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body, or undefined when none was sent. */
  body: string | undefined;
  /** The request's own origin, for absolute next links. */
  origin: string;
}

export interface MockReply {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string; undefined sends an empty body. */
  body?: unknown;
}

export const PAGE_SIZE = 5;
export const TOTAL_PAGES = 5;
export const DEFAULT_LIMIT = 10;
export const REACTIONS_COUNT = 5;
export const COMMENTS_COUNT = 50;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export const posts = (count = PAGE_SIZE * TOTAL_PAGES) => range(count).map((i) => ({ id: i, title: `Post ${i}` }));
export const postsWithReactions = (count = PAGE_SIZE * TOTAL_PAGES, reactions = REACTIONS_COUNT) =>
  range(count).map((i) => ({
    id: i,
    title: `Post ${i}`,
    reactions: range(reactions).map((j) => ({ id: j, title: `Reaction ${j} for post ${i}` })),
  }));
export const comments = (postId: number, count = COMMENTS_COUNT) =>
  range(count).map((i) => ({ id: i, post_id: postId, body: `Comment ${i} for post ${postId}` }));

interface Ctx {
  req: MockRequest;
  url: URL;
  qs: URLSearchParams;
  headers: Record<string, string>;
  status: number;
}
type Handler = (ctx: Ctx) => unknown;

/** Python's int() of a query/body value, with a default. */
const int = (value: unknown, fallback: number) =>
  value === undefined || value === null ? fallback : Number.parseInt(String(value), 10);

/** dlt's conftest PageNumberPaginator: pages of 5, `next_page` while page + 1 < total_pages + base. */
function pageNumber(records: unknown[], page: number, base = 1, size = PAGE_SIZE) {
  const totalPages = Math.ceil(records.length / size);
  const start = (page - base) * size;
  const next = page + 1 < totalPages + base ? page + 1 : undefined;
  return {
    pageRecords: records.slice(Math.max(start, 0), Math.max(start + size, 0)),
    metadata: { page, total_pages: totalPages },
    next,
  };
}

/** The next page's URL: the request's path with `page=N` as its only query (absolute or path-relative). */
function nextPageUrl(ctx: Ctx, page: number, absolute = true): string {
  const path = ctx.url.pathname;
  return absolute ? `${ctx.url.origin}${path}?page=${page}` : `${path}?page=${page}`;
}

function paginateByPageNumber(
  ctx: Ctx,
  records: unknown[],
  options: { recordsKey?: string | null; absolute?: boolean; base?: number } = {},
) {
  const base = options.base ?? 1;
  const page = int(ctx.qs.get("page") ?? undefined, base);
  const p = pageNumber(records, page, base);
  // Python's json.dumps writes a `None` key as "null".
  const key = options.recordsKey === null ? "null" : (options.recordsKey ?? "data");
  const response: Record<string, unknown> = { [key]: p.pageRecords, ...p.metadata };
  if (p.next !== undefined) response.next_page = nextPageUrl(ctx, p.next, options.absolute ?? true);
  return response;
}

function offsetPage(records: unknown[], offset: number, limit: number) {
  return {
    data: records.slice(offset, offset + limit),
    total_records: records.length,
    offset,
    limit,
  };
}

const json = (ctx: Ctx): Record<string, unknown> => (ctx.req.body ? JSON.parse(ctx.req.body) : {});
const form = (body: string | undefined) => {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(body ?? "")) (out[k] ??= []).push(v);
  return out;
};
const postIdFromPath = (ctx: Ctx, fromEnd: number) => {
  const parts = ctx.url.pathname.split("/");
  return Number.parseInt(parts[parts.length - fromEnd]!, 10);
};
const unauthorized = (ctx: Ctx, body: unknown = { error: "Unauthorized" }) => {
  ctx.status = 401;
  return body;
};
const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

function oauthAuthorize(body: string | undefined): boolean {
  const qs = form(body);
  const grant = qs.grant_type?.[0] ?? "";
  if (grant.includes("jwt-bearer")) return true;
  if (grant.includes("client_credentials"))
    return qs.client_secret?.[0] === "test-client-secret" && qs.client_id?.[0] === "test-client-id";
  return false;
}

const routes: [method: string, pattern: RegExp, handler: Handler][] = [];
const get = (pattern: string, handler: Handler) => routes.push(["GET", new RegExp(`^${pattern}`), handler]);
const post = (pattern: string, handler: Handler) => routes.push(["POST", new RegExp(`^${pattern}`), handler]);

get(String.raw`/posts_no_key(\?page=\d+)?$`, (c) => paginateByPageNumber(c, posts(), { recordsKey: null }));
get(String.raw`/posts(\?.*)?$`, (c) => paginateByPageNumber(c, posts()));
get(String.raw`/posts_zero_based(\?page=\d+)?$`, (c) => paginateByPageNumber(c, posts(), { base: 0 }));
get(String.raw`/posts_header_link(\?page=\d+)?$`, (c) => {
  const p = pageNumber(posts(), int(c.qs.get("page") ?? undefined, 1));
  if (p.next !== undefined) c.headers.link = `<${nextPageUrl(c, p.next)}>; rel="next"`;
  return p.pageRecords;
});
get(String.raw`/posts_header_cursor(\?page=\d+)?$`, (c) => {
  const page = int(c.qs.get("page") ?? undefined, 1);
  const p = pageNumber(posts(), page);
  if (p.next !== undefined) c.headers.cursor = String(page + 1);
  return p.pageRecords;
});
get(String.raw`/posts_relative_next_url(\?page=\d+)?$`, (c) => paginateByPageNumber(c, posts(), { absolute: false }));
get(String.raw`/posts_offset_limit(\?offset=\d+&limit=\d+)?$`, (c) =>
  offsetPage(posts(), int(c.qs.get("offset") ?? undefined, 0), int(c.qs.get("limit") ?? undefined, DEFAULT_LIMIT)),
);
post("/posts_offset_limit_via_json_body$", (c) => {
  const body = json(c);
  return offsetPage(posts(), int(body.offset, 0), int(body.limit, DEFAULT_LIMIT));
});
get(String.raw`/posts_cursor(\?cursor=\d+)?$`, (c) => {
  const records = posts();
  const cursor = int(c.qs.get("cursor") ?? undefined, 0);
  const next = cursor + 5;
  return { data: records.slice(cursor, cursor + 5), next_cursor: next < records.length ? next : null };
});
get(String.raw`/posts/(\d+)/comments(\?.*)?$`, (c) => paginateByPageNumber(c, comments(postIdFromPath(c, 2))));
get(String.raw`/post_comments(\?.*)?$`, (c) =>
  paginateByPageNumber(c, comments(int(c.qs.get("post_id") ?? undefined, 0))),
);
get(String.raw`/post_comments_via_headers(\?.*)?$`, (c) =>
  paginateByPageNumber(c, comments(int(c.req.headers.post_id, Number.NaN))),
);
post(String.raw`/post_comments(\?.*)?$`, (c) => paginateByPageNumber(c, comments(int(json(c).post_id, 0))));
post(String.raw`/post_comments_via_form_data(\?.*)?$`, (c) => {
  const type = c.req.headers["content-type"];
  let postId: number;
  if (type && type.toLowerCase() === "application/x-www-form-urlencoded")
    postId = int(form(c.req.body).post_id?.[0], 0);
  else if (!type) postId = Number.parseInt(c.req.body ?? "", 10);
  else throw new Error(`Unsupported content type: ${type}`);
  return paginateByPageNumber(c, comments(postId));
});
get(String.raw`/posts/\d+$`, (c) => {
  const id = c.url.pathname.split("/").at(-1)!;
  return { id: Number.parseInt(id, 10), body: `Post body ${id}` };
});
get(String.raw`/post_detail(\?.*)?$`, (c) => {
  const id = int(c.qs.get("post_id") ?? undefined, 0);
  return { id, body: `Post body ${id}` };
});
get(String.raw`/post_detail_via_headers(\?.*)?$`, (c) => {
  const id = int(c.req.headers.post_id, Number.NaN);
  return { id, body: `Post body ${id}` };
});
post(String.raw`/post_detail(\?.*)?$`, (c) => {
  const id = int(json(c).post_id, 0);
  return { id, body: `Post body ${id}` };
});
get(String.raw`/posts/\d+/some_details_404`, (c) => {
  const id = postIdFromPath(c, 2);
  if (id < 1) return { id, body: `Post body ${id}` };
  c.status = 404;
  return { error: `Post with id ${id} not found` };
});
get(String.raw`/posts/\d+/some_details_404_others_422`, (c) => {
  const id = postIdFromPath(c, 2);
  if (id < 1) return { id, body: `Post body ${id}` };
  c.status = id === 1 ? 404 : 422;
  return id === 1 ? { error: `Post with id ${id} not found` } : undefined;
});
get(String.raw`/posts/\d+/some_details_204`, (c) => {
  const id = postIdFromPath(c, 2);
  if (id < 1) return { id, body: `Post body ${id}` };
  c.status = 204;
  return undefined;
});
get("/posts_under_a_different_key$", (c) => paginateByPageNumber(c, posts(), { recordsKey: "many-results" }));
post("/posts/search$", (c) => {
  const body = json(c);
  const pageSize = (body.page_size as number | undefined) ?? PAGE_SIZE;
  const pageCount = (body.page_count as number | undefined) ?? TOTAL_PAGES;
  const page = (body.page as number | undefined) ?? 1;
  const above = (body.ids_greater_than as number | undefined) ?? 0;
  const records = posts(pageSize * pageCount).filter((r) => r.id > above);
  const totalPages = Math.ceil(records.length / pageSize);
  const start = (page - 1) * pageSize;
  return {
    data: records.slice(start, start + pageSize),
    next_page: page < totalPages ? page + 1 : null,
    total_pages: pageCount,
  };
});
post(String.raw`/posts/search_by_id/\d+$`, (c) => {
  const body = json(c);
  const postId = body.post_id ?? 0;
  const more = (body.more ?? {}) as Record<string, unknown>;
  const first = ((body.more_array ?? []) as unknown[])[0];
  return {
    id: int(postId, 0),
    title: more.title ?? 0,
    body: `Post body ${postId}`,
    more: `More is equale to id: ${first}`,
  };
});
get("/protected/posts/basic-auth", (c) =>
  c.req.headers.authorization === `Basic ${b64("user:password")}` ? paginateByPageNumber(c, posts()) : unauthorized(c),
);
get("/protected/posts/bearer-token", (c) =>
  c.req.headers.authorization === "Bearer test-token" ? paginateByPageNumber(c, posts()) : unauthorized(c),
);
get("/protected/posts/bearer-token-plain-text-error", (c) =>
  c.req.headers.authorization === "Bearer test-token"
    ? paginateByPageNumber(c, posts())
    : unauthorized(c, "Unauthorized"),
);
get("/protected/posts/api-key", (c) =>
  c.req.headers["x-api-key"] === "test-api-key" ? paginateByPageNumber(c, posts()) : unauthorized(c),
);
post("/oauth/token", (c) =>
  oauthAuthorize(c.req.body) ? { access_token: "test-token", expires_in: 3600 } : unauthorized(c),
);
post("/oauth/token-expires-now", (c) =>
  oauthAuthorize(c.req.body) ? { access_token: "test-token", expires_in: 0 } : unauthorized(c),
);
post("/auth/refresh", (c) =>
  json(c).refresh_token === "valid-refresh-token"
    ? { access_token: "new-valid-token" }
    : unauthorized(c, { error: "Invalid refresh token" }),
);
post("/custom-oauth/token", (c) => {
  const qs = form(c.req.body);
  const ok =
    qs.grant_type?.[0] === "account_credentials" &&
    qs.account_id?.[0] === "test-account-id" &&
    c.req.headers.authorization === "Basic dGVzdC1hY2NvdW50LWlkOnRlc3QtY2xpZW50LXNlY3JldA==";
  return ok ? { access_token: "test-token", expires_in: 3600 } : unauthorized(c);
});
get(String.raw`/posts_cursor_null_terminated(\?cursor=.*)?$`, (c) => {
  const cursor = c.qs.get("cursor");
  const users = (from: number, to: number) => range(to - from).map((i) => ({ id: from + i, name: `User ${from + i}` }));
  if (cursor === null) return { users: users(0, 10), next_token: "cursor_page_2" };
  if (cursor === "cursor_page_2") return { users: users(10, 14), next_token: "cursor_final" };
  if (cursor === "cursor_final") return { users: null, next_token: null };
  return undefined;
});
post("/post_form_data$", (c) => {
  const type = c.req.headers["content-type"];
  if (type === "application/x-www-form-urlencoded") return { data: form(c.req.body) };
  return { error: `Unsupported content type: ${type ?? "None"}`, data: c.req.body ?? "" };
});
post("/post_raw_data$", (c) => ({ data: c.req.body ?? "" }));
post("/posts_form_data_incremental$", (c) => paginateByPageNumber(c, posts()));
get(String.raw`/posts_with_reactions(\?.*)?$`, (c) => paginateByPageNumber(c, postsWithReactions()));
// Added by single dlt tests (test_secret_redaction_*) on top of the fixture.
get(String.raw`/data(\?.*)?$`, () => [{ id: 1, data: "test" }]);
get(String.raw`/missing(\?.*)?$`, (c) => {
  c.status = 404;
  return "Resource not found";
});

/** Answers one request the way dlt's mock does. */
export function answer(req: MockRequest): MockReply {
  const url = new URL(req.target, req.origin);
  const target = `${url.pathname}${url.search}`;
  for (let i = routes.length - 1; i >= 0; i--) {
    const [method, pattern, handler] = routes[i]!;
    if (method !== req.method || !pattern.test(target)) continue;
    const ctx: Ctx = { req, url, qs: url.searchParams, headers: {}, status: 200 };
    const body = handler(ctx);
    return { status: ctx.status, headers: ctx.headers, body };
  }
  return { status: 404, body: `no mock address: ${req.method} ${target}` };
}
