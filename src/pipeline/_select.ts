import { findAll, isMultiPath } from "../_jsonpath";
import { ResponseError } from "../errors";
import type { JsonRecord } from "../store";

export interface SelectContext {
  resource: string;
  /** Redacted URL, for errors. */
  url: string;
  /** Removes secrets from error text (a body may echo one as a key). @default no redaction */
  redact?: (text: string) => string;
  /** Reports a page that came out empty because the selector matched nothing. */
  warn?: (message: string) => void;
}

/**
 * The records of a page. An object where a list is expected is one record. A
 * selector that matches nothing in a non-empty body gives an empty page, as in
 * dlt, and a warning (once per resource and run) that says so.
 */
export function selectRecords(body: unknown, selector: string | undefined, context: SelectContext): JsonRecord[] {
  if (body === undefined || body === null) return [];
  if (selector === undefined) return autoSelect(body);
  const matches = findAll(body, selector);
  if (matches.length === 0) {
    if (!isEmpty(body))
      context.warn?.(
        `data_selector "${selector}" matched nothing in a response (top-level keys: ${(context.redact ?? String)(describeKeys(body))}): stored as an empty page, as dlt does. Check the selector if the API has records there`,
      );
    return [];
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

/** A body read without a selector: a list's objects, or an object as one record (a scalar is none). */
function autoSelect(body: unknown): JsonRecord[] {
  if (Array.isArray(body))
    return body.filter((item): item is JsonRecord => typeof item === "object" && item !== null && !Array.isArray(item));
  return typeof body === "object" ? [body as JsonRecord] : [];
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
