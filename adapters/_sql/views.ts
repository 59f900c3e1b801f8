/**
 * The SQL views over restsync's raw layout (see ./layout.ts): one view per table
 * of a resource's inferred schema, named as the schema names it, one column per
 * inferred column, read from the stored JSON with `json_extract` (nested lists
 * through `json_each`). Plain SQLite SQL, shared by every SQL store (SQLite in
 * Node, D1 in Workers); nothing here runs a statement.
 */
import type { ColumnSchema, ColumnType, ResourceSchema, TableSchema } from "restsync";
import { quoteId, quoteText, RECORDS, type SqlStatement, VIEWS } from "./layout";

/** Columns a child table's view adds before its fields (`_dlt_id`, `_dlt_root_id`, `_dlt_parent_id`, `_dlt_list_idx`); a resource's own view adds one. */
export const CHILD_COLUMN_COUNT = 4;

/** One view to create: its name and the whole `CREATE VIEW` statement. */
export interface ViewDefinition {
  name: string;
  sql: string;
}

/**
 * SQL for the kinds of value the core's inference tells apart (src/schema/_classify.ts),
 * on a value's JSON type `t` and its value `v`. Only fields that held several kinds
 * need them; `test/adapters/sql-views.test.ts` checks they agree with the inference.
 */
const KIND_SQL: Record<string, (t: string, v: string) => string> = {
  bool: (t) => `${t} IN ('true','false')`,
  int: (t) => `${t} = 'integer'`,
  real: (t) => `${t} = 'real'`,
  time: (t, v) => `(${t} = 'text' AND ${isTime(v)})`,
  big: (t, v) => `(${t} = 'text' AND ${isBig(v)})`,
  text: (t, v) => `(${t} = 'text' AND NOT ${isTime(v)} AND NOT ${isBig(v)})`,
  object: (t) => `${t} = 'object'`,
  list: (t) => `${t} = 'array'`,
};

/** The kinds each column type takes, in the core's order of preference (src/schema/_classify.ts ACCEPTS). */
const TAKES: Record<ColumnType, string[]> = {
  text: ["text", "time", "big"],
  timestamp: ["time"],
  bigint: ["int", "big"],
  double: ["int", "real"],
  bool: ["bool"],
  json: ["bool", "int", "real", "text", "time", "big", "object", "list"],
};

const isTime = (v: string) =>
  `(${v} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' OR ${v} GLOB '[A-Z][a-z][a-z], [0-9]*')`;

/** Digits of an integer past ±2^53−1, as the core's JSON parser keeps them. */
function isBig(v: string): string {
  const d = `(CASE WHEN substr(${v},1,1) = '-' THEN substr(${v},2) ELSE ${v} END)`;
  return `(${d} GLOB '[1-9]*' AND ${d} NOT GLOB '*[^0-9]*' AND (length(${d}) > 16 OR (length(${d}) = 16 AND ${d} > '9007199254740991')))`;
}

/** A JSON path to `keys` that any key can travel (quoted labels, `\` and `"` escaped). */
export function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((key) => `."${key.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join("")}`;
}

/**
 * The `CREATE VIEW` statements for every table of `schema`, whose records are stored under `table`.
 * `maxColumns` caps each view's columns, restsync's own included (D1 allows 100): a schema inferred
 * within the store's limits never reaches it; one saved under wider limits loses its last columns from the view.
 */
export function viewDefinitions(schema: ResourceSchema, table: string, maxColumns = Infinity): ViewDefinition[] {
  return schema.tables.map((t) => ({ name: t.name, sql: viewSql(t, table, maxColumns) }));
}

function viewSql(t: TableSchema, table: string, maxColumns: number): string {
  const level = t.path.length;
  const select: string[] = [];
  const from = [`${RECORDS} AS r`];
  // A row's JSON and its type at each level: the record, then each list element.
  let row = "r.doc";
  let id = "r.key";
  for (let i = 1; i <= level; i++) {
    const path = quoteText(jsonPath(t.path[i - 1]!));
    const list = `CASE WHEN json_type(${row}, ${path}) = 'array' THEN json_extract(${row}, ${path}) END`;
    from.push(`json_each(${list}) AS j${i}`);
    if (i === level)
      select.push(`r.key AS "_dlt_root_id"`, `${id} AS "_dlt_parent_id"`, `j${i}.key AS "_dlt_list_idx"`);
    id = `${id} || '/' || j${i}.key`;
    row = `CASE WHEN j${i}.type = 'object' THEN j${i}.value END`;
  }
  select.unshift(`${id} AS "_dlt_id"`);
  const byPath = new Map<string, ColumnSchema[]>();
  for (const column of t.columns.slice(0, Math.max(0, maxColumns - select.length))) {
    const key = JSON.stringify(column.path);
    byPath.set(key, [...(byPath.get(key) ?? []), column]);
  }
  for (const columns of byPath.values()) {
    const taken = new Set<string>();
    for (const column of columns) {
      select.push(`${columnSql(column, row, level, taken)} AS ${quoteId(column.name)}`);
      for (const kind of TAKES[column.type]) taken.add(kind);
    }
  }
  return `CREATE VIEW ${quoteId(t.name)} AS SELECT ${select.join(", ")} FROM ${from.join(", ")} WHERE r.tbl = ${quoteText(table)}`;
}

/** A column's value: the field's, or for a field of several kinds only the kinds this column takes that earlier ones do not. */
function columnSql(column: ColumnSchema, row: string, level: number, taken: ReadonlySet<string>): string {
  const element = column.path.length === 0;
  // The element of a list of scalars (its objects are rows of their own, in the other columns).
  const t = element ? `j${level}.type` : `json_type(${row}, ${quoteText(jsonPath(column.path))})`;
  const v = element ? `j${level}.value` : `json_extract(${row}, ${quoteText(jsonPath(column.path))})`;
  if (element) {
    if (!column.mixed) return `CASE WHEN ${t} <> 'object' THEN ${v} END`;
  } else if (!column.mixed) return v;
  const kinds = TAKES[column.type].filter((kind) => !taken.has(kind) && !(element && kind === "object"));
  if (kinds.length === 0) return "NULL";
  return `CASE WHEN ${kinds.map((kind) => KIND_SQL[kind]!(t, v)).join(" OR ")} THEN ${v} END`;
}

/**
 * Replaces a resource's views: drops the ones restsync made for it, creates one per
 * table of `schema` over the records stored under `table`. `objects` says, for each
 * name the schema wants, whether the database has an object of that name and whose
 * view it is: a name held by anything restsync did not make for a resource (a user's
 * table or view) is left alone and reported in `skipped`, never dropped.
 */
export function viewStatements(
  update: { resource: string; table: string; schema: ResourceSchema },
  owned: readonly string[],
  objects: ReadonlyMap<string, string | null>,
  maxColumns = Infinity,
): { statements: SqlStatement[]; skipped: string[] } {
  const statements: SqlStatement[] = [];
  const skipped: string[] = [];
  for (const name of owned) statements.push({ sql: `DROP VIEW IF EXISTS ${quoteId(name)}`, params: [] });
  statements.push({ sql: `DELETE FROM ${VIEWS} WHERE resource = ?`, params: [update.resource] });
  for (const view of viewDefinitions(update.schema, update.table, maxColumns)) {
    const holder = objects.get(view.name);
    if (objects.has(view.name) && holder === null) {
      skipped.push(view.name);
      continue;
    }
    // Another resource's view of the same name (two pipelines in one file): the latest run's wins.
    if (holder !== undefined && holder !== update.resource)
      statements.push(
        { sql: `DROP VIEW IF EXISTS ${quoteId(view.name)}`, params: [] },
        { sql: `DELETE FROM ${VIEWS} WHERE name = ?`, params: [view.name] },
      );
    statements.push(
      { sql: view.sql, params: [] },
      {
        sql: `INSERT INTO ${VIEWS} (name, resource, tbl) VALUES (?, ?, ?)`,
        params: [view.name, update.resource, update.table],
      },
    );
  }
  return { statements, skipped };
}
