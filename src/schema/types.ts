/**
 * A column's type, in dlt's names: `bigint` (whole numbers; an integer past ±2^53−1,
 * which arrives as a string of its digits, is kept as that text), `double`, `bool`,
 * `text`, `timestamp` (a string the core's timestamp parser reads: ISO 8601 /
 * RFC 3339 starting `YYYY-MM-DD`, or an RFC 2822 / HTTP date), `json` (a value
 * kept whole: objects and lists past the nesting limits, lists of lists).
 */
export type ColumnType = "bigint" | "double" | "bool" | "text" | "timestamp" | "json";

/** One column of a table: a field of the records (flattened with `__`), or a variant of one. */
export interface ColumnSchema {
  /** The column's name: dlt's snake_case of the field's path, e.g. `owner__name`, `points__v_text`. */
  name: string;
  /** Keys from the table's row to the value (`[]`: the element itself, in a list of scalars' `value`). */
  path: string[];
  type: ColumnType;
  /** Some stored row has no value (or null) here. */
  nullable: boolean;
  /** When the run that first saw the column started (ISO time). */
  since: string;
  /** A variant column: values of this type of a field whose first column has another type. */
  variant?: true;
  /** The field has held values of several kinds, so readers must pick this column's values by type. */
  mixed?: true;
}

/** One table of a resource: the resource's own, or one per nested list (`<resource>__<field>`). */
export interface TableSchema {
  /** `epics`, or for a nested list `epics__labels` (dlt's names, shortened past 64 characters). */
  name: string;
  /**
   * Where the rows are: for each level of list nesting, the keys from the row above to the
   * list (`[]` for the resource's own table; `[["labels"]]` for `epics__labels`).
   */
  path: string[][];
  /** The table whose rows hold the lists (absent for the resource's own table). */
  parent?: string;
  since: string;
  columns: ColumnSchema[];
  /** Fields left without a column because the table reached its column limit (kept in the stored records). */
  overflow?: true;
}

/** The inferred schema of one resource, kept in the store's state beside the records it describes. */
export interface ResourceSchema {
  resource: string;
  /** The resource's own table first, then child tables in the order they appeared. */
  tables: TableSchema[];
}

/** One change a run made to a resource's schema, as its report lists them. */
export interface SchemaChange {
  /** `table`: a nested list got a table; `column`: a field got a column; `variant`: a value of another type got a variant column; `limit`: a limit left something without a column (the records keep it). */
  kind: "table" | "column" | "variant" | "limit";
  table: string;
  column?: string;
  type?: ColumnType;
  /** For `limit`: what was left out and why. */
  detail?: string;
}

/** A resource's schema being inferred during a run (see `inferSchemas` in `restsync/schema`). */
export interface SchemaInferenceLike {
  /** What changed in this run, for the report. */
  readonly changes: SchemaChange[];
  /** Takes in a page of stored records; true when the schema changed (and must be saved with them). */
  observe(records: readonly Record<string, unknown>[]): boolean;
  /** The schema as saved in state: a copy, safe to keep. */
  snapshot(): ResourceSchema;
}

/**
 * Starts inferring a resource's schema from the one saved (undefined: none yet); `now` is
 * the run's time, recorded as `since` of what it adds. `inferSchemas` from `restsync/schema`
 * is the one restsync ships; a SQL store brings it itself.
 */
export type SchemaInferrer = (resource: string, saved: ResourceSchema | undefined, now: string) => SchemaInferenceLike;

/**
 * The bounds of an inferred schema (per resource). Past them, fields get no column
 * (the stored records keep them whole) and the run's schema changes say so once.
 */
export const SCHEMA_LIMITS = {
  /** Columns per table, variants included (SQLite's default maximum is 2,000). */
  columns: 1000,
  /** Tables per resource (its own and its nested lists'). */
  tables: 100,
  /** Levels of nested objects flattened into `a__b` columns; deeper objects are one `json` column. */
  objectDepth: 8,
  /** Levels of nested lists made child tables; deeper lists are one `json` column. */
  listDepth: 4,
  /** Longest field name (characters) given a column. */
  keyLength: 1000,
  /** Schema changes listed in one run's report per resource; past it, one `limit` entry says how many more. */
  reported: 100,
} as const;

/** Bounds of schema inference, as in {@link SCHEMA_LIMITS}; a store with lower limits (D1: 100 columns) passes its own. */
export type SchemaLimits = { readonly [K in keyof typeof SCHEMA_LIMITS]: number };
