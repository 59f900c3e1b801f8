/**
 * restsync's raw layout in a SQL store (SQLite in Node, D1 in Workers): every
 * record is one row of JSON under its table and key, state is JSON under its key,
 * and each resource is presented as views over the JSON (./views.ts). Schema
 * evolution only replaces views: stored rows are never rewritten. The SQL text
 * and parameters of every operation are built here; a driver only runs them.
 */
import type { StoreBatch } from "restsync";

/** Records: one row per record, its JSON in `doc`. */
export const RECORDS = "_restsync_records";
/** State entries as JSON. */
export const STATE = "_restsync_state";
/** The views restsync made, and for which resource: the only ones it ever drops. */
export const VIEWS = "_restsync_views";

/** A statement and its parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * Creates the layout where it is missing (idempotent). Records are clustered by
 * (table, key), WITHOUT ROWID: one B-tree, not a table and an index (bulk loads
 * ran about twice as fast); large records spill to overflow pages as in any table.
 */
export const CREATE_LAYOUT: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${RECORDS} (tbl TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS ${STATE} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${VIEWS} (name TEXT NOT NULL PRIMARY KEY, resource TEXT NOT NULL, tbl TEXT NOT NULL)`,
];

/** The statements of the layout, by operation; `?` parameters in the order given. */
export const SQL = {
  /** tbl, key, doc */
  put: `INSERT INTO ${RECORDS} (tbl, key, doc) VALUES (?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET doc = excluded.doc`,
  /** tbl, key */
  delete: `DELETE FROM ${RECORDS} WHERE tbl = ? AND key = ?`,
  /** tbl */
  drop: `DELETE FROM ${RECORDS} WHERE tbl = ?`,
  /** tbl, key → doc */
  get: `SELECT doc FROM ${RECORDS} WHERE tbl = ? AND key = ?`,
  /** tbl → n */
  count: `SELECT count(*) AS n FROM ${RECORDS} WHERE tbl = ?`,
  /** tbl, limit → key, doc */
  scan: `SELECT key, doc FROM ${RECORDS} WHERE tbl = ? ORDER BY key LIMIT ?`,
  /** tbl, after, limit → key, doc */
  scanAfter: `SELECT key, doc FROM ${RECORDS} WHERE tbl = ? AND key > ? ORDER BY key LIMIT ?`,
  /** key → value */
  getState: `SELECT value FROM ${STATE} WHERE key = ?`,
  /** key, value */
  setState: `INSERT INTO ${STATE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  /** key */
  deleteState: `DELETE FROM ${STATE} WHERE key = ?`,
  /** names → name, resource: which of the names are objects of the database, and whose view each is (null: not restsync's) */
  objects: `SELECT m.name AS name, v.resource AS resource FROM sqlite_master AS m LEFT JOIN ${VIEWS} AS v ON v.name = m.name WHERE m.name IN (SELECT value FROM json_each(?))`,
  /** resource → name */
  viewsOf: `SELECT name FROM ${VIEWS} WHERE resource = ?`,
} as const;

/** `"name"` with quotes doubled: any name is safe as an identifier, reserved words included. */
export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'text'` as a SQL string literal. */
export function quoteText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** How {@link writeStatements} groups a batch's rows into statements. */
export interface WriteGrouping {
  /** Records per `INSERT` (3 parameters each). @default 1 */
  rowsPerPut?: number;
  /** Characters of JSON per `INSERT` (past it the statement ends early; one record always fits). @default Infinity */
  charsPerPut?: number;
  /** Keys per `DELETE … IN (…)`. @default 1 */
  keysPerDelete?: number;
  /** Sees every record's JSON before anything runs: throws for one the database cannot hold. */
  check?(table: string, key: string, doc: string): void;
}

/**
 * The writes of a batch, in the store contract's order: record puts and deletes,
 * dropped tables, then state; rows grouped into multi-row statements as `grouping`
 * says (each SQL text is the same for the same number of rows, so drivers can cache it).
 * Values are serialised first, so a value that cannot be stored fails the batch before
 * anything runs. (`expect` and `schemas` are the driver's: the first is a read, the
 * second needs {@link viewStatements}.)
 */
export function writeStatements(batch: StoreBatch, grouping: WriteGrouping = {}): SqlStatement[] {
  const { rowsPerPut = 1, charsPerPut = Infinity, keysPerDelete = 1, check } = grouping;
  const out: SqlStatement[] = [];
  let rows: unknown[] = [];
  let chars = 0;
  const endPut = () => {
    if (rows.length === 0) return;
    out.push({ sql: putRows(rows.length / 3), params: rows });
    [rows, chars] = [[], 0];
  };
  for (const { table, key, record } of batch.puts ?? []) {
    const doc = encode(record);
    check?.(table, key, doc);
    if (rows.length / 3 >= rowsPerPut || (rows.length > 0 && chars + doc.length > charsPerPut)) endPut();
    rows.push(table, key, doc);
    chars += doc.length;
  }
  endPut();
  const deletes = new Map<string, string[]>();
  for (const { table, key } of batch.deletes ?? []) deletes.set(table, [...(deletes.get(table) ?? []), key]);
  for (const [table, keys] of deletes)
    for (let i = 0; i < keys.length; i += keysPerDelete) {
      const some = keys.slice(i, i + keysPerDelete);
      out.push({ sql: deleteKeys(some.length), params: [table, ...some] });
    }
  for (const table of batch.drops ?? []) out.push({ sql: SQL.drop, params: [table] });
  for (const { key, value } of batch.state ?? [])
    out.push(
      value === undefined
        ? { sql: SQL.deleteState, params: [key] }
        : { sql: SQL.setState, params: [key, encode(value)] },
    );
  return out;
}

/** An upsert of `n` records (tbl, key, doc each); the last of a key wins. */
function putRows(n: number): string {
  return n === 1 ? SQL.put : SQL.put.replace("VALUES (?, ?, ?)", `VALUES ${Array(n).fill("(?, ?, ?)").join(", ")}`);
}

/** A delete of `n` keys of one table (tbl, then the keys). */
function deleteKeys(n: number): string {
  return n === 1 ? SQL.delete : `DELETE FROM ${RECORDS} WHERE tbl = ? AND key IN (${Array(n).fill("?").join(", ")})`;
}

/** JSON text of a record or state value; `undefined` (a function, a symbol) is refused rather than stored as nothing. */
export function encode(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("value is not JSON-serialisable");
  return text;
}
