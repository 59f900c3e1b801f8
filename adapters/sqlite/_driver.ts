import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { StorageError } from "restsync";

/** A prepared statement, as better-sqlite3 (and `node:sqlite`) shape it: only what the adapter calls. */
export interface SqliteStatementLike {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * An open SQLite database, typed structurally: a better-sqlite3 `Database` fits, and
 * so does `node:sqlite`'s `DatabaseSync` where the Node version has it.
 */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  close(): unknown;
}

type DatabaseConstructor = new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => SqliteDatabaseLike;

/**
 * Opens `file` with better-sqlite3, loaded only now: browser and Worker users, who never
 * call this, need no native build. A missing driver is a `store_driver_missing` StorageError
 * that says what to install.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): SqliteDatabaseLike {
  let Database: DatabaseConstructor;
  try {
    Database = createRequire(import.meta.url)("better-sqlite3") as DatabaseConstructor;
  } catch (error) {
    throw new StorageError(
      `sqliteAdapter needs the better-sqlite3 package (a native module, built when installed): npm install better-sqlite3 — or pass an open database (${(error as Error)?.message?.split("\n")[0] ?? error})`,
      { code: "store_driver_missing", cause: error },
    );
  }
  try {
    if (file !== ":memory:" && !options.readonly) mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    if (!options.readonly) {
      // WAL: readers (a `restsync query` while a run goes on) never block the writer, and a commit needs no fsync
      // of the whole file; synchronous=NORMAL keeps every commit atomic, a power cut may lose only the last ones.
      // 16 KiB pages (only a new, empty file takes them): records are rows of JSON, often a few hundred bytes.
      db.exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    }
    // 64 MiB of page cache (SQLite's default is 2 MiB): keys rarely arrive in key order, and a large
    // table's inserts would otherwise read its B-tree pages back from disk.
    db.exec("PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536");
    return db;
  } catch (error) {
    throw new StorageError(`sqlite store could not open ${file}: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
}
