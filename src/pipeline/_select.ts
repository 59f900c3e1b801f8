import { findAll, isMultiPath } from "../_jsonpath";
import { ResponseError } from "../errors";
import type { JsonRecord } from "../store";

/** Body keys that usually hold the list, tried in order when no data_selector is given. */
const LIST_KEYS = ["data", "items", "results", "records", "entries", "rows", "objects", "values", "list", "hits"];

export interface SelectContext {
  resource: string;
  /** Redacted URL, for errors. */
  url: string;
  /** Removes secrets from error text (a body may echo one as a key). @default no redaction */
  redact?: (text: string) => string;
}

/**
 * The records of a page. An object where a list is expected is one record; a
 * selector that matches nothing in a non-empty body is an error, never an
 * empty page.
 */
export function selectRecords(body: unknown, selector: string | undefined, context: SelectContext): JsonRecord[] {
  if (body === undefined || body === null) return [];
  if (selector === undefined) return autoSelect(body);
  const matches = findAll(body, selector);
  if (matches.length === 0) {
    if (isEmpty(body)) return [];
    throw new ResponseError(
      "selector_no_match",
      `${context.resource}: data_selector "${selector}" matches nothing in the response from ${context.url} (top-level keys: ${(context.redact ?? String)(describeKeys(body))})`,
      { url: context.url, resource: context.resource },
    );
  }
  const values = isMultiPath(selector) ? matches.flatMap((m) => (Array.isArray(m) ? m : [m])) : matches;
  const out: JsonRecord[] = [];
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) pushRecord(out, item, selector, context);
    else pushRecord(out, value, selector, context);
  }
  return out;
}

function pushRecord(out: JsonRecord[], item: unknown, selector: string, context: SelectContext): void {
  if (item === null || item === undefined) return;
  if (typeof item === "object" && !Array.isArray(item)) {
    out.push(item as JsonRecord);
    return;
  }
  throw new ResponseError(
    "selector_no_match",
    `${context.resource}: data_selector "${selector}" in the response from ${context.url} holds ${Array.isArray(item) ? "a nested list" : typeof item} values, not records`,
    { url: context.url, resource: context.resource },
  );
}

function autoSelect(body: unknown): JsonRecord[] {
  if (Array.isArray(body))
    return body.filter((item): item is JsonRecord => typeof item === "object" && item !== null && !Array.isArray(item));
  if (typeof body !== "object") return [];
  const object = body as JsonRecord;
  for (const key of LIST_KEYS) {
    // Own keys only: a body is data, whatever its prototype chain says.
    const value = Object.hasOwn(object, key) ? object[key] : undefined;
    if (Array.isArray(value)) return autoSelect(value);
  }
  return [object];
}

function isEmpty(body: unknown): boolean {
  return (
    (Array.isArray(body) && body.length === 0) ||
    (typeof body === "object" && body !== null && Object.keys(body).length === 0) ||
    body === ""
  );
}

function describeKeys(body: unknown): string {
  if (typeof body !== "object" || body === null) return typeof body;
  if (Array.isArray(body)) return "a list";
  const keys = Object.keys(body);
  return keys.length > 8 ? `${keys.slice(0, 8).join(", ")}, …` : keys.join(", ");
}
