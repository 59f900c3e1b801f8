import type { PaginatorConfig } from "../config/types";
import { nextPath, pathOf, totalPagesPath } from "./_detect";
import {
  cursorPaginator,
  headerCursorPaginator,
  headerLinkPaginator,
  jsonLinkPaginator,
  parseLinkHeader,
} from "./_links";
import { offsetPaginator, pageNumberPaginator } from "./_range";
import { adaptPaginator } from "./custom";
import type { Paginator } from "./types";

export type { PageRequest, Paginator } from "./types";
export { bodyWith, requestKey } from "./types";

const singlePage: Paginator = { init: (request) => request, next: () => undefined };

/** Reports what `auto` guessed when the guess is worth a look (dlt logs the same as a warning). */
export type PaginatorWarn = (message: string) => void;

/** A fresh paginator for one chain of pages (one per parent for child resources); `json` is the request's body. */
export function createPaginator(config: PaginatorConfig, warn?: PaginatorWarn, json?: unknown): Paginator {
  switch (config.type) {
    case "custom":
      return adaptPaginator(config.create(), json);
    case "single_page":
      return singlePage;
    case "cursor":
      return cursorPaginator(config);
    case "json_link":
      return jsonLinkPaginator(config.next_url_path);
    case "header_link":
      return headerLinkPaginator(config.links_next_key);
    case "header_cursor":
      return headerCursorPaginator(config);
    case "offset":
      return offsetPaginator(config);
    case "page_number":
      return pageNumberPaginator(config);
    case "auto":
      return autoPaginator(warn);
  }
}

/** Chooses from the first response, in dlt's order, and keeps the choice for the rest of the chain. */
function autoPaginator(warn: PaginatorWarn | undefined): Paginator {
  let chosen: Paginator | undefined;
  return {
    init: (request) => request,
    next(request, response, records) {
      if (!chosen) {
        const [paginator, note] = detect(response.headers, response.body);
        chosen = paginator;
        if (note) warn?.(note);
      }
      return chosen.next(request, response, records);
    },
  };
}

/**
 * dlt's detector: a `Link: rel="next"` header; a key starting with "next" that holds a URL
 * (`http…` or `/…`); a total page count (page_number); a key starting with "next" that holds
 * anything else (a cursor, sent back as `cursor`); else a single page. The last three are
 * guesses, said in a warning.
 */
function detect(headers: Headers, body: unknown): [Paginator, string?] {
  if (parseLinkHeader(headers.get("link")).next) return [headerLinkPaginator("next")];
  const next = nextPath(body);
  if (typeof next?.value === "string" && /^(http|\/)/.test(next.value)) return [jsonLinkPaginator(pathOf(next.keys))];
  const pages = totalPagesPath(body);
  if (pages) {
    // The page number the body gives its first page decides the base (dlt assumes 0 and, on a 1-based API, reads page 1 twice and misses the last).
    const base = pages.current ?? 0;
    const config = {
      type: "page_number",
      base_page: base,
      page: base,
      page_param: "page",
      total_path: pathOf(pages.keys),
      stop_after_empty_page: true,
    } as const;
    return [pageNumberPaginator(config), guessed(config)];
  }
  if (next) {
    const config = {
      type: "cursor",
      cursor_path: pathOf(next.keys),
      cursor_param: "cursor",
      limit_param: "limit",
      stop_after_empty_page: false,
    } as const;
    return [cursorPaginator(config), guessed(config)];
  }
  return [
    singlePage,
    'paginator "auto" found no next link, cursor or page count in the first response and read it as one page (as dlt does); if the list has more pages, set endpoint.paginator',
  ];
}

const guessed = (config: object) =>
  `paginator "auto" guessed ${JSON.stringify(config)} from the first response; check it and set it as endpoint.paginator (a wrong guess can miss or repeat pages)`;
