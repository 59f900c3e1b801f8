/**
 * A SQLite store for Node (the CLI's default): records and state in one database
 * file, each batch with the state that covers it, and every resource presented as SQL views
 * named after it — one column per inferred field — that any SQLite client can query.
 * The SQL is the shared layout of restsync's SQL stores (adapters/_sql).
 */
import {
  assertExpected,
  type JsonRecord,
  type ScanPage,
  StorageError,
  type StoreAdapter,
  type StoreBatch,
} from "restsync";
import { inferSchemas } from "restsync/schema";
import { CREATE_LAYOUT, SQL, writeStatements } from "../_sql/layout";
import { viewStatements } from "../_sql/views";
import { openDatabase, type SqliteDatabaseLike, type SqliteStatementLike } from "./_driver";

export type { SqliteDatabaseLike, SqliteStatementLike } from "./_driver";

/**
 * Opens a SQLite file with better-sqlite3 as {@link sqliteAdapter} does (WAL, a busy
 * timeout), or read-only: for reading the views with SQL beside a pipeline. Throws a
 * `store_driver_missing` StorageError when better-sqlite3 is not installed.
 */
export function openSqliteDatabase(file: string, options: { readonly?: boolean } = {}): SqliteDatabaseLike {
  return openDatabase(file, options);
}

/** Options of {@link sqliteAdapter}. */
export interface SqliteAdapterOptions {
  /** Open the file read-only: reads work, writes throw. @default false */
  readonly?: boolean;
  /**
   * Batches written within this many ms share one transaction (each batch still
   * all-or-nothing, in a savepoint); `flush` (which every run ends with) and `close`
   * commit at once. 0 commits every batch before its write returns. A process killed
   * in between loses the uncommitted batches' records and state together, so the next
   * run fetches them again. @default 200
   */
  commitIntervalMs?: number;
}

/**
 * Stores records and state in a SQLite database: a file path (opened with
 * better-sqlite3 on first use, in WAL mode; the folder is created) or an open
 * database you own (better-sqlite3's `Database`, or `node:sqlite`'s `DatabaseSync`;
 * never closed by the adapter). Each batch is all-or-nothing (a savepoint), conditional
 * ones included; batches within `commitIntervalMs` share one transaction, committed
 * by then, by `flush` (every run ends with one) or by `close`. Another process can
 * share the file (it waits while a transaction is open). Each resource is a view named after it
 * (`SELECT id, name FROM epics`), nested lists views of their own (`epics__labels`),
 * recreated in the batch that changes the schema; stored rows are never rewritten.
 *
 * @example
 * const pipeline = createPipeline({ name: "analytics", store: sqliteAdapter(".restsync/analytics.sqlite") });
 */
export function sqliteAdapter(target: string | SqliteDatabaseLike, options: SqliteAdapterOptions = {}): StoreAdapter {
  let db: SqliteDatabaseLike | undefined;
  const statements = new Map<string, SqliteStatementLike>();
  const owned = typeof target === "string";

  const open = (): SqliteDatabaseLike => {
    if (db) return db;
    const opened = typeof target === "string" ? openDatabase(target, options) : target;
    if (!options.readonly) for (const sql of CREATE_LAYOUT) opened.exec(sql);
    db = opened;
    return opened;
  };
  const prepared = (sql: string): SqliteStatementLike => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = open().prepare(sql)));
    return statement;
  };
  const readState = (key: string): unknown => {
    const row = prepared(SQL.getState).get(key) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  };
  const parse = (row: { doc: string } | undefined) =>
    row === undefined ? undefined : (JSON.parse(row.doc) as JsonRecord);

  const applyViews = (update: NonNullable<StoreBatch["schemas"]>[number]) => {
    const mine = (prepared(SQL.viewsOf).all(update.resource) as Array<{ name: string }>).map((r) => r.name);
    const names = JSON.stringify(update.schema.tables.map((t) => t.name));
    const objects = new Map(
      (prepared(SQL.objects).all(names) as Array<{ name: string; resource: string | null }>).map((r) => [
        r.name,
        r.resource,
      ]),
    );
    for (const statement of viewStatements(update, mine, objects).statements) {
      // DDL: prepared once each, not cached (a view's text is used once).
      const run = open().prepare(statement.sql);
      run.run(...statement.params);
    }
  };

  // The open transaction that batches join, and the commit that ends it.
  let inTransaction = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let broken: unknown;
  const interval = options.commitIntervalMs ?? 200;
  const commit = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!inTransaction) return;
    inTransaction = false;
    try {
      open().exec("COMMIT");
    } catch (error) {
      // The batches of this transaction are lost together, state with its records; every later
      // write fails too, or a later state could cover records that never were stored.
      broken = error;
      try {
        open().exec("ROLLBACK");
      } catch {}
    }
  };
  const healthy = () => {
    if (broken !== undefined)
      throw new StorageError(`sqlite store failed to commit: ${(broken as Error)?.message ?? broken}`, {
        cause: broken,
      });
  };

  return {
    name: "sqlite",
    atomic: true,
    conditionalWrites: true,
    // Its views need every resource's schema.
    inferSchemas,
    write(batch: StoreBatch) {
      healthy();
      const writes = writeStatements(batch);
      const database = open();
      if (!inTransaction) {
        database.exec("BEGIN IMMEDIATE");
        inTransaction = true;
        if (interval > 0) (timer = setTimeout(commit, interval)).unref?.();
      }
      prepared("SAVEPOINT batch").run();
      try {
        if (batch.expect) assertExpected(batch.expect, readState, "sqlite");
        for (const { sql, params } of writes) prepared(sql).run(...params);
        for (const update of batch.schemas ?? []) applyViews(update);
        prepared("RELEASE batch").run();
      } catch (error) {
        database.exec("ROLLBACK TO batch");
        database.exec("RELEASE batch");
        throw error;
      }
      if (interval <= 0) commit();
      healthy();
    },
    flush() {
      commit();
      healthy();
    },
    get: (table, key) => parse(prepared(SQL.get).get(table, key) as { doc: string } | undefined),
    getMany: (table, keys) =>
      keys.map((key) => parse(prepared(SQL.get).get(table, key) as { doc: string } | undefined)),
    count: (table) => (prepared(SQL.count).get(table) as { n: number }).n,
    scan(table, { after, limit }): ScanPage {
      const size = Math.max(1, limit);
      // One more than asked tells whether there is a next page.
      const rows = (
        after === undefined
          ? prepared(SQL.scan).all(table, size + 1)
          : prepared(SQL.scanAfter).all(table, after, size + 1)
      ) as Array<{ key: string; doc: string }>;
      const entries = rows.slice(0, size).map((row) => ({ key: row.key, record: JSON.parse(row.doc) as JsonRecord }));
      return { entries, next: rows.length > size ? entries[entries.length - 1]!.key : undefined };
    },
    getState: (key) => readState(key),
    close() {
      commit();
      statements.clear();
      if (db && owned) db.close();
      db = undefined;
    },
  };
}
