import type { SourceResource } from "../config/source";
import { ResponseError, StorageError } from "../errors";
import type { JsonRecord } from "../store";
import { recordKey, type StoreAdapter } from "../store";
import { hashString, stableStringify } from "./_stable";

/**
 * A record's identity: its primary key, or without one a hash of its content.
 * The incremental filter tells records tied at the cursor apart by it; `merge`
 * stores records under it.
 */
export function identityKey(resource: SourceResource, record: JsonRecord, urlOf: () => string): string {
  if (!resource.primaryKey) return hashString(stableStringify(record));
  // One field (the common case): no arrays, this runs for every record.
  if (resource.primaryKey.length === 1) {
    const field = resource.primaryKey[0]!;
    const value = Object.hasOwn(record, field) ? record[field] : undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number") return JSON.stringify(value);
  }
  const values = resource.primaryKey.map((field) => (Object.hasOwn(record, field) ? record[field] : undefined));
  const missing = resource.primaryKey.filter((_, i) => values[i] === undefined || values[i] === null);
  if (missing.length > 0) {
    const url = urlOf();
    throw new ResponseError(
      "record_invalid",
      `${resource.name}: a record from ${url} has no primary key ${missing.map((m) => `"${m}"`).join(", ")}`,
      { url, resource: resource.name },
    );
  }
  return recordKey(values);
}

/**
 * Records stored by position, in arrival order, rather than by identity: every
 * `append` record, and `replace` records without a primary key. Two identical rows
 * the API returned are two rows stored, as in dlt.
 */
export function isPositional(resource: SourceResource): boolean {
  return resource.writeDisposition === "append" || (resource.writeDisposition === "replace" && !resource.primaryKey);
}

/** The store key of the record at position `seq`: zero-padded, so key order is arrival order. */
export function positionalKey(seq: number): string {
  return String(seq).padStart(12, "0");
}

/**
 * Deletes the records at positions `from` and after: rows a run stored past the
 * last position it saved (or, from the committed position, every row of a cycle
 * that never completed), so fetching those pages again does not store them twice.
 */
export async function truncatePositional(
  store: StoreAdapter,
  table: string,
  from: number,
  resource: string,
): Promise<void> {
  let after = from > 0 ? positionalKey(from - 1) : undefined;
  try {
    for (;;) {
      const page = await store.scan(table, { after, limit: 500 });
      if (page.entries.length > 0)
        await store.write({ deletes: page.entries.map((entry) => ({ table, key: entry.key })) });
      if (page.next === undefined) return;
      after = page.next;
    }
  } catch (error) {
    throw new StorageError(
      `${resource}: ${store.name} store failed to remove rows of an unfinished run: ${(error as Error)?.message ?? error}`,
      { cause: error, resource },
    );
  }
}
