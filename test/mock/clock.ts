/**
 * Logical time helpers. The mock never reads the wall clock for data: every
 * created_at / updated_at / changed_at is derived from a fixed base date.
 */
import type { Timestamp } from "./types.js";

export const BASE_DATE: Timestamp = "2024-01-01T00:00:00Z";
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** ISO-8601 UTC with second precision: "2024-03-05T12:34:56Z". */
export function toIso(ms: number): Timestamp {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function fromIso(timestamp: Timestamp): number {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp: ${timestamp}`);
  return ms;
}

/** Calendar date part (YYYY-MM-DD) of a millisecond time. */
export function toDate(ms: number): string {
  return toIso(ms).slice(0, 10);
}

/** Largest of the given ISO timestamps (they compare lexicographically). */
export function maxTimestamp(values: Iterable<Timestamp>): Timestamp | null {
  let max: Timestamp | null = null;
  for (const value of values) if (max === null || value > max) max = value;
  return max;
}
