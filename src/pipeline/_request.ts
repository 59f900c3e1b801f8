import { setOwn } from "../_objects";
import { fillDeep, fillTemplate } from "../config/_placeholders";
import type { SourceResource } from "../config/source";
import type { HttpClient } from "../http/client";
import type { PageRequest } from "../paginators/index";
import type { FanOutContext } from "./_contexts";
import type { CursorValue, IncrementalFilter } from "./_incremental";

/**
 * The first page request of one fan-out context: path placeholders filled and
 * URL-encoded, params, start/end params, JSON body and headers.
 */
export function firstRequest(
  resource: SourceResource,
  context: FanOutContext,
  filter: IncrementalFilter | undefined,
  client: HttpClient,
) {
  const values = new Map(context.values);
  // dlt's `convert` turns each incremental value into what is sent; the records still compare by their own.
  const convert = resource.incremental?.convert;
  const sent = (value: CursorValue | undefined) => (value === undefined || !convert ? value : convert(value));
  const start = filter && sent(filter.startValue);
  const end = filter && sent(filter.endValue);
  if (filter) {
    // dlt's Incremental when a request is built: its last_value is still the start value (lag applied).
    values.set("incremental.start_value", start ?? "");
    values.set("incremental.last_value", start ?? "");
    values.set("incremental.initial_value", sent(resource.incremental?.initial_value) ?? "");
    values.set("incremental.end_value", end ?? "");
    values.set("incremental.lag", resource.incremental?.lag ?? "");
  }
  const path = String(fillTemplate(resource.path, values, encodeURIComponent));
  // setOwn: a param or header named like an Object.prototype member ("__proto__") is data, not a prototype.
  const query: Record<string, string | string[]> = {};
  for (const [name, raw] of Object.entries(resource.params)) {
    const value = fillDeep(raw, values);
    if (value === null || value === undefined) continue;
    setOwn(query, name, Array.isArray(value) ? value.map(queryText) : queryText(value));
  }
  if (resource.incremental?.start_param && start !== undefined && start !== null)
    setOwn(query, resource.incremental.start_param, queryText(start));
  if (resource.incremental?.end_param && end !== undefined && end !== null)
    setOwn(query, resource.incremental.end_param, queryText(end));
  const json = resource.json === undefined ? undefined : fillDeep(resource.json, values);
  // dlt's `data`: an object is a form (list values repeat the field, null leaves it out), as are [name, value]
  // pairs (in order); a string goes as it is. An empty form is no body, as requests sends none for it.
  // A raw body stays a string when it is one placeholder (`"{resources.posts.id}"` sends "0", as dlt formats it).
  const data =
    typeof resource.data === "string"
      ? queryText(fillTemplate(resource.data, values))
      : resource.data === undefined
        ? undefined
        : fillDeep(resource.data, values);
  let form: { form: URLSearchParams } | { text: string } | undefined;
  if (typeof data === "string") form = { text: data };
  else if (data) {
    const fields = new URLSearchParams();
    const pairs = Array.isArray(data) ? data : Object.entries(data);
    for (const [name, value] of pairs)
      for (const item of Array.isArray(value) ? value : [value]) if (item !== null) fields.append(name, String(item));
    if (fields.toString() !== "") form = { form: fields };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(resource.headers))
    setOwn(
      headers,
      name,
      resource.headerTemplates.includes(name) ? String(fillTemplate(String(value), values)) : String(value),
    );

  const url = client.resolve(path);
  // An absolute path (dlt's overwrite of base_url): its own endpoint.headers may go to its origin too (see prepareRequest).
  const endpointOrigin =
    /^https?:\/\//i.test(resource.path) && URL.canParse(url)
      ? { origin: new URL(url).origin, headers: resource.headerTemplates }
      : undefined;
  return { first: { url, query } satisfies PageRequest, json, form, headers, endpointOrigin };
}

/** A query value: objects (a whole-value placeholder holding one) as JSON, like path placeholders; a Date (from `convert`) as ISO. */
function queryText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}
