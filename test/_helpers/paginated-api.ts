/**
 * A small, realistic paginated list API registered on the reference mock, so
 * paginator and selector tests can vary the number of items and the
 * pagination style instead of hard-coding responses.
 */

import type { Pipeline } from "restsync";
import { expect } from "vitest";
import type { LoggedRequest, MockApi, MockRequest, MockResponse } from "../mock/index";

export interface Item {
  id: number;
  name: string;
  [key: string]: unknown;
}

/** `n` items with ids `start`, `start + 1`, … */
export function makeItems(n: number, start = 1): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    id: start + i,
    name: `item ${start + i}`,
    tags: [`t${(start + i) % 3}`],
  }));
}

/** What the server does when the list is exhausted: leave the field out, send null, an empty string or false. */
export type EndMarker = "missing" | "null" | "empty" | "false";

export type Pagination =
  /** Every item in one body; `next` is put in the body anyway (a link the client must ignore). */
  | { style: "single"; next?: string }
  /**
   * Opaque cursor in the body at `cursorPath`, read back from `cursorParam`; page size from `limitParam` or `pageSize`.
   * `numeric`: the cursor is a JSON number (the index of the next item) instead of a token.
   */
  | {
      style: "cursor";
      pageSize: number;
      cursorParam?: string;
      limitParam?: string;
      cursorPath?: string;
      end?: EndMarker;
      numeric?: boolean;
    }
  /**
   * `?page=N` (from 1) with the next page's URL in the body at `nextPath`, written as `link`.
   * The link repeats the request's other query parameters unless `keepQuery` is false.
   */
  | {
      style: "json_link";
      pageSize: number;
      nextPath?: string;
      link?: "absolute" | "root-relative" | "query-relative" | "path-relative";
      end?: EndMarker;
      keepQuery?: boolean;
    }
  /** `?page=N` (from 1) with an RFC 8288 Link header; `format` writes the header from the links. */
  | { style: "header_link"; pageSize: number; format?: (links: PageLinks) => string | undefined }
  /** Opaque cursor in a response header, read back from `cursorParam`. */
  | { style: "header_cursor"; pageSize: number; header?: string; cursorParam?: string }
  /** `offset`/`limit` query parameters; `total` reported as a number, a numeric string or not at all; optional has_more flag. */
  | {
      style: "offset";
      defaultLimit?: number;
      offsetParam?: string;
      limitParam?: string;
      total?: "number" | "string" | "none";
      totalPath?: string;
      hasMorePath?: string;
    }
  /** `page` query parameter counted from `basePage`; optional total page count and has_more flag. */
  | {
      style: "page_number";
      pageSize: number;
      basePage?: number;
      pageParam?: string;
      totalPages?: "number" | "string" | "none";
      totalPath?: string;
      hasMorePath?: string;
    };

export interface PageLinks {
  next?: string;
  prev?: string;
  first: string;
  last: string;
}

export interface PaginatedApiOptions {
  /** Where the records go in the body (dotted); "" sends the bare list. @default "data" */
  dataPath?: string;
  /** Extra fields merged into every body. */
  extra?: Record<string, unknown>;
  /** Builds the body around a page's records instead of `dataPath` (pagination fields are added when it is an object). */
  wrap?: (records: Item[]) => unknown;
}

export interface PaginatedApi {
  /** The path to put in `endpoint.path`. */
  path: string;
  items: Item[];
  /** Requests this route answered, in order, with the raw query string (to spot duplicated params). */
  hits: Array<{ path: string; search: string; query: Record<string, string> }>;
  /** The mock's log entries for this API, in order. */
  requests(): LoggedRequest[];
}

/** The opaque cursor the server hands out for "the page starting at item index `afterIndex`". */
export const cursorFor = (afterIndex: number): string => Buffer.from(`after:${afterIndex}`).toString("base64url");
const encodeCursor = cursorFor;
function decodeCursor(token: string): number | undefined {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** Sets a dotted path in `target`, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function endValue(marker: EndMarker): { set: boolean; value?: unknown } {
  switch (marker) {
    case "missing":
      return { set: false };
    case "null":
      return { set: true, value: null };
    case "empty":
      return { set: true, value: "" };
    case "false":
      return { set: true, value: false };
  }
}

const bad = (message: string): MockResponse => ({ status: 400, body: { error: message } });

function positiveInt(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Registers GET `path` on the mock serving `items` with the given pagination.
 * The server validates what it is sent (bad cursors and numbers are 400s), like a real API.
 */
export function servePaginated(
  mock: MockApi,
  path: string,
  items: readonly Item[],
  pagination: Pagination,
  options: PaginatedApiOptions = {},
): PaginatedApi {
  const dataPath = options.dataPath ?? "data";
  const hits: PaginatedApi["hits"] = [];
  const envelope = (records: readonly Item[], meta: Record<string, unknown> = {}): unknown => {
    const copies = records.map((r) => structuredClone(r));
    if (options.wrap) {
      const body = options.wrap(copies);
      if (typeof body === "object" && body !== null && !Array.isArray(body))
        for (const [key, value] of Object.entries(meta)) setPath(body as Record<string, unknown>, key, value);
      return body;
    }
    if (dataPath === "") return copies;
    const body: Record<string, unknown> = { ...structuredClone(options.extra ?? {}) };
    setPath(body, dataPath, copies);
    for (const [key, value] of Object.entries(meta)) setPath(body, key, value);
    return body;
  };
  const pageOf = (page: number, size: number) => items.slice((page - 1) * size, page * size);
  const pageCount = (size: number) => Math.max(1, Math.ceil(items.length / size));

  let routePath: string | RegExp = path;
  let endpointPath = path;
  let handler: (req: MockRequest) => MockResponse;

  switch (pagination.style) {
    case "single":
      handler = () => ({ body: envelope(items, pagination.next ? { next: pagination.next } : {}) });
      break;

    case "cursor": {
      const cursorParam = pagination.cursorParam ?? "cursor";
      const limitParam = pagination.limitParam ?? "limit";
      const cursorPath = pagination.cursorPath ?? "next";
      const end = endValue(pagination.end ?? "null");
      handler = (req) => {
        const limit = positiveInt(req.query[limitParam], pagination.pageSize);
        if (!limit) return bad(`${limitParam} must be a positive integer`);
        const token = req.query[cursorParam];
        const start =
          token === undefined
            ? 0
            : pagination.numeric
              ? /^\d+$/.test(token)
                ? Number(token)
                : undefined
              : decodeCursor(token);
        if (start === undefined) return bad(`invalid ${cursorParam}`);
        const page = items.slice(start, start + limit);
        const more = start + limit < items.length;
        const meta: Record<string, unknown> = {};
        if (more) meta[cursorPath] = pagination.numeric ? start + limit : encodeCursor(start + limit);
        else if (end.set) meta[cursorPath] = end.value;
        return { body: envelope(page, meta) };
      };
      break;
    }

    case "json_link": {
      const nextPath = pagination.nextPath ?? "next";
      const link = pagination.link ?? "absolute";
      const end = endValue(pagination.end ?? "null");
      const size = pagination.pageSize;
      if (link === "path-relative") {
        // Static-file style: /base/page1, /base/page2 … linked as "page2".
        const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        routePath = new RegExp(`^${escaped}/page(?<n>\\d+)$`);
        endpointPath = `${path}/page1`;
      }
      handler = (req) => {
        const page = link === "path-relative" ? Number(req.params["n"]) : positiveInt(req.query["page"], 1);
        if (!page) return bad("page must be a positive integer");
        const meta: Record<string, unknown> = {};
        if (page < pageCount(size)) {
          const query = new URLSearchParams(pagination.keepQuery === false ? "" : req.url.search);
          query.set("page", String(page + 1));
          meta[nextPath] =
            link === "absolute"
              ? `${mock.url}${path}?${query}`
              : link === "root-relative"
                ? `${path}?${query}`
                : link === "query-relative"
                  ? `?${query}`
                  : `page${page + 1}`;
        } else if (end.set) meta[nextPath] = end.value;
        return { body: envelope(pageOf(page, size), meta) };
      };
      break;
    }

    case "header_link": {
      const size = pagination.pageSize;
      const format =
        pagination.format ??
        ((links: PageLinks) =>
          [
            links.next && `<${links.next}>; rel="next"`,
            links.prev && `<${links.prev}>; rel="prev"`,
            `<${links.first}>; rel="first"`,
            `<${links.last}>; rel="last"`,
          ]
            .filter(Boolean)
            .join(", "));
      handler = (req) => {
        const page = positiveInt(req.query["page"], 1);
        if (!page) return bad("page must be a positive integer");
        const url = (n: number) => {
          const query = new URLSearchParams(req.url.search);
          query.set("page", String(n));
          return `${mock.url}${path}?${query}`;
        };
        const last = pageCount(size);
        const header = format({
          ...(page < last ? { next: url(page + 1) } : {}),
          ...(page > 1 ? { prev: url(page - 1) } : {}),
          first: url(1),
          last: url(last),
        });
        return { headers: header ? { link: header } : {}, body: envelope(pageOf(page, size)) };
      };
      break;
    }

    case "header_cursor": {
      const header = pagination.header ?? "x-next-cursor";
      const cursorParam = pagination.cursorParam ?? "cursor";
      const size = pagination.pageSize;
      handler = (req) => {
        const token = req.query[cursorParam];
        const start = token === undefined ? 0 : decodeCursor(token);
        if (start === undefined) return bad(`invalid ${cursorParam}`);
        const more = start + size < items.length;
        return {
          headers: more ? { [header]: encodeCursor(start + size) } : {},
          body: envelope(items.slice(start, start + size)),
        };
      };
      break;
    }

    case "offset": {
      const offsetParam = pagination.offsetParam ?? "offset";
      const limitParam = pagination.limitParam ?? "limit";
      const total = pagination.total ?? "number";
      handler = (req) => {
        const offset = positiveInt(req.query[offsetParam], 0);
        const limit = positiveInt(req.query[limitParam], pagination.defaultLimit ?? 20);
        if (offset === undefined || !limit) return bad(`${offsetParam} and ${limitParam} must be integers`);
        const meta: Record<string, unknown> = {};
        if (total !== "none")
          meta[pagination.totalPath ?? "total"] = total === "string" ? String(items.length) : items.length;
        if (pagination.hasMorePath) meta[pagination.hasMorePath] = offset + limit < items.length;
        return { body: envelope(items.slice(offset, offset + limit), meta) };
      };
      break;
    }

    case "page_number": {
      const base = pagination.basePage ?? 0;
      const pageParam = pagination.pageParam ?? "page";
      const totalPages = pagination.totalPages ?? "number";
      const size = pagination.pageSize;
      handler = (req) => {
        const raw = positiveInt(req.query[pageParam], base);
        if (raw === undefined || raw < base) return bad(`${pageParam} must be an integer from ${base}`);
        const page = raw - base + 1;
        const pages = Math.ceil(items.length / size);
        const meta: Record<string, unknown> = {};
        if (totalPages !== "none")
          meta[pagination.totalPath ?? "total"] = totalPages === "string" ? String(pages) : pages;
        if (pagination.hasMorePath) meta[pagination.hasMorePath] = page < pages;
        return { body: envelope(pageOf(page, size), meta) };
      };
      break;
    }
  }

  mock.route("GET", routePath, (req) => {
    hits.push({ path: req.path, search: req.url.search, query: { ...req.query } });
    return handler(req);
  });
  const matches = (logged: string) => (typeof routePath === "string" ? logged === routePath : routePath.test(logged));
  return { path: endpointPath, items: [...items], hits, requests: () => mock.requests.filter((r) => matches(r.path)) };
}

/** Ids of what the pipeline stored for `resource`, ascending. */
export async function storedIds(pipeline: Pipeline, resource: string): Promise<number[]> {
  const ids: number[] = [];
  for await (const record of pipeline.records(resource)) ids.push(record.id as number);
  return ids.sort((a, b) => a - b);
}

/** The store holds exactly `items` for `resource`: same count, same ids, same records. */
export async function expectStored(pipeline: Pipeline, resource: string, items: readonly Item[]): Promise<void> {
  expect(await pipeline.count(resource), `${resource}: count()`).toBe(items.length);
  expect(await storedIds(pipeline, resource), `${resource}: ids`).toEqual(items.map((i) => i.id).sort((a, b) => a - b));
  const stored = new Map<number, unknown>();
  for await (const record of pipeline.records(resource)) stored.set(record.id as number, record);
  for (const item of items) expect(stored.get(item.id), `${resource}: record ${item.id}`).toEqual(item);
}
