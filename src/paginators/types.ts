import type { HttpResponse } from "../http/client";

/** The part of a request a paginator controls. Plain data, so a position can be saved and resumed. */
export interface PageRequest {
  /** Absolute URL (a next link replaces it). */
  url: string;
  /** Query parameters of this page. */
  query: Record<string, string | string[]>;
}

/** Turns one page's response into the request for the next page, or `undefined` at the end. */
export interface Paginator {
  /** Adds first-page parameters (limit, offset, page). */
  init(request: PageRequest): PageRequest;
  next(request: PageRequest, response: HttpResponse, records: readonly unknown[]): PageRequest | undefined;
}

/** A stable identity for a page request, for the loop guard. */
export function requestKey(request: PageRequest): string {
  const query = Object.keys(request.query)
    .sort()
    .map((key) => `${key}=${JSON.stringify(request.query[key])}`)
    .join("&");
  return `${request.url}?${query}`;
}

export function withQuery(request: PageRequest, changes: Record<string, string | number>): PageRequest {
  const query = { ...request.query };
  for (const [key, value] of Object.entries(changes)) query[key] = String(value);
  return { url: request.url, query };
}
