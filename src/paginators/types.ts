import { setOwn } from "../_objects";
import type { HttpResponse } from "../http/client";

/** The part of a request a paginator controls. Plain data, so a position can be saved and resumed. */
export interface PageRequest {
  /** Absolute URL (a next link replaces it). */
  url: string;
  /** Query parameters of this page. */
  query: Record<string, string | string[]>;
  /**
   * Names of credential-bearing query parameters removed before this request was
   * saved (see `credentialFreeRequest`): the configured values go back on resume.
   */
  stripped?: string[];
  /** Values the paginator writes into the JSON body, by dotted path (`cursor_body_path` and the like). */
  body?: Record<string, unknown>;
}

/** Turns one page's response into the request for the next page, or `undefined` at the end. */
export interface Paginator {
  /** Adds first-page parameters (limit, offset, page). */
  init(request: PageRequest): PageRequest;
  next(request: PageRequest, response: HttpResponse, records: readonly unknown[]): PageRequest | undefined;
}

/** A stable identity for a page request: the final URL, query merged in and sorted, for the loop guard. */
export function requestKey(request: PageRequest): string {
  // POST search APIs page in the body: the same URL with another body is another page.
  if (request.body) return `${requestKey({ url: request.url, query: request.query })} ${JSON.stringify(request.body)}`;
  const names = Object.keys(request.query);
  // The common case, no query or no query in the URL, needs no parsing.
  if ((names.length === 0 && !request.url.includes("?")) || !URL.canParse(request.url))
    return request.url.split("#")[0]!;
  const url = new URL(request.url);
  for (const [key, value] of Object.entries(request.query)) {
    url.searchParams.delete(key);
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
  }
  url.searchParams.sort();
  url.hash = "";
  return url.toString();
}

export function withQuery(request: PageRequest, changes: Record<string, string | number>): PageRequest {
  const query: PageRequest["query"] = {};
  for (const [key, value] of Object.entries(request.query)) setOwn(query, key, value);
  for (const [key, value] of Object.entries(changes)) setOwn(query, key, String(value));
  return { ...request, query };
}

/** `request` with `value` for a query parameter (`param`) or at a dotted path in the JSON body (`bodyPath`). */
export function withValue(
  request: PageRequest,
  param: string,
  bodyPath: string | undefined,
  value: unknown,
): PageRequest {
  if (bodyPath === undefined)
    return withQuery(request, { [param]: typeof value === "object" ? JSON.stringify(value) : String(value) });
  const body: Record<string, unknown> = { ...request.body };
  setOwn(body, bodyPath, value);
  return { ...request, body };
}

/** The value a request carries in query parameter `param` or at `bodyPath` of its body. */
export function valueAt(request: PageRequest, param: string, bodyPath: string | undefined): unknown {
  if (bodyPath !== undefined)
    return request.body && Object.hasOwn(request.body, bodyPath) ? request.body[bodyPath] : undefined;
  const raw = request.query[param];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** `json` (a copy) with the paginator's body values written at their dotted paths, as dlt's `set_value_at_path` does. */
export function bodyWith(json: unknown, values: Record<string, unknown> | undefined): unknown {
  if (!values) return json;
  const out = structuredClone((json ?? {}) as Record<string, unknown>);
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split(".");
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (typeof next !== "object" || next === null || Array.isArray(next)) setOwn(node, key, {});
      node = node[key] as Record<string, unknown>;
    }
    setOwn(node, keys[keys.length - 1]!, value);
  }
  return out;
}
