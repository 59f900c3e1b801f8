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
}

/** Turns one page's response into the request for the next page, or `undefined` at the end. */
export interface Paginator {
  /** Adds first-page parameters (limit, offset, page). */
  init(request: PageRequest): PageRequest;
  next(request: PageRequest, response: HttpResponse, records: readonly unknown[]): PageRequest | undefined;
}

/** A stable identity for a page request: the final URL, query merged in and sorted, for the loop guard. */
export function requestKey(request: PageRequest): string {
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
  return { url: request.url, query };
}
