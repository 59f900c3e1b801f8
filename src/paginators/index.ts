import { findFirst } from "../_jsonpath";
import type { PaginatorConfig } from "../config/types";
import {
  cursorPaginator,
  headerCursorPaginator,
  headerLinkPaginator,
  jsonLinkPaginator,
  parseLinkHeader,
} from "./_links";
import { offsetPaginator, pageNumberPaginator } from "./_range";
import type { Paginator } from "./types";

export type { PageRequest, Paginator } from "./types";
export { requestKey } from "./types";

const singlePage: Paginator = { init: (request) => request, next: () => undefined };

/** Body paths where APIs commonly put the next page's URL, checked by `auto`. */
const NEXT_URL_PATHS = [
  "next",
  "links.next",
  "_links.next.href",
  "_links.next",
  "pagination.next",
  "meta.next",
  "paging.next",
  "next_page_url",
  "links.next.href",
];

/** A fresh paginator for one chain of pages (one per parent for child resources). */
export function createPaginator(config: PaginatorConfig): Paginator {
  switch (config.type) {
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
      return autoPaginator();
  }
}

/** Picks header_link or json_link from the first response, else single_page. */
function autoPaginator(): Paginator {
  let chosen: Paginator | undefined;
  return {
    init: (request) => request,
    next(request, response, records) {
      chosen ??= detect(response.headers, response.body);
      return chosen.next(request, response, records);
    },
  };
}

function detect(headers: Headers, body: unknown): Paginator {
  if (parseLinkHeader(headers.get("link")).next) return headerLinkPaginator("next");
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    for (const path of NEXT_URL_PATHS) {
      const value = findFirst(body, path);
      if (typeof value === "string" && /^(https?:\/\/|\/)/.test(value)) return jsonLinkPaginator(path);
    }
  }
  return singlePage;
}
