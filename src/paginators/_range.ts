import { findFirst } from "../_jsonpath";
import type { PaginatorConfig } from "../config/types";
import type { HttpResponse } from "../http/client";
import type { PageRequest, Paginator } from "./types";
import { withQuery } from "./types";

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
  if (config.has_more_path) {
    const more = findFirst(response.body, config.has_more_path);
    if (more === false || more === "false" || more === 0) return true;
  }
  return config.stop_after_empty_page && records.length === 0;
}

function currentNumber(request: PageRequest, param: string, fallback: number): number {
  const raw = request.query[param];
  return toNumber(Array.isArray(raw) ? raw[0] : raw) ?? fallback;
}

/** `offset` + `limit` pagination, stopping at total, maximum_offset, has_more=false or an empty page. */
export function offsetPaginator(config: OffsetConfig): Paginator {
  return {
    init: (request) => withQuery(request, { [config.offset_param]: config.offset, [config.limit_param]: config.limit }),
    next(request, response, records) {
      if (saysStop(config, response, records)) return undefined;
      const offset = currentNumber(request, config.offset_param, config.offset) + config.limit;
      const total = config.total_path ? toNumber(findFirst(response.body, config.total_path)) : undefined;
      if (total !== undefined && offset >= total) return undefined;
      if (config.maximum_offset !== undefined && offset >= config.maximum_offset) return undefined;
      return withQuery(request, { [config.offset_param]: offset });
    },
  };
}

/** `page` pagination from `base_page`, stopping at the total page count, maximum_page, has_more=false or an empty page. */
export function pageNumberPaginator(config: PageNumberConfig): Paginator {
  const first = config.page ?? config.base_page;
  return {
    init: (request) => withQuery(request, { [config.page_param]: first }),
    next(request, response, records) {
      if (saysStop(config, response, records)) return undefined;
      const page = currentNumber(request, config.page_param, first) + 1;
      const totalPages = config.total_path ? toNumber(findFirst(response.body, config.total_path)) : undefined;
      if (totalPages !== undefined && page - config.base_page >= totalPages) return undefined;
      // As in dlt: pagination stops once the page number reaches maximum_page.
      if (config.maximum_page !== undefined && page >= config.maximum_page) return undefined;
      return withQuery(request, { [config.page_param]: page });
    },
  };
}
