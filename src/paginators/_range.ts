import { findFirst } from "../_jsonpath";
import type { PaginatorConfig } from "../config/types";
import type { HttpResponse } from "../http/client";
import { saysNoMore } from "./_links";
import type { Paginator } from "./types";
import { valueAt, withValue } from "./types";

type OffsetConfig = Extract<PaginatorConfig, { type: "offset" }>;
type PageNumberConfig = Extract<PaginatorConfig, { type: "page_number" }>;

function toNumber(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** Stops shared by offset and page-number pagination: has_more flag, then empty page. */
function saysStop(
  config: OffsetConfig | PageNumberConfig,
  response: HttpResponse,
  records: readonly unknown[],
): boolean {
  return saysNoMore(response.body, config.has_more_path) || (config.stop_after_empty_page && records.length === 0);
}

/**
 * `offset` + `limit` pagination (in the query, or at `offset_body_path` / `limit_body_path` of the JSON body),
 * stopping at total, maximum_offset, has_more=false or an empty page.
 */
export function offsetPaginator(config: OffsetConfig): Paginator {
  const { offset_param: param, offset_body_path: at } = config;
  return {
    init: (request) =>
      withValue(withValue(request, param, at, config.offset), config.limit_param, config.limit_body_path, config.limit),
    next(request, response, records) {
      if (saysStop(config, response, records)) return undefined;
      const offset = (toNumber(valueAt(request, param, at)) ?? config.offset) + config.limit;
      const total = config.total_path ? toNumber(findFirst(response.body, config.total_path)) : undefined;
      if (total !== undefined && offset >= total) return undefined;
      if (config.maximum_offset !== undefined && offset >= config.maximum_offset) return undefined;
      return withValue(request, param, at, offset);
    },
  };
}

/**
 * `page` pagination from `base_page` (in the query, or at `page_body_path` of the JSON body), stopping
 * at the total page count, maximum_page, has_more=false or an empty page.
 */
export function pageNumberPaginator(config: PageNumberConfig): Paginator {
  const first = config.page ?? config.base_page;
  const { page_param: param, page_body_path: at } = config;
  return {
    init: (request) => withValue(request, param, at, first),
    next(request, response, records) {
      if (saysStop(config, response, records)) return undefined;
      const page = (toNumber(valueAt(request, param, at)) ?? first) + 1;
      const totalPages = config.total_path ? toNumber(findFirst(response.body, config.total_path)) : undefined;
      if (totalPages !== undefined && page - config.base_page >= totalPages) return undefined;
      // As in dlt: pagination stops once the page number reaches maximum_page.
      if (config.maximum_page !== undefined && page >= config.maximum_page) return undefined;
      return withValue(request, param, at, page);
    },
  };
}
