import { join } from "node:path";
import { assertExpected, type JsonRecord, type ScanPage, StorageError, type StoreBatch } from "restsync";
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

/** Segment limits and cache size of an {@link FsStore}. */
export interface FsStoreLimits {
  maxRecords: number;
  maxBytes: number;
  cacheSize: number;
}

/**
 * The committed side of the fs store: its directory and lock, the current root,
 * the indexes and an LRU of segments, reads against the current root, and one
 * commit at a time (see the layout in index.ts). Batches reach it through the
 * commit queue (./_commits).
 */
export class FsStore {
  readonly #ids = { next: 0 };
  readonly #indexes = new Map<string, SegmentMeta[]>();
  readonly #segments = new Map<string, Entry[]>();
  #opening: Promise<void> | undefined;
  #current: Root = emptyRoot();
  #reading = 0;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly fs: FsLike,
    readonly dir: string,
    readonly limits: FsStoreLimits,
  ) {}

  /** A state entry as committed. */
  committedState(key: string): unknown {
    return this.#current.state.get(key);
  }

  /** Opens the directory once (lock, root, crash leftovers); a failed open is tried again by the next call. */
  opened(): Promise<void> {
    this.#opening ??= this.#open().catch((error) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    const { fs, dir } = this;
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
      this.#ids.next = root.seq;
      this.#current = root;
    } catch (error) {
      await releaseLock(fs, dir);
      throw error instanceof StorageError
        ? error
        : new StorageError(`fs store ${dir} could not be opened: ${(error as Error)?.message ?? error}`, {
            cause: error,
          });
    }
  }

  async #readJson<T>(name: string): Promise<T> {
    const text = await readText(this.fs, join(this.dir, name));
    if (text === undefined)
      throw new StorageError(`fs store ${this.dir}: ${name} is missing (changed outside this adapter?)`);
    return JSON.parse(text) as T;
  }

  readonly #loadIndex = async (id: string): Promise<SegmentMeta[]> => {
    let found = this.#indexes.get(id);
    if (!found) this.#indexes.set(id, (found = await this.#readJson<SegmentMeta[]>(indexFile(id))));
    return found;
  };

  #remember(id: string, entries: Entry[]): void {
    this.#segments.delete(id);
    this.#segments.set(id, entries);
    if (this.#segments.size > this.limits.cacheSize) this.#segments.delete(this.#segments.keys().next().value!);
  }

  readonly #loadSegment = async (id: string): Promise<Entry[]> => {
    const found = this.#segments.get(id) ?? (await this.#readJson<Entry[]>(segmentFile(id)));
    this.#remember(id, found);
    return found;
  };

  /** Runs a read against the current root; files it may need are not deleted meanwhile. */
  async #reader<T>(read: (root: Root) => Promise<T>): Promise<T> {
    await this.opened();
    this.#reading++;
    try {
      return await read(this.#current);
    } finally {
      this.#reading--;
    }
  }

  async #tableSegments(root: Root, table: string): Promise<SegmentMeta[]> {
    const ref = root.tables.get(table);
    return ref ? this.#loadIndex(ref.index) : [];
  }

  /** Deletes files no root names any more; failures are left for the next commit or open. */
  async #collect(): Promise<void> {
    const left: string[] = [];
    for (const name of this.#current.garbage) {
      const id = name.slice(2, -5);
      this.#segments.delete(id);
      this.#indexes.delete(id);
      await this.fs
        .unlink(join(this.dir, name))
        .catch(ignoreMissing)
        .catch(() => left.push(name));
    }
    this.#current.garbage = left;
  }

  /** Writes one batch to disk, all-or-nothing: new files, then the root's rename. */
  async commit(batch: StoreBatch): Promise<void> {
    const { fs, dir } = this;
    await this.opened();
    // Commits run one at a time and this adapter is the directory's only writer: `current` is the state now.
    if (batch.expect) assertExpected(batch.expect, (key) => this.#current.state.get(key), `fs:${dir}`);
    const plan = await planBatch(batch, this.#current, {
      loadIndex: this.#loadIndex,
      loadSegment: this.#loadSegment,
      ids: this.#ids,
      maxBytes: this.limits.maxBytes,
      maxRecords: this.limits.maxRecords,
    });
    if (!plan) return;
    try {
      // New files in parallel: their fsyncs overlap instead of queuing one behind another.
      await inParallel(plan.files, 8, ([name, text]) => writeNewFileDurably(fs, dir, name, text));
      if (plan.files.length > 0) await syncDir(fs, dir);
      await writeFileDurably(fs, dir, "root.json", plan.rootText);
    } catch (error) {
      // Not committed: the next root lists what this write may have left, for deletion.
      this.#current.garbage.push(...plan.files.map(([name]) => name));
      throw error;
    }
    this.#current = plan.next;
    for (const [id, list] of plan.indexes) this.#indexes.set(id, list);
    for (const [id, text] of plan.segments) this.#remember(id, JSON.parse(text) as Entry[]);
    await syncDir(fs, dir);
    if (this.#reading === 0) await this.#collect();
  }

  /** Runs a task after every task queued before it (commits and close). */
  queued<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  count(table: string): Promise<number> {
    return this.#reader(async (root) => root.tables.get(table)?.count ?? 0);
  }

  state(key: string): Promise<unknown> {
    return this.#reader(async (root) => structuredClone(root.state.get(key)));
  }

  readRecord(table: string, key: string): Promise<JsonRecord | undefined> {
    return this.#reader(async (root) => {
      const list = await this.#tableSegments(root, table);
      if (list.length === 0) return undefined;
      const meta = list[segmentFor(list, key)]!;
      if (compareKeys(key, meta.first) < 0 || compareKeys(key, meta.last) > 0) return undefined;
      const record = findEntry(await this.#loadSegment(meta.id), key);
      return record === undefined ? undefined : structuredClone(record);
    });
  }

  readRecords(table: string, keys: readonly string[]): Promise<Array<JsonRecord | undefined>> {
    return this.#reader(async (root) => {
      const list = await this.#tableSegments(root, table);
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
        const entries = await this.#loadSegment(list[at]!.id);
        for (const i of positions) {
          const record = findEntry(entries, keys[i]!);
          found[i] = record === undefined ? undefined : structuredClone(record);
        }
      }
      return found;
    });
  }

  readScan(table: string, after: string | undefined, limit: number): Promise<ScanPage> {
    return this.#reader(async (root): Promise<ScanPage> => {
      const size = Math.max(1, limit);
      const list = await this.#tableSegments(root, table);
      const out: Entry[] = [];
      for (
        let at = after === undefined || list.length === 0 ? 0 : segmentFor(list, after);
        at < list.length && out.length <= size;
        at++
      ) {
        const entries = await this.#loadSegment(list[at]!.id);
        const from = after === undefined ? 0 : entryAfter(entries, after);
        out.push(...entries.slice(from, from + size + 1 - out.length));
      }
      const entries = out.slice(0, size).map(([key, record]) => ({ key, record: structuredClone(record) }));
      return { entries, next: out.length > size ? entries[entries.length - 1]!.key : undefined };
    });
  }

  /** Releases the directory (after `beforeClose`, in the queue after every commit); the store can be opened again. */
  close(beforeClose: () => void): Promise<void> {
    return this.queued(async () => {
      beforeClose();
      if (!this.#opening) return;
      const wasOpen = await this.#opening.then(
        () => true,
        () => false,
      );
      this.#opening = undefined;
      if (!wasOpen) return;
      try {
        if (this.#reading === 0) await this.#collect();
      } finally {
        this.#segments.clear();
        this.#indexes.clear();
        this.#current = emptyRoot();
        await releaseLock(this.fs, this.dir);
      }
    });
  }
}
