/**
 * A Node file-system store for the CLI and Node scripts.
 *
 * Layout of `dir` (file names never contain keys or table names):
 * - `root.json` — the only file ever replaced: every state entry, and per
 *   table the id of its index file and its record count; the next file id;
 *   the files the last commit made unreachable.
 * - `i-<id>.json` — a table's index: its segments in key order, each
 *   `{ id, first, last, count }`. Immutable.
 * - `s-<id>.json` — a segment: up to `maxSegmentRecords` records (and about
 *   `maxSegmentBytes` of JSON) of one table, as sorted `[key, record]` pairs.
 *   Immutable.
 * - `LOCK` — the pid of the process whose adapter has the directory open.
 *
 * A commit writes new segments for the key ranges it touches (splitting full
 * ones), a new index for each table it changes, then a new root; the old files
 * are deleted after. New segments and indexes are written under their own
 * names and fsynced (nothing names them until the root does); the root is
 * written to `root.json.tmp`, fsynced and renamed. The directory is fsynced
 * once the new segments and indexes are in place and again after the root's
 * rename. The root's rename is the commit point, so a
 * whole batch — records, drops and state — is applied all-or-nothing
 * (`atomic: true`), and state never names records that are not on disk.
 * Batches written within `commitIntervalMs` (1 s) share one commit: a sync's
 * pages cost a few commits, not one each (`npm run bench`, benchmark 9).
 * Opening deletes what a crash left behind (`*.tmp`, files of an uncommitted
 * write, unreachable files).
 *
 * Limits: a write costs the touched segments (≤ ~128 KiB each by default;
 * appending pages in key order rewrites the last, partly filled one each time),
 * the changed tables' indexes (~60 bytes per segment: ~120 KB for a table of a
 * million records) and the root (state and table list, read whole into
 * memory). Memory holds the root, the indexes of tables in use and an LRU of
 * `cacheSegments` parsed segments. Segments emptied by deletes are removed,
 * half-empty ones are not merged (a `replace` run rewrites its table compactly).
 */
import * as nodeFs from "node:fs/promises";
import type { StoreAdapter, StoreBatch } from "restsync";
import { createCommitQueue } from "./_commits";
import type { FsLike } from "./_files";
import { FsStore } from "./_store";

export type { FileHandleLike, FsLike } from "./_files";

/** Options for {@link fsAdapter}. */
export interface FsAdapterOptions {
  /** Most records in one segment file. @default 512 */
  maxSegmentRecords?: number;
  /** Largest segment file, in characters of JSON (one larger record gets a segment of its own). @default 131072 */
  maxSegmentBytes?: number;
  /** Parsed segments kept in memory. @default 32 */
  cacheSegments?: number;
  /**
   * Batches written within this many ms of the oldest uncommitted one are
   * committed together: `write()` resolves once the batch is in memory, and
   * `flush()` (which restsync calls at the end of every run) or `close()`
   * commits the rest. A crash loses at most the batches since the last commit,
   * whole, never records that state already covers. `0` commits every batch
   * before its `write()` resolves (batches arriving during a commit still share
   * the next one). @default 1000
   */
  commitIntervalMs?: number;
  /** Uncommitted records that trigger a commit whatever the interval (bounds memory). @default 5000 */
  maxPendingRecords?: number;
  /** The file system, for tests and instrumentation. @default node:fs/promises */
  fs?: FsLike;
}

/**
 * Stores records and state in a directory, for Node (the CLI, scripts).
 * Each table is a list of immutable segment files of sorted key ranges, named
 * by a counter (never by a key); `root.json` names them and holds the state.
 * A batch writes the segments it touches, then renames a new root into place:
 * it is atomic and survives a crash at any moment, and a small change to a big
 * table rewrites a few segments, not the table. Batches are committed together
 * at most a second apart (`commitIntervalMs`): a crash loses the last second's
 * batches whole, never leaving state ahead of its records; `flush()`, which
 * restsync calls at the end of every run, and `close()` commit what is pending.
 *
 * One adapter per directory at a time, across processes: it takes `dir/LOCK`
 * on first use and releases it on `close()`; another adapter on the directory
 * fails with a `StorageError` until then. A lock whose process died is taken over.
 *
 * @example
 * import { fsAdapter } from "restsync/adapters/fs";
 * const store = fsAdapter(".restsync/analytics");
 * const pipeline = createPipeline({ name: "analytics", store, secrets: { api_key: process.env.API_KEY } });
 * await pipeline.run(config);
 * await store.close?.(); // releases the directory for the next process
 */
export function fsAdapter(dir: string, options: FsAdapterOptions = {}): StoreAdapter {
  const store = new FsStore(options.fs ?? nodeFs, dir, {
    maxRecords: options.maxSegmentRecords ?? 512,
    maxBytes: options.maxSegmentBytes ?? 131_072,
    cacheSize: Math.max(1, options.cacheSegments ?? 32),
  });
  const pending = createCommitQueue({
    commit: (batch) => store.commit(batch),
    queued: (task) => store.queued(task),
    opened: () => store.opened(),
    intervalMs: Math.max(0, options.commitIntervalMs ?? 1000),
    maxPending: Math.max(1, options.maxPendingRecords ?? 5000),
    committedState: (key) => store.committedState(key),
    name: `fs:${dir}`,
  });
  const flush = () => pending.flush();
  /** A read that a pending drop could change, or a whole-table read (count, scan) of a table with pending changes, commits first. */
  const settled = async (table?: string) => {
    if (pending.hasPendingDrops() || (table !== undefined && pending.hasPending(table))) await flush();
  };

  return {
    name: `fs:${dir}`,
    atomic: true,
    conditionalWrites: true,
    sharedWith: "nobody",
    write: (batch: StoreBatch) => pending.write(batch),
    get: async (table, key) => {
      await settled();
      return (pending.pendingRecord(table, key) ?? { record: await store.readRecord(table, key) }).record;
    },
    getMany: async (table, keys) => {
      await settled();
      const found = keys.map((key) => pending.pendingRecord(table, key));
      const rest = keys.filter((_, i) => !found[i]);
      const stored = rest.length > 0 ? await store.readRecords(table, rest) : [];
      let next = 0;
      return found.map((p) => (p ? p.record : stored[next++]));
    },
    count: async (table) => {
      await settled(table);
      return store.count(table);
    },
    scan: async (table, { after, limit }) => {
      await settled(table);
      return store.readScan(table, after, limit);
    },
    getState: async (key) => {
      const found = pending.pendingState(key);
      return found ? found.value : store.state(key);
    },
    flush,
    close: async () => {
      try {
        await flush();
      } finally {
        await store.close(() => pending.stop());
      }
    },
  };
}
