import { findFirst } from "../_jsonpath";
import type { SourceResource } from "../config/source";
import { RestsyncError } from "../errors";
import type { JsonRecord } from "../store";
import type { ResourceReport } from "./report";

/** One fan-out unit: the values a child request is built from (the single root unit for a top-level resource). */
export interface FanOutContext {
  /** Stable identity across runs: keys progress and per-parent cursors. `""` for a top-level resource. */
  key: string;
  /** Placeholder → value from the parent record. */
  values: Map<string, unknown>;
  /** `_<parent>_<field>` fields copied into each record. */
  include: Record<string, unknown>;
}

/** What a parent keeps of each of its records for its children: the needed fields, and whether it was written. */
export interface Projection {
  /** The needed fields the record has (one it lacks is absent, not `undefined`: the state is JSON). */
  fields: Record<string, unknown>;
  written: boolean;
  /** The record's own keys, only when it lacks a needed field: what the child's error shows (never values). */
  keys?: string[];
}

export const ROOT_CONTEXT: FanOutContext = { key: "", values: new Map(), include: {} };

/** What a parent keeps of `record` for its children: the fields they need, and its keys when one is missing. */
export function project(record: JsonRecord, fields: readonly string[], written: boolean): Projection {
  const out: Record<string, unknown> = Object.create(null);
  let complete = true;
  for (const field of fields) {
    const value = findFirst(record, field);
    if (value === undefined) complete = false;
    else out[field] = value;
  }
  return { fields: { ...out }, written, ...(complete ? {} : { keys: Object.keys(record) }) };
}

/** dlt raises here too: a child fanned out over only some parents would store a silently partial list. */
function missingField(resource: string, parent: string, field: string, use: string, projection: Projection) {
  const keys = projection.keys?.map((key) => JSON.stringify(key)).join(", ");
  return new RestsyncError(
    "parent_field_missing",
    `${resource}: a record of parent "${parent}" has no field "${field}" ${use}; ` +
      `its fields are ${keys || "not known"}. Check the field's name, or leave such records out in the parent's processing_steps`,
    { resource },
  );
}

/** The fan-out units of a child: one per distinct set of placeholder values across its parents' records. */
export function fanOut(
  resource: SourceResource,
  parents: Map<string, Projection[]>,
  report: ResourceReport,
): FanOutContext[] {
  const link = resource.parent!;
  const contexts = new Map<string, FanOutContext>();
  for (const parentName of link.resources) {
    for (const projection of parents.get(parentName) ?? []) {
      if (resource.parentIncremental && !projection.written) continue;
      const values = new Map<string, unknown>();
      let complete = true;
      for (const [placeholder, field] of link.fields) {
        if (!Object.hasOwn(projection.fields, field))
          throw missingField(resource.name, parentName, field, `to fill {${placeholder}}`, projection);
        const value = projection.fields[field];
        // Present but empty: no URL to build (counted in the report).
        if (value === null || value === "") complete = false;
        values.set(placeholder, value);
      }
      if (!complete) {
        report.parentsWithoutKey++;
        continue;
      }
      const include: Record<string, unknown> = {};
      for (const field of resource.includeFromParent) {
        if (!Object.hasOwn(projection.fields, field))
          throw missingField(resource.name, parentName, field, "named in include_from_parent", projection);
        Object.defineProperty(include, `_${parentName}_${field}`, {
          value: projection.fields[field],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      const key = JSON.stringify([...values.values()]);
      if (!contexts.has(key)) contexts.set(key, { key, values, include });
    }
  }
  return [...contexts.values()];
}
