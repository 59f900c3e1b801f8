/**
 * A SQLite store for Node (the CLI's default): records and state in one database
 * file, each batch with the state that covers it, and every resource presented as SQL views
 * named after it — one column per inferred field — that any SQLite client can query.
 * The SQL is the shared layout of restsync's SQL stores (adapters/_sql).
 */
import { assertExpected, type JsonRecord, type ScanPage, type StoreAdapter, type StoreBatch } from "restsync";
import { inferSchemas } from "restsync/schema";
import { encode, SQL, writeStatements } from "../_sql/layout";
import { viewStatements } from "../_sql/views";
import { type Connection, connect } from "./_connection";
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
  let opened: ReturnType<typeof connect> | undefined;
  const connection = (): Connection => (opened ??= connect(target, options)).connection;
  const prepared = (sql: string): SqliteStatementLike => connection().prepared(sql);
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
      connection()
        .db.prepare(statement.sql)
        .run(...statement.params);
    }
  };

  return {
    name: "sqlite",
    atomic: true,
    conditionalWrites: true,
    // Its views need every resource's schema.
    inferSchemas,
    write(batch: StoreBatch) {
      const writes = writeStatements(batch);
      connection().batch(() => {
        if (batch.expect) checkExpected(connection(), batch.expect);
        for (const { sql, params } of writes) prepared(sql).run(...params);
        for (const { key, value } of batch.state ?? []) connection().wroteState(key, stateText(value));
        for (const update of batch.schemas ?? []) applyViews(update);
      });
    },
    flush() {
      if (!opened) return;
      opened.connection.commit();
      opened.connection.healthy();
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
      if (!opened) return;
      opened.connection.release(opened.forget);
      opened = undefined;
    },
  };
}

const stateText = (value: unknown): string | undefined => (value === undefined ? undefined : encode(value));

/** A batch's expectations, checked inside its transaction; the same text as expected passes without parsing. */
function checkExpected(connection: Connection, expected: NonNullable<StoreBatch["expect"]>): void {
  for (const entry of expected) {
    const text = connection.stateText(entry.key);
    if (text === stateText(entry.value)) continue;
    assertExpected([entry], () => (text === undefined ? undefined : JSON.parse(text)), "sqlite");
  }
}
