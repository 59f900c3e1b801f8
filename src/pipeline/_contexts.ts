import { findFirst } from "../_jsonpath";
import type { SourceResource } from "../config/source";
import type { JsonRecord } from "../store";
import type { ResourceReport } from "./report";

/** One fan-out unit: the values a child request is built from (the single root unit for a top-level resource). */
export interface FanOutContext {
  /** Stable identity across runs: keys progress and per-parent cursors. `""` for a top-level resource. */
  key: string;
  /** Placeholder → value from the parent record. */
  values: Map<string, unknown>;
  /** Resolve params that go to the query string. */
  query: Record<string, string>;
  /** `_<parent>_<field>` fields copied into each record. */
  include: Record<string, unknown>;
}

/** What a parent keeps of each of its records for its children: the needed fields, and whether it was written. */
export interface Projection {
  fields: Record<string, unknown>;
  written: boolean;
}

export const ROOT_CONTEXT: FanOutContext = { key: "", values: new Map(), query: {}, include: {} };

/** The fields children need from a parent record. */
export function project(record: JsonRecord, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const field of fields) out[field] = findFirst(record, field);
  return { ...out };
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
      const query: Record<string, string> = {};
      let complete = true;
      for (const [placeholder, field] of link.fields) {
        const value = projection.fields[field];
        if (value === undefined || value === null || value === "") complete = false;
        values.set(placeholder, value);
      }
      for (const [param, field] of link.queryParams) {
        const value = projection.fields[field];
        if (value === undefined || value === null || value === "") complete = false;
        query[param] = String(value);
      }
      if (!complete) {
        report.parentsWithoutKey++;
        continue;
      }
      const key = JSON.stringify([...values.values(), ...Object.values(query)]);
      if (contexts.has(key)) continue;
      const include: Record<string, unknown> = {};
      for (const field of resource.includeFromParent)
        Object.defineProperty(include, `_${parentName}_${field}`, {
          value: projection.fields[field],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      contexts.set(key, { key, values, query, include });
    }
  }
  return [...contexts.values()];
}
