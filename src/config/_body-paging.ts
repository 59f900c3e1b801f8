import { isPlainObject } from "../_objects";
import type { ConfigIssue } from "../errors";
import type { PaginatorConfig } from "./types";

/** Each `*_body_path` key and the query key it replaces (dlt takes one or the other, never both). */
const PAIRS = ["cursor", "offset", "limit", "page"].map((name) => [`${name}_body_path`, `${name}_param`] as const);

/** A registered paginator whose factory throws on the config's options (or makes no paginator): said at validation, as dlt does. */
export function customIssues(paginator: PaginatorConfig | undefined, at: string): ConfigIssue[] {
  if (paginator?.type !== "custom" || paginator.shared) return [];
  try {
    paginator.create();
    return [];
  } catch (error) {
    return [{ path: at, message: `paginator "${paginator.name}" could not be made: ${(error as Error)?.message}` }];
  }
}

/**
 * An offset or page-number paginator that cannot end: no total, no maximum, no has-more flag and not
 * stopping at an empty page. dlt refuses it when it is made; so does validation.
 */
export function endlessIssues(paginator: PaginatorConfig | null | undefined, at: string): ConfigIssue[] {
  if (paginator?.type !== "offset" && paginator?.type !== "page_number") return [];
  const maximum = paginator.type === "offset" ? "maximum_offset" : "maximum_page";
  if (paginator.total_path || paginator.has_more_path || paginator.stop_after_empty_page) return [];
  if ((paginator as Record<string, unknown>)[maximum] !== undefined) return [];
  return [
    {
      path: `${at}.stop_after_empty_page`,
      message: `this ${paginator.type} paginator can never stop: with total_path null, set ${maximum}, has_more_path or stop_after_empty_page: true`,
    },
  ];
}

/** A paginator (as written) that names both a query parameter and a body path for the same value. */
export function bothPlacesIssues(raw: unknown, at: string): ConfigIssue[] {
  if (!isPlainObject(raw)) return [];
  return PAIRS.filter(([body, param]) => raw[body] !== undefined && raw[param] !== undefined).map(([body, param]) => ({
    path: `${at}.${body}`,
    message: `${body} and ${param} both set: the value goes in the JSON body or in the query, not both (keep one)`,
  }));
}

/**
 * A paginator that writes into the JSON body needs a POST without a form body; `data` and `json`
 * together would lose the JSON (dlt sends `data` and drops `json` without a word).
 */
export function bodyIssues(
  paginator: PaginatorConfig,
  endpoint: { method: string; json?: unknown; data?: unknown },
  at: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (endpoint.data !== undefined && endpoint.json !== undefined)
    issues.push({ path: `${at}.endpoint.data`, message: "data and json both set: a request has one body (keep one)" });
  // fetch cannot send a GET with a body: without this, every attempt would fail as a network error.
  if (endpoint.data !== undefined && endpoint.method !== "POST")
    issues.push({
      path: `${at}.endpoint.data`,
      message: `data is a request body, which a ${endpoint.method} does not send: set method: "POST"`,
    });
  const written = PAIRS.map(([body]) => body).find((key) => (paginator as Record<string, unknown>)[key] !== undefined);
  if (!written) return issues;
  if (endpoint.method !== "POST")
    issues.push({
      path: `${at}.endpoint.method`,
      message: `the paginator's ${written} writes the JSON request body, which a ${endpoint.method} does not send: set method: "POST"`,
    });
  if (endpoint.data !== undefined)
    issues.push({
      path: `${at}.endpoint.data`,
      message: `the paginator's ${written} writes a JSON body, and data sends a form instead: use json for the body`,
    });
  return issues;
}
