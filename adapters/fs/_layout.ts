import { StorageError } from "restsync";
import { type Entry, runFor } from "../_shared/sorted-runs";

export { applyChanges, compareKeys, type Entry, entryAfter, findEntry } from "../_shared/sorted-runs";

/** One record of a segment file: `[key, record]`. */

/** One immutable segment file `s-<id>.json`: a contiguous, sorted key range of one table. */
export interface SegmentMeta {
  id: string;
  first: string;
  last: string;
  count: number;
}

/** A table as the root names it: its immutable index file `i-<id>.json` (the list of its segments) and record count. */
export interface TableRef {
  index: string;
  count: number;
}

/**
 * The single mutable file, `root.json`. Everything else is immutable and
 * reachable only from here, so renaming a new root into place switches
 * records and state together. Maps are stored as entry lists: table and state
 * keys are arbitrary strings (`__proto__` included).
 */
export interface Root {
  /** Ids below this were allocated by committed writes; files with ids at or above it are leftovers of a write that never committed. */
  seq: number;
  state: Map<string, unknown>;
  tables: Map<string, TableRef>;
  /** Files replaced by the last commit that may not be deleted yet. */
  garbage: string[];
}

interface RootFile {
  v: 1;
  seq: number;
  state: Array<[string, unknown]>;
  tables: Array<[string, TableRef]>;
  garbage: string[];
}

export const emptyRoot = (): Root => ({ seq: 0, state: new Map(), tables: new Map(), garbage: [] });

export const encodeRoot = (root: Root): string =>
  JSON.stringify({
    v: 1,
    seq: root.seq,
    state: [...root.state],
    tables: [...root.tables],
    garbage: root.garbage,
  } satisfies RootFile);

export function decodeRoot(text: string): Root {
  const file = JSON.parse(text) as RootFile;
  if (file.v !== 1)
    throw new StorageError(
      `root.json has unknown version ${String(file.v)} (this restsync reads version 1): it was written by another version of restsync`,
    );
  return { seq: file.seq, state: new Map(file.state), tables: new Map(file.tables), garbage: file.garbage };
}

export const segmentFile = (id: string) => `s-${id}.json`;
export const indexFile = (id: string) => `i-${id}.json`;
/** The numeric id of a segment or index file name, or `undefined` for any other name. */
export const fileId = (name: string): number | undefined => {
  const match = /^[si]-([0-9a-z]+)\.json$/.exec(name);
  return match ? parseInt(match[1]!, 36) : undefined;
};

/** Index of the segment a key belongs in: the first whose range ends at or after it, else the last. */
export const segmentFor = (segments: readonly SegmentMeta[], key: string): number => runFor(segments, key);

/** Splits sorted entries into segment texts under both limits (one oversized record gets a segment of its own). */
export function split(
  entries: readonly Entry[],
  maxBytes: number,
  maxRecords: number,
): Array<{ first: string; last: string; count: number; text: string }> {
  const out: Array<{ first: string; last: string; count: number; text: string }> = [];
  let parts: string[] = [];
  let from = 0;
  let bytes = 0;
  const cut = (to: number) => {
    if (to > from)
      out.push({ first: entries[from]![0], last: entries[to - 1]![0], count: to - from, text: `[${parts.join(",")}]` });
    parts = [];
    from = to;
    bytes = 0;
  };
  entries.forEach((entry, i) => {
    const text = JSON.stringify(entry);
    if (parts.length > 0 && (bytes + text.length > maxBytes || parts.length >= maxRecords)) cut(i);
    parts.push(text);
    bytes += text.length + 1;
  });
  cut(entries.length);
  return out;
}
