import type { JsonRecord, Pipeline } from "restsync";

/** A record filter: what the data browser shows. */
export type Match = (record: JsonRecord) => boolean;

/**
 * The filter of the form: with a field, records whose value there equals `value`
 * as text (any element, for a list); without one, records with any value that
 * contains `value`, ignoring case. Undefined (every record) for an empty value.
 */
export function matcher(field: string, value: string): Match | undefined {
  const wanted = value.trim();
  if (wanted === "") return undefined;
  if (field.trim() === "") {
    const needle = wanted.toLowerCase();
    return (record) => scalars(record).some((v) => String(v).toLowerCase().includes(needle));
  }
  return (record) => {
    const v = fieldAt(record, field.trim());
    return Array.isArray(v) ? v.some((item) => String(item) === wanted) : String(v) === wanted;
  };
}

/**
 * One page of a resource's stored records, in key order, and how many there are
 * (that match). `pipeline.records` reads IndexedDB in batches; skipping to an
 * offset reads what comes before it, which is fine for the thousands of records
 * a tab holds.
 */
export async function readPage(
  pipeline: Pipeline,
  resource: string,
  offset: number,
  limit: number,
  match?: Match,
): Promise<{ records: JsonRecord[]; total: number }> {
  const records: JsonRecord[] = [];
  if (!match) {
    const total = await pipeline.count(resource);
    let index = 0;
    if (offset < total) {
      for await (const record of pipeline.records(resource)) {
        if (index++ >= offset) records.push(record);
        if (records.length === limit) break;
      }
    }
    return { records, total };
  }
  let total = 0;
  for await (const record of pipeline.records(resource)) {
    if (!match(record)) continue;
    if (total >= offset && records.length < limit) records.push(record);
    total++;
  }
  return { records, total };
}

/** The value at a dotted path (`id`, `owner.id`, `$.id`) of a record. */
export function fieldAt(record: JsonRecord, path: string): unknown {
  let value: unknown = record;
  for (const name of path.replace(/^\$\./, "").split(".")) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined;
  }
  return value;
}

/** Every string, number and boolean in a record, however deep. */
function scalars(value: unknown): unknown[] {
  if (value === null || typeof value !== "object") return value === null ? [] : [value];
  return Object.values(value).flatMap(scalars);
}
