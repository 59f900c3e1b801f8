import { resolve } from "node:path";
import { StorageError } from "restsync";
import { CREATE_LAYOUT, SQL } from "../_sql/layout";
import { openDatabase, type SqliteDatabaseLike, type SqliteStatementLike } from "./_driver";

/**
 * One database connection and the transaction that batches join, shared by every
 * adapter of this process on the same file (or the same database object): two
 * connections of one thread would wait on each other's open transaction until
 * SQLite's busy timeout, since the commit timer cannot run while one waits.
 */
export class Connection {
  readonly db: SqliteDatabaseLike;
  readonly #statements = new Map<string, SqliteStatementLike>();
  readonly #interval: number;
  readonly #close: (() => void) | undefined;
  #users = 0;
  #inTransaction = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #broken: unknown;
  /**
   * State entries as JSON text (undefined: absent), known within the open write transaction:
   * while it holds SQLite's write lock no other connection can change them, so a batch's
   * expectations (the run's lease, checked by every batch) need not be read again each time.
   */
  readonly #stateTexts = new Map<string, string | undefined>();

  constructor(db: SqliteDatabaseLike, interval: number, close: (() => void) | undefined) {
    this.db = db;
    this.#interval = interval;
    this.#close = close;
  }

  prepared(sql: string): SqliteStatementLike {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** A state entry's text inside the open transaction: read once, then as this connection's own writes left it. */
  stateText(key: string): string | undefined {
    if (this.#stateTexts.has(key)) return this.#stateTexts.get(key);
    const row = this.prepared(SQL.getState).get(key) as { value: string } | undefined;
    this.#stateTexts.set(key, row?.value);
    return row?.value;
  }

  /** Records what a batch wrote to a state entry (inside the open transaction). */
  wroteState(key: string, text: string | undefined): void {
    this.#stateTexts.set(key, text);
  }

  /** Runs `work` as one all-or-nothing step (a savepoint) of the open transaction, opening one if needed. */
  batch(work: () => void): void {
    this.healthy();
    if (!this.#inTransaction) {
      this.db.exec("BEGIN IMMEDIATE");
      this.#inTransaction = true;
      if (this.#interval > 0) (this.#timer = setTimeout(() => this.commit(), this.#interval)).unref?.();
    }
    this.prepared("SAVEPOINT batch").run();
    try {
      work();
      this.prepared("RELEASE batch").run();
    } catch (error) {
      this.db.exec("ROLLBACK TO batch");
      this.db.exec("RELEASE batch");
      this.#stateTexts.clear();
      throw error;
    }
    if (this.#interval <= 0) this.commit();
    this.healthy();
  }

  commit(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#inTransaction) return;
    this.#inTransaction = false;
    // Once committed, other connections may write: what was known is known no longer.
    this.#stateTexts.clear();
    try {
      this.db.exec("COMMIT");
    } catch (error) {
      // The batches of this transaction are lost together, state with its records; every later
      // write fails too, or a later state could cover records that never were stored.
      this.#broken = error;
      try {
        this.db.exec("ROLLBACK");
      } catch {}
    }
  }

  healthy(): void {
    if (this.#broken !== undefined)
      throw new StorageError(`sqlite store failed to commit: ${(this.#broken as Error)?.message ?? this.#broken}`, {
        cause: this.#broken,
      });
  }

  /** An adapter stops using the connection: the last one commits and closes it (if it opened it). */
  release(forget: () => void): void {
    this.commit();
    if (--this.#users > 0) return;
    this.#statements.clear();
    forget();
    this.#close?.();
  }

  use(): this {
    this.#users++;
    return this;
  }
}

const byFile = new Map<string, Connection>();
const byDatabase = new WeakMap<SqliteDatabaseLike, Connection>();

/** The process's connection to `target`, opened (and its layout created) on first use. */
export function connect(
  target: string | SqliteDatabaseLike,
  options: { readonly?: boolean; commitIntervalMs?: number },
): { connection: Connection; forget: () => void } {
  const interval = options.commitIntervalMs ?? 200;
  if (typeof target !== "string") {
    let connection = byDatabase.get(target);
    if (!connection) {
      if (!options.readonly) for (const sql of CREATE_LAYOUT) target.exec(sql);
      byDatabase.set(target, (connection = new Connection(target, interval, undefined)));
    }
    return { connection: connection.use(), forget: () => byDatabase.delete(target) };
  }
  // Read-only adapters keep a connection of their own: they never hold a transaction.
  const key = `${options.readonly ? "r" : "w"}:${target === ":memory:" ? `${target}:${Math.random()}` : resolve(target)}`;
  let connection = byFile.get(key);
  if (!connection) {
    const db = openDatabase(target, options);
    if (!options.readonly) for (const sql of CREATE_LAYOUT) db.exec(sql);
    byFile.set(key, (connection = new Connection(db, interval, () => db.close())));
  }
  return { connection: connection.use(), forget: () => byFile.delete(key) };
}
