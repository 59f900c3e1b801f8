import { setOwn } from "../_objects";
import { fillDeep, fillTemplate } from "../config/_placeholders";
import type { SourceResource } from "../config/source";
import type { HttpClient } from "../http/client";
import type { PageRequest } from "../paginators/index";
import type { FanOutContext } from "./_contexts";
import type { IncrementalFilter } from "./_incremental";

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
  if (filter) {
    values.set("incremental.start_value", filter.startValue ?? "");
    values.set("incremental.end_value", filter.endValue ?? "");
  }
  const path = String(fillTemplate(resource.path, values, encodeURIComponent));
  // setOwn: a param or header named like an Object.prototype member ("__proto__") is data, not a prototype.
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(context.query)) setOwn(query, name, value);
  for (const [name, raw] of Object.entries(resource.params)) {
    const value = fillDeep(raw, values);
    if (value === null || value === undefined) continue;
    setOwn(query, name, Array.isArray(value) ? value.map(queryText) : queryText(value));
  }
  if (filter && resource.incremental?.start_param && filter.startValue !== undefined)
    setOwn(query, resource.incremental.start_param, String(filter.startValue));
  if (filter && resource.incremental?.end_param && filter.endValue !== undefined)
    setOwn(query, resource.incremental.end_param, String(filter.endValue));
  const json = resource.json === undefined ? undefined : fillDeep(resource.json, values);
  // dlt's `data`: an object is a form (list values repeat the field, null leaves it out), a string goes as it is.
  const data = resource.data === undefined ? undefined : fillDeep(resource.data, values);
  let form: { form: URLSearchParams } | { text: string } | undefined;
  if (typeof data === "string") form = { text: data };
  else if (data) {
    const fields = new URLSearchParams();
    for (const [name, value] of Object.entries(data))
      for (const item of Array.isArray(value) ? value : [value]) if (item !== null) fields.append(name, String(item));
    form = { form: fields };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(resource.headers))
    setOwn(headers, name, String(fillTemplate(String(value), values)));

  return { first: { url: client.resolve(path), query } satisfies PageRequest, json, form, headers };
}

/** A query value: objects (a whole-value placeholder holding one) as JSON, like path placeholders. */
function queryText(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}
