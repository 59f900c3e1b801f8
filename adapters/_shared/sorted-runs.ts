import type { JsonRecord } from "restsync";

/**
 * Helpers for stores that keep a table as sorted runs of records (KV chunks,
 * file segments): each run covers a key range, and runs do not overlap.
 */
export type Entry = [key: string, record: JsonRecord];

/** Code-unit order, the order every adapter scans in. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the run a key belongs in: the first whose range ends at or after it, else the last. */
export function runFor(runs: ReadonlyArray<{ last: string }>, key: string): number {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(runs[mid]!.last, key) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Position of the first entry whose key is greater than `key` (`inclusive`: greater or equal). */
export function entryAfter(entries: readonly Entry[], key: string, inclusive = false): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareKeys(entries[mid]![0], key);
    if (order < 0 || (order === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The record under `key` in sorted entries, by binary search. */
export function findEntry(entries: readonly Entry[], key: string): JsonRecord | undefined {
  const at = entryAfter(entries, key, true);
  return entries[at]?.[0] === key ? entries[at]![1] : undefined;
}

/** Applies puts (record) and deletes (null) to sorted entries; returns sorted entries. */
export function applyChanges(entries: readonly Entry[], changes: ReadonlyMap<string, JsonRecord | null>): Entry[] {
  const merged = new Map(entries);
  for (const [key, record] of changes) {
    if (record === null) merged.delete(key);
    else merged.set(key, record);
  }
  return [...merged].sort((a, b) => compareKeys(a[0], b[0]));
}
