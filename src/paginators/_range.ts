import type { PaginatorConfig } from "../config/types";
import type { HttpResponse } from "../http/client";
import { hasMoreAt, totalAt } from "./_values";
import type { Paginator } from "./types";
import { valueAt, withValue } from "./types";

type OffsetConfig = Extract<PaginatorConfig, { type: "offset" }>;
type PageNumberConfig = Extract<PaginatorConfig, { type: "page_number" }>;

function toNumber(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/**
 * dlt's RangePaginator.update_state: no next page after an empty one (stop_after_empty_page); else the
 * next value unless it reaches the total or the maximum, and a has-more flag, when configured, decides.
 * A total or flag that is missing or not a number / boolean fails the page, as dlt raises.
 */
function nextValue(
  config: OffsetConfig | PageNumberConfig,
  response: HttpResponse,
  records: readonly unknown[],
  next: number,
  reachedTotal: (total: number) => boolean,
  maximum: number | undefined,
): number | undefined {
  if (config.stop_after_empty_page && records.length === 0) return undefined;
  const total = config.total_path ? totalAt(response.body, config.total_path) : undefined;
  let more = !(total !== undefined && reachedTotal(total)) && !(maximum !== undefined && next >= maximum);
  if (config.has_more_path) more = hasMoreAt(response.body, config.has_more_path);
  return more ? next : undefined;
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
      const offset = (toNumber(valueAt(request, param, at)) ?? config.offset) + config.limit;
      const next = nextValue(config, response, records, offset, (total) => offset >= total, config.maximum_offset);
      return next === undefined ? undefined : withValue(request, param, at, next);
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
      const page = (toNumber(valueAt(request, param, at)) ?? first) + 1;
      // As in dlt: pagination stops once the page number reaches maximum_page (or the total page count).
      const next = nextValue(
        config,
        response,
        records,
        page,
        (totalPages) => page - config.base_page >= totalPages,
        config.maximum_page,
      );
      return next === undefined ? undefined : withValue(request, param, at, next);
    },
  };
}
