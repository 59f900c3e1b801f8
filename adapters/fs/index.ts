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
import { join } from "node:path";
import {
  assertExpected,
  type JsonRecord,
  type ScanPage,
  StorageError,
  type StoreAdapter,
  type StoreBatch,
} from "restsync";
import { createCommitQueue } from "./_commits";
import {
  acquireLock,
  type FsLike,
  ignoreMissing,
  inParallel,
  readText,
  releaseLock,
  syncDir,
  writeFileDurably,
  writeNewFileDurably,
} from "./_files";
import {
  compareKeys,
  decodeRoot,
  type Entry,
  emptyRoot,
  entryAfter,
  fileId,
  findEntry,
  indexFile,
  type Root,
  type SegmentMeta,
  segmentFile,
  segmentFor,
} from "./_layout";
import { planBatch } from "./_plan";

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
  const fs: FsLike = options.fs ?? nodeFs;
  const maxRecords = options.maxSegmentRecords ?? 512;
  const maxBytes = options.maxSegmentBytes ?? 131_072;
  const cacheSize = Math.max(1, options.cacheSegments ?? 32);
  const ids = { next: 0 };
  const indexes = new Map<string, SegmentMeta[]>();
  const segments = new Map<string, Entry[]>();
  let opening: Promise<void> | undefined;
  let current: Root = emptyRoot();
  let reading = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const open = async (): Promise<void> => {
    await fs.mkdir(dir, { recursive: true });
    await acquireLock(fs, dir);
    try {
      const text = await readText(fs, join(dir, "root.json"));
      const root = text === undefined ? emptyRoot() : decodeRoot(text);
      // What a crash left: temp files, files of a write that never committed, files the last commit replaced.
      const unreachable = new Set(root.garbage);
      for (const name of await fs.readdir(dir)) {
        const id = fileId(name);
        if (
          /^(root|[si]-[0-9a-z]+)\.json\.tmp$/.test(name) ||
          unreachable.has(name) ||
          (id !== undefined && id >= root.seq)
        )
          await fs.unlink(join(dir, name)).catch(ignoreMissing);
      }
      root.garbage = [];
      ids.next = root.seq;
      current = root;
    } catch (error) {
      await releaseLock(fs, dir);
      throw error instanceof StorageError
        ? error
        : new StorageError(`fs store ${dir} could not be opened: ${(error as Error)?.message ?? error}`, {
            cause: error,
          });
    }
  };

  const opened = (): Promise<void> => {
    opening ??= open().catch((error) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };

  const readJson = async <T>(name: string): Promise<T> => {
    const text = await readText(fs, join(dir, name));
    if (text === undefined)
      throw new StorageError(`fs store ${dir}: ${name} is missing (changed outside this adapter?)`);
    return JSON.parse(text) as T;
  };

  const loadIndex = async (id: string): Promise<SegmentMeta[]> => {
    let found = indexes.get(id);
    if (!found) indexes.set(id, (found = await readJson<SegmentMeta[]>(indexFile(id))));
    return found;
  };

  const remember = (id: string, entries: Entry[]) => {
    segments.delete(id);
    segments.set(id, entries);
    if (segments.size > cacheSize) segments.delete(segments.keys().next().value!);
  };

  const loadSegment = async (id: string): Promise<Entry[]> => {
    const found = segments.get(id) ?? (await readJson<Entry[]>(segmentFile(id)));
    remember(id, found);
    return found;
  };

  /** Runs a read against the current root; files it may need are not deleted meanwhile. */
  const reader = async <T>(read: (root: Root) => Promise<T>): Promise<T> => {
    await opened();
    reading++;
    try {
      return await read(current);
    } finally {
      reading--;
    }
  };

  const tableSegments = async (root: Root, table: string) => {
    const ref = root.tables.get(table);
    return ref ? loadIndex(ref.index) : [];
  };

  /** Deletes files no root names any more; failures are left for the next commit or open. */
  const collect = async () => {
    const left: string[] = [];
    for (const name of current.garbage) {
      const id = name.slice(2, -5);
      segments.delete(id);
      indexes.delete(id);
      await fs
        .unlink(join(dir, name))
        .catch(ignoreMissing)
        .catch(() => left.push(name));
    }
    current.garbage = left;
  };

  const commit = async (batch: StoreBatch): Promise<void> => {
    await opened();
    // Commits run one at a time and this adapter is the directory's only writer: `current` is the state now.
    if (batch.expect) assertExpected(batch.expect, (key) => current.state.get(key), `fs:${dir}`);
    const plan = await planBatch(batch, current, { loadIndex, loadSegment, ids, maxBytes, maxRecords });
    if (!plan) return;
    try {
      // New files in parallel: their fsyncs overlap instead of queuing one behind another.
      await inParallel(plan.files, 8, ([name, text]) => writeNewFileDurably(fs, dir, name, text));
      if (plan.files.length > 0) await syncDir(fs, dir);
      await writeFileDurably(fs, dir, "root.json", plan.rootText);
    } catch (error) {
      // Not committed: the next root lists what this write may have left, for deletion.
      current.garbage.push(...plan.files.map(([name]) => name));
      throw error;
    }
    current = plan.next;
    for (const [id, list] of plan.indexes) indexes.set(id, list);
    for (const [id, text] of plan.segments) remember(id, JSON.parse(text) as Entry[]);
    await syncDir(fs, dir);
    if (reading === 0) await collect();
  };

  const queued = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };

  const pending = createCommitQueue({
    commit,
    queued,
    opened,
    intervalMs: Math.max(0, options.commitIntervalMs ?? 1000),
    maxPending: Math.max(1, options.maxPendingRecords ?? 5000),
    committedState: (key) => current.state.get(key),
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
      return (pending.pendingRecord(table, key) ?? { record: await readRecord(table, key) }).record;
    },
    getMany: async (table, keys) => {
      await settled();
      const found = keys.map((key) => pending.pendingRecord(table, key));
      const rest = keys.filter((_, i) => !found[i]);
      const stored = rest.length > 0 ? await readRecords(table, rest) : [];
      let next = 0;
      return found.map((p) => (p ? p.record : stored[next++]));
    },
    count: async (table) => {
      await settled(table);
      return reader(async (root) => root.tables.get(table)?.count ?? 0);
    },
    scan: async (table, { after, limit }) => {
      await settled(table);
      return readScan(table, after, limit);
    },
    getState: async (key) => {
      const found = pending.pendingState(key);
      return found ? found.value : reader(async (root) => structuredClone(root.state.get(key)));
    },
    flush,
    close: async () => {
      try {
        await flush();
      } finally {
        await closeStore();
      }
    },
  };

  function readRecord(table: string, key: string): Promise<JsonRecord | undefined> {
    return reader(async (root) => {
      const list = await tableSegments(root, table);
      if (list.length === 0) return undefined;
      const meta = list[segmentFor(list, key)]!;
      if (compareKeys(key, meta.first) < 0 || compareKeys(key, meta.last) > 0) return undefined;
      const record = findEntry(await loadSegment(meta.id), key);
      return record === undefined ? undefined : structuredClone(record);
    });
  }

  function readRecords(table: string, keys: readonly string[]): Promise<Array<JsonRecord | undefined>> {
    return reader(async (root) => {
      const list = await tableSegments(root, table);
      const found: Array<JsonRecord | undefined> = keys.map(() => undefined);
      // Each segment is read once, however many of the keys fall in it.
      const bySegment = new Map<number, number[]>();
      keys.forEach((key, i) => {
        if (list.length === 0) return;
        const at = segmentFor(list, key);
        const positions = bySegment.get(at);
        if (positions) positions.push(i);
        else bySegment.set(at, [i]);
      });
      for (const [at, positions] of bySegment) {
        const entries = await loadSegment(list[at]!.id);
        for (const i of positions) {
          const record = findEntry(entries, keys[i]!);
          found[i] = record === undefined ? undefined : structuredClone(record);
        }
      }
      return found;
    });
  }

  function readScan(table: string, after: string | undefined, limit: number): Promise<ScanPage> {
    return reader(async (root): Promise<ScanPage> => {
      const size = Math.max(1, limit);
      const list = await tableSegments(root, table);
      const out: Entry[] = [];
      for (
        let at = after === undefined || list.length === 0 ? 0 : segmentFor(list, after);
        at < list.length && out.length <= size;
        at++
      ) {
        const entries = await loadSegment(list[at]!.id);
        const from = after === undefined ? 0 : entryAfter(entries, after);
        out.push(...entries.slice(from, from + size + 1 - out.length));
      }
      const entries = out.slice(0, size).map(([key, record]) => ({ key, record: structuredClone(record) }));
      return { entries, next: out.length > size ? entries[entries.length - 1]!.key : undefined };
    });
  }

  function closeStore(): Promise<void> {
    return queued(async () => {
      pending.stop();
      if (!opening) return;
      const wasOpen = await opening.then(
        () => true,
        () => false,
      );
      opening = undefined;
      if (!wasOpen) return;
      try {
        if (reading === 0) await collect();
      } finally {
        segments.clear();
        indexes.clear();
        current = emptyRoot();
        await releaseLock(fs, dir);
      }
    });
  }
}
