import { assertExpected, type JsonRecord, type StoreBatch } from "restsync";

/** What the commit queue needs from the store. */
export interface CommitQueueOptions {
  /** Writes one batch to disk, all-or-nothing. */
  commit(batch: StoreBatch): Promise<void>;
  /** Runs a task after every task queued before it (the store's commits and its close). */
  queued<T>(task: () => Promise<T>): Promise<T>;
  /** Opens the store, its lock taken, before any batch is accepted. */
  opened(): Promise<void>;
  /** Longest wait of a buffered batch, ms; 0: each write waits for its own commit. */
  intervalMs: number;
  /** Uncommitted records that trigger a commit whatever the interval. */
  maxPending: number;
  /** A state entry as committed (for conditional batches). */
  committedState(key: string): unknown;
  /** The store's name, for errors. */
  name: string;
}

/** Batches on their way to disk, and what reads must see of them meanwhile. */
export interface CommitQueue {
  write(batch: StoreBatch): Promise<void>;
  /** Commits what is pending, and reports a background commit that failed. */
  flush(): Promise<void>;
  /** An uncommitted change to a record (`record` undefined once deleted); undefined when none. */
  pendingRecord(table: string, key: string): { record: JsonRecord | undefined } | undefined;
  /** An uncommitted state value (`value` undefined once removed); undefined when none. */
  pendingState(key: string): { value: unknown } | undefined;
  /** A pending batch drops a table: reads cannot be answered around it. */
  hasPendingDrops(): boolean;
  /** Uncommitted changes to `table` (whole-table reads commit them first). */
  hasPending(table: string): boolean;
  /** Stops the timer (the store is closing). */
  stop(): void;
}

/** A batch not committed yet, with its caller's promise when the caller waits for the commit. */
interface Waiting {
  batch: StoreBatch;
  resolve?: () => void;
  reject?: (error: unknown) => void;
}

/**
 * Group commit. Batches that arrive while a commit is on disk wait for it and
 * go to disk together in the next one; with an interval, a batch also waits in
 * memory (its `write()` resolved) for up to that long. Every batch stays
 * all-or-nothing, batches reach the disk in the order they were written, and
 * records and the state that covers them always land in the same commit.
 *
 * A conditional batch ({@link StoreBatch.expect}) is checked against the state
 * as it will be when it is applied. Buffered, that is the committed state under
 * the pending batches' changes, checked when it is written: pending batches
 * reach the disk in order and none is ever skipped (a failed commit keeps them
 * all), so when it lands, they have. Unbuffered (interval 0), a batch that
 * cannot be stored is rejected on its own and the next ones go on, so the check
 * is made when it is committed, in a commit of its own.
 */
export function createCommitQueue(options: CommitQueueOptions): CommitQueue {
  return new GroupCommit(options);
}

/** The commit queue's state: what waits, what reads must see of it, the timer and an unreported failure. */
class GroupCommit implements CommitQueue {
  readonly #options: CommitQueueOptions;
  #waiting: Waiting[] = [];
  /** Uncommitted changes (waiting or being committed), for reads: table → key → record, or null once deleted. */
  #records = new Map<string, Map<string, JsonRecord | null>>();
  #state = new Map<string, unknown>();
  #drops = 0;
  #count = 0;
  #oldestAt = 0;
  #drainQueued: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A commit made in the background failed: the next write or flush reports it. */
  #failure: { error: unknown } | undefined;

  constructor(options: CommitQueueOptions) {
    this.#options = options;
  }

  async write(batch: StoreBatch): Promise<void> {
    const { intervalMs: interval, maxPending } = this.#options;
    this.#takeFailure();
    await this.#options.opened();
    if (interval === 0) {
      const done = new Promise<void>((resolve, reject) => this.#waiting.push({ batch, resolve, reject }));
      this.#stage(batch);
      void this.#commitPending();
      return done;
    }
    // Checked, then queued, with no await between: no other write can come in between.
    if (batch.expect) assertExpected(batch.expect, (key) => this.#stateNow(key), this.#options.name);
    // Copied as JSON now: a value JSON cannot hold fails this write, not a later commit that other
    // batches share, and later changes to the caller's objects do not reach the store.
    const copy = asJson(batch);
    this.#waiting.push({ batch: copy });
    this.#stage(copy);
    if (this.#oldestAt === 0) this.#oldestAt = Date.now();
    if (this.#count >= maxPending || Date.now() - this.#oldestAt >= interval) {
      await this.#commitPending();
      this.#takeFailure();
    } else this.#schedule();
  }

  async flush(): Promise<void> {
    if (this.#waiting.length > 0) await this.#commitPending();
    await this.#options.queued(async () => undefined);
    this.#takeFailure();
  }

  pendingRecord(table: string, key: string): { record: JsonRecord | undefined } | undefined {
    const change = this.#records.get(table)?.get(key);
    if (change === undefined) return undefined;
    return { record: change === null ? undefined : structuredClone(change) };
  }

  pendingState(key: string): { value: unknown } | undefined {
    return this.#state.has(key) ? { value: structuredClone(this.#state.get(key)) } : undefined;
  }

  hasPendingDrops(): boolean {
    return this.#drops > 0;
  }

  hasPending(table: string): boolean {
    return this.#records.has(table);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A state entry as it will be once every pending batch is applied. */
  #stateNow(key: string): unknown {
    return this.#state.has(key) ? this.#state.get(key) : this.#options.committedState(key);
  }

  #stage(batch: StoreBatch): void {
    collectChanges(batch, this.#records, this.#state);
    if (batch.drops?.length) this.#drops++;
    this.#count += (batch.puts?.length ?? 0) + (batch.deletes?.length ?? 0);
  }

  #schedule(): void {
    const wait = Math.max(0, this.#options.intervalMs - (Date.now() - this.#oldestAt));
    this.#timer ??= setTimeout(() => void this.#commitPending(), wait);
    // A process that ends without flushing loses the batches, as a crash would: nothing to keep it alive for.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #commitPending(): Promise<void> {
    this.#drainQueued ??= this.#options.queued(() => this.#drain());
    return this.#drainQueued;
  }

  /** Commits every batch waiting now; batches arriving meanwhile wait for the next drain. */
  async #drain(): Promise<void> {
    this.#drainQueued = undefined;
    this.stop();
    const runs = commitRuns(this.#waiting);
    this.#waiting = [];
    const failed = await this.#commitRuns(runs);
    this.#waiting = [...failed, ...this.#waiting];
    // What is left uncommitted is what waits now.
    this.#records = new Map();
    this.#state = new Map();
    this.#drops = 0;
    this.#count = 0;
    for (const w of this.#waiting) this.#stage(w.batch);
    this.#oldestAt = this.#waiting.length > 0 ? Date.now() : 0;
    // Buffered batches that arrived meanwhile get their own timer (none while a failure is unreported).
    if (this.#waiting.length > 0 && !this.#waiting[0]!.reject && !this.#failure) this.#schedule();
  }

  /** Commits the runs in order; returns the buffered batches that stay pending after a failed commit. */
  async #commitRuns(runs: Waiting[][]): Promise<Waiting[]> {
    const { commit } = this.#options;
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      try {
        await commit(mergeBatches(run.map((w) => w.batch)));
        for (const w of run) w.resolve?.();
      } catch (error) {
        if (!run[0]!.reject) {
          // Buffered batches (their writes have resolved): none of them may be skipped, or a later
          // one's state would pass records never stored. All stay pending, in order, for the next
          // commit; the next write or flush reports the failure.
          this.#failure ??= { error };
          return runs.slice(i).flat();
        }
        if (run.length === 1) run[0]!.reject!(error);
        // Callers waiting on their own batch: one that cannot be stored must not fail the others.
        else for (const w of run) await commit(w.batch).then(w.resolve, w.reject);
      }
    }
    return [];
  }

  #takeFailure(): void {
    const found = this.#failure;
    this.#failure = undefined;
    if (found) throw found.error;
  }
}

/** The batch with every record and state value as JSON stores it; throws for a value JSON cannot hold. */
function asJson(batch: StoreBatch): StoreBatch {
  const json = <T>(value: T, what: string): T => {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new TypeError(`${what} is not JSON-serialisable: ${(error as Error)?.message ?? error}`);
    }
    if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
    return JSON.parse(text) as T;
  };
  const { expect: _checked, ...rest } = batch;
  return {
    ...rest,
    ...(batch.puts
      ? { puts: batch.puts.map((put) => ({ ...put, record: json(put.record, `record ${put.key} of ${put.table}`) })) }
      : {}),
    ...(batch.state
      ? {
          state: batch.state.map(({ key, value }) => ({
            key,
            value: value === undefined ? undefined : json(value, `state "${key}"`),
          })),
        }
      : {}),
  };
}

/**
 * Splits waiting batches into runs committed as one: consecutive batches
 * without drops merge; a batch that drops a table is committed on its own, in
 * its place (a drop after a later batch's puts would delete them), and so is a
 * conditional batch (checked against the state the batches before it left).
 */
function commitRuns(group: Waiting[]): Waiting[][] {
  const runs: Waiting[][] = [];
  let run: Waiting[] = [];
  for (const waiting of group) {
    if (waiting.batch.drops?.length || waiting.batch.expect?.length) {
      if (run.length > 0) runs.push(run);
      runs.push([waiting]);
      run = [];
    } else run.push(waiting);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Batches without drops as one: per key and per state entry, the last batch's change wins. */
function mergeBatches(batches: StoreBatch[]): StoreBatch {
  if (batches.length === 1) return batches[0]!;
  const records = new Map<string, Map<string, JsonRecord | null>>();
  const state = new Map<string, unknown>();
  for (const batch of batches) collectChanges(batch, records, state);
  const puts: Array<{ table: string; key: string; record: JsonRecord }> = [];
  const deletes: Array<{ table: string; key: string }> = [];
  for (const [table, changes] of records) {
    for (const [key, record] of changes) {
      if (record === null) deletes.push({ table, key });
      else puts.push({ table, key, record });
    }
  }
  return { puts, deletes, state: [...state].map(([key, value]) => ({ key, value })) };
}

/** Adds a batch's changes to `records` (table → key → record, null once deleted) and `state`: later changes win. */
function collectChanges(
  batch: StoreBatch,
  records: Map<string, Map<string, JsonRecord | null>>,
  state: Map<string, unknown>,
): void {
  const change = (table: string, key: string, record: JsonRecord | null) => {
    let changes = records.get(table);
    if (!changes) records.set(table, (changes = new Map()));
    changes.set(key, record);
  };
  for (const { table, key, record } of batch.puts ?? []) change(table, key, record);
  for (const { table, key } of batch.deletes ?? []) change(table, key, null);
  for (const { key, value } of batch.state ?? []) state.set(key, value);
}
