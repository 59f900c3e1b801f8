import { type Entry, runFor } from "../_shared/sorted-runs";

export { applyChanges, compareKeys, type Entry, findEntry } from "../_shared/sorted-runs";

/** One chunk of a table: a contiguous, sorted key range stored under one immutable KV key. */
export interface ChunkMeta {
  id: string;
  first: string;
  last: string;
  count: number;
}

export interface TableMeta {
  count: number;
  /** Sorted by key range, non-overlapping. */
  chunks: ChunkMeta[];
}

/**
 * The single mutable KV key. Everything else is immutable and reachable only
 * from here, so one `put` of the root switches records and state together.
 */
export interface Root {
  v: 1;
  /** Counter for chunk ids. */
  seq: number;
  state: Record<string, unknown>;
  tables: Record<string, TableMeta>;
  /** Chunks no longer referenced, with when they were replaced; deleted once old enough that no reader can still need them. */
  garbage: Array<{ id: string; at: number }>;
}

export const emptyRoot = (): Root => ({ v: 1, seq: 0, state: {}, tables: {}, garbage: [] });

/** Index of the chunk a key belongs in: the first whose range ends at or after it, else the last. */
export const chunkFor = (chunks: readonly ChunkMeta[], key: string): number => runFor(chunks, key);

/** Splits sorted entries into pieces under both limits (a single oversized record gets a piece of its own). */
export function split(entries: readonly Entry[], maxBytes: number, maxRecords: number): Entry[][] {
  const pieces: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry[0].length + JSON.stringify(entry[1]).length + 8;
    if (current.length > 0 && (bytes + size > maxBytes || current.length >= maxRecords)) {
      pieces.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) pieces.push(current);
  return pieces;
}
