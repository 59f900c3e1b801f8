import { isPlainObject } from "../_objects";
import type { ConfigIssue } from "../errors";
import type { ParentLink } from "./_dependencies";

/** dlt's merge strategies restsync honours (scd2 is refused). */
export type MergeStrategy = "delete-insert" | "upsert" | "insert-only";

/** The column whose value marks a record deleted (dlt's `hard_delete` hint). */
export interface HardDelete {
  column: string;
  /** Declared `data_type: "bool"`: only `true` deletes (otherwise any non-null, non-boolean value does too). */
  bool: boolean;
}

/** How a resource's records land in the store, as validated. */
export interface WritePlan {
  writeDisposition: "merge" | "append" | "replace";
  /** Under merge: dlt's strategy (default delete-insert, which is an upsert unless there is a merge_key). */
  mergeStrategy: MergeStrategy | undefined;
  mergeKey: readonly string[] | undefined;
  hardDelete: HardDelete | undefined;
  deleteMissing: "remove" | "flag" | undefined;
}

interface WriteKeys {
  write_disposition:
    | "merge"
    | "append"
    | "replace"
    | { disposition: "merge" | "append" | "replace"; strategy?: string };
  merge_key?: string | string[] | undefined;
  delete_missing?: "remove" | "flag" | undefined;
  columns?: unknown;
}

const SCD2 =
  '"scd2" is not supported: restsync stores one record per primary key, and scd2 keeps each version as its own row with _dlt_valid_from/_dlt_valid_to. Use "upsert" or "delete-insert" (or "append" to keep every version)';

/** Validates the write keys of one resource (`at` is its config path) into a {@link WritePlan}. */
export function writePlan(r: WriteKeys, incremental: boolean, at: string, issues: ConfigIssue[]): WritePlan {
  const given = typeof r.write_disposition === "object" ? r.write_disposition : { disposition: r.write_disposition };
  const writeDisposition = given.disposition;
  const merge = writeDisposition === "merge";
  let strategy = given.strategy;
  if (strategy !== undefined && !merge) {
    issues.push({ path: `${at}.write_disposition.strategy`, message: `strategy applies to "merge" only` });
  } else if (strategy === "scd2") {
    issues.push({ path: `${at}.write_disposition.strategy`, message: SCD2 });
    strategy = undefined;
  }
  const mergeStrategy = merge ? ((strategy as MergeStrategy | undefined) ?? "delete-insert") : undefined;
  const mergeKey = typeof r.merge_key === "string" ? [r.merge_key] : r.merge_key;
  if (mergeKey && mergeStrategy !== "delete-insert")
    issues.push({
      path: `${at}.merge_key`,
      message: `merge_key needs write_disposition "merge" with the "delete-insert" strategy`,
    });
  if (r.delete_missing !== undefined && !merge)
    issues.push({
      path: `${at}.delete_missing`,
      message: `delete_missing needs write_disposition "merge" (replace already keeps only what was listed)`,
    });
  else if (r.delete_missing !== undefined && incremental)
    issues.push({
      path: `${at}.delete_missing`,
      message: "delete_missing needs the full list, and an incremental resource reads only what changed: remove one",
    });
  return {
    writeDisposition,
    mergeStrategy,
    mergeKey,
    hardDelete: merge ? hardDeleteOf(r.columns) : undefined,
    deleteMissing: r.delete_missing,
  };
}

/** The first column with `hard_delete: true`, from dlt's `columns` (a map of column hints, or a list with `name`s). */
function hardDeleteOf(columns: unknown): HardDelete | undefined {
  const entries: Array<[string, unknown]> = Array.isArray(columns)
    ? columns.map((hints) => [String((hints as { name?: unknown })?.name ?? ""), hints])
    : isPlainObject(columns)
      ? Object.entries(columns)
      : [];
  for (const [column, hints] of entries)
    if (column && isPlainObject(hints) && hints.hard_delete === true)
      return { column, bool: hints.data_type === "bool" };
  return undefined;
}

/** Whether `columns` holds a hint restsync ignores (anything but `name`, `data_type` and `hard_delete`). */
export function hasIgnoredColumnHints(columns: unknown): boolean {
  const all = Array.isArray(columns) ? columns : isPlainObject(columns) ? Object.values(columns) : [columns];
  return all.some(
    (hints) =>
      !isPlainObject(hints) || Object.keys(hints).some((k) => !["name", "data_type", "hard_delete"].includes(k)),
  );
}

/**
 * delete_missing on a child counts only when its parents' list is complete: no
 * ancestor may be incremental (its list holds only what changed) and the child
 * may not fan out over written parents only (`parent_incremental`).
 */
export function deleteMissingParentIssues(
  resources: ReadonlyArray<{
    name: string;
    index: number;
    deleteMissing?: string | undefined;
    incremental: unknown;
    parentIncremental: boolean;
  }>,
  links: ReadonlyMap<string, ParentLink>,
  issues: ConfigIssue[],
): void {
  const byName = new Map(resources.map((r) => [r.name, r]));
  for (const resource of resources) {
    if (!resource.deleteMissing || !links.has(resource.name)) continue;
    const path = `resources[${resource.index}].delete_missing`;
    if (resource.parentIncremental) {
      issues.push({ path, message: "delete_missing needs every parent's list: remove parent_incremental" });
      continue;
    }
    const seen = new Set<string>();
    const queue = [...(links.get(resource.name)?.resources ?? [])];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (byName.get(name)?.incremental) {
        issues.push({
          path,
          message: `delete_missing needs the full list of parents, and "${name}" is incremental: remove one`,
        });
        break;
      }
      queue.push(...(links.get(name)?.resources ?? []));
    }
  }
}
