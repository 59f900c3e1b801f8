import { findFirst } from "../_jsonpath";
import type { PaginatorConfig } from "../config/types";
import type { HttpResponse } from "../http/client";
import { hasMoreAt } from "./_values";
import type { PageRequest, Paginator } from "./types";
import { withQuery, withValue } from "./types";

type CursorConfig = Extract<PaginatorConfig, { type: "cursor" }>;

/**
 * A next URL (absolute or relative to the page it came from) as the next request; its own query wins.
 * One that is not a URL is handed on as it came: the HTTP client refuses it (`url_refused`), naming the resource.
 */
function follow(request: PageRequest, response: HttpResponse, next: unknown): PageRequest | undefined {
  if (typeof next !== "string" || next.trim() === "") return undefined;
  const base = response.url ?? request.url;
  return { url: URL.canParse(next, base) ? new URL(next, base).toString() : next, query: {} };
}

/**
 * Cursor in the JSON body, sent back as a query parameter or at `cursor_body_path` of the request body.
 * Ends on a missing or falsy cursor (null, "", 0…), on `has_more_path` saying false, or (with
 * `stop_after_empty_page`) on a page without records.
 */
export function cursorPaginator(config: CursorConfig): Paginator {
  return {
    init: (request) =>
      config.limit === undefined ? request : withQuery(request, { [config.limit_param]: config.limit }),
    next(request, response, records) {
      if (config.stop_after_empty_page && records.length === 0) return undefined;
      if (config.has_more_path && !hasMoreAt(response.body, config.has_more_path)) return undefined;
      const cursor = findFirst(response.body, config.cursor_path);
      if (isFalsy(cursor)) return undefined;
      return withValue(request, config.cursor_param, config.cursor_body_path, cursor);
    },
  };
}

/** dlt ends a chain on any cursor Python reads as false: None, "", False, 0, an empty list or object. */
const isFalsy = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === "" ||
  value === false ||
  value === 0 ||
  (typeof value === "object" && Object.keys(value).length === 0);

/** Next page URL found in the JSON body. */
export function jsonLinkPaginator(nextUrlPath: string): Paginator {
  return {
    init: (request) => request,
    next: (request, response) => follow(request, response, findFirst(response.body, nextUrlPath)),
  };
}

/** Next page URL from an RFC 8288 `Link` header. */
export function headerLinkPaginator(rel: string): Paginator {
  return {
    init: (request) => request,
    next: (request, response) => follow(request, response, parseLinkHeader(response.headers.get("link"))[rel]),
  };
}

/** Cursor in a response header, sent back as a query parameter. */
export function headerCursorPaginator(config: Extract<PaginatorConfig, { type: "header_cursor" }>): Paginator {
  return {
    init: (request) => request,
    next(request, response) {
      const cursor = response.headers.get(config.cursor_key);
      return cursor ? withQuery(request, { [config.cursor_param]: cursor }) : undefined;
    },
  };
}

/** `rel` → URL for every entry of a Link header (RFC 8288), tolerant of spacing and quoted commas. */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = Object.create(null);
  if (!header) return links;
  let i = 0;
  while (i < header.length) {
    const open = header.indexOf("<", i);
    if (open < 0) break;
    const close = header.indexOf(">", open);
    if (close < 0) break;
    const url = header.slice(open + 1, close).trim();
    // Parameters run to the next comma outside quotes.
    let j = close + 1;
    let quoted = false;
    for (; j < header.length; j++) {
      const ch = header[j];
      if (ch === '"' && header[j - 1] !== "\\") quoted = !quoted;
      else if (ch === "," && !quoted) break;
    }
    const params = header.slice(close + 1, j);
    i = j + 1;
    for (const match of params.matchAll(/;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/g)) {
      if (match[1]!.toLowerCase() !== "rel") continue;
      for (const rel of (match[2] ?? match[3] ?? "").trim().split(/\s+/)) if (rel) links[rel.toLowerCase()] ??= url;
    }
  }
  return links;
}
