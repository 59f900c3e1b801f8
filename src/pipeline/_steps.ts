import type { SourceResource } from "../config/source";
import { ResponseError } from "../errors";
import type { JsonRecord } from "../store";

/**
 * A record through the resource's processing_steps, in order, as dlt runs them:
 * a filter keeps or drops, a map replaces, a yield_map turns one record into any
 * number. The records that come out (none when one was dropped) are what the
 * incremental filter, the primary key, the store and the children see.
 */
export function applySteps(record: JsonRecord, resource: SourceResource, urlOf: () => string): JsonRecord[] {
  let records = [record];
  for (const [index, step] of resource.processingSteps.entries()) {
    if ("filter" in step) records = records.filter((r) => step.filter(r));
    else if ("map" in step) records = records.map((r) => step.map(r));
    else records = records.flatMap((r) => yielded(step.yield_map(r), resource, index, urlOf));
    if (records.length === 0) break;
  }
  return records;
}

function yielded(out: unknown, resource: SourceResource, index: number, urlOf: () => string): JsonRecord[] {
  // A string is iterable too, but never a list of records.
  if (typeof out === "object" && out !== null && Symbol.iterator in out) return [...(out as Iterable<JsonRecord>)];
  const shown = typeof out === "object" ? Object.prototype.toString.call(out) : String(out);
  throw new ResponseError(
    "record_invalid",
    `${resource.name}: processing_steps[${index}].yield_map returned ${shown} for a record from ${urlOf()}; it must return an array or iterable of records (e.g. a generator function)`,
    { url: urlOf(), resource: resource.name },
  );
}
