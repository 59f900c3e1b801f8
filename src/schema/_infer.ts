import type { JsonRecord } from "../store";
import { ACCEPTS, Kind, kindOf, TYPE_OF } from "./_classify";
import { joinPath, NameSpace, snakeCase } from "./_names";
import {
  type ColumnSchema,
  type ColumnType,
  type ResourceSchema,
  SCHEMA_LIMITS,
  type SchemaChange,
  type SchemaLimits,
  type TableSchema,
} from "./types";

/** Columns restsync's SQL views add to every child table (dlt's names), never given to a field. */
export const CHILD_COLUMNS = ["_dlt_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id"] as const;
/** The column a resource's own view adds: the record's store key. */
export const ROOT_COLUMNS = ["_dlt_id"] as const;

interface Column {
  schema: ColumnSchema;
  accepts: number;
  /** Rows of the current page with a value here (for nullability). */
  seen: number;
}

/** One key at one place in a table's rows: its columns, its members (an object), its table (a list). */
interface Field {
  name: string;
  path: string[];
  columns: Column[];
  kinds: number;
  members?: Map<string, Field>;
  table?: Table;
  ignored?: true;
}

interface Table {
  schema: TableSchema;
  level: number;
  fields: Map<string, Field>;
  /** The elements of a list of scalars (`value`). */
  value?: Field;
  names: NameSpace;
  count: number;
  rows: number;
  hadRows: boolean;
}

/**
 * Infers a resource's schema from the records it stores, page by page: dlt's
 * relational layout (objects flattened into `a__b` columns, lists into
 * `<table>__<field>` child tables, a value of another type into a variant
 * column `field__v_<type>`), within {@link SCHEMA_LIMITS}. Starts from the saved
 * schema, so names and types never change once given.
 */
export class SchemaInference {
  /** What changed in this run, for the report (bounded). */
  readonly changes: SchemaChange[] = [];
  readonly #resource: string;
  readonly #now: string;
  readonly #tables: Table[] = [];
  readonly #tableNames = new NameSpace();
  readonly #limits = new Set<string>();
  #omitted = 0;
  #dirty = false;

  readonly #bounds: SchemaLimits;

  constructor(resource: string, saved: ResourceSchema | undefined, now: string, bounds: SchemaLimits = SCHEMA_LIMITS) {
    this.#resource = resource;
    this.#bounds = bounds;
    this.#now = now;
    if (saved?.tables?.length) this.#load(saved);
    else this.#addTable(snakeCase(resource), [], undefined, 0, false);
  }

  /** Takes in a page of stored records; true when the schema changed (and must be saved with them). */
  observe(records: readonly JsonRecord[]): boolean {
    const root = this.#tables[0]!;
    for (const record of records) {
      root.rows++;
      this.#walk(root, root.fields, record, undefined, 0);
    }
    for (const table of this.#tables) {
      if (table.rows === 0) continue;
      for (const field of table.fields.values()) this.#settle(field, table.rows);
      if (table.value) this.#settle(table.value, table.rows);
      table.rows = 0;
      table.hadRows = true;
    }
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }

  /** The schema as saved in state: a copy, safe to keep. */
  snapshot(): ResourceSchema {
    return JSON.parse(JSON.stringify({ resource: this.#resource, tables: this.#tables.map((t) => t.schema) }));
  }

  #walk(
    table: Table,
    fields: Map<string, Field>,
    row: Record<string, unknown>,
    parent: Field | undefined,
    depth: number,
  ) {
    for (const key in row) {
      const value = row[key];
      if (typeof value === "string") {
        // A text column takes any string: no need to tell timestamps and big digits apart (the common case).
        const first = fields.get(key)?.columns[0];
        if (first?.schema.type === "text") {
          first.seen++;
          continue;
        }
      }
      const kind = kindOf(value);
      if (kind === Kind.None) continue;
      const field = fields.get(key) ?? this.#field(table, fields, key, parent);
      if (!field || field.ignored) continue;
      if ((field.kinds & (1 << kind)) === 0) this.#newKind(field, kind);
      if (kind === Kind.Object && depth < this.#bounds.objectDepth) {
        this.#walk(table, (field.members ??= new Map()), value as Record<string, unknown>, field, depth + 1);
      } else if (kind === Kind.List && (field.table ?? this.#childTable(table, field))) {
        this.#list(field.table!, value as unknown[]);
      } else this.#value(table, field, kind);
    }
  }

  #list(table: Table, list: unknown[]) {
    for (const element of list) {
      table.rows++;
      const kind = kindOf(element);
      if (kind === Kind.Object) this.#walk(table, table.fields, element as Record<string, unknown>, undefined, 0);
      else if (kind !== Kind.None) {
        const field = (table.value ??= { name: "value", path: [], columns: [], kinds: 0 });
        if ((field.kinds & (1 << kind)) === 0) this.#newKind(field, kind);
        this.#value(table, field, kind);
      }
    }
  }

  #value(table: Table, field: Field, kind: Kind) {
    const first = field.columns[0];
    let column = first && first.accepts & (1 << kind) ? first : field.columns.find((c) => c.accepts & (1 << kind));
    column ??= this.#column(table, field, TYPE_OF[kind]!);
    if (column) column.seen++;
  }

  #newKind(field: Field, kind: Kind) {
    field.kinds |= 1 << kind;
    this.#mark(field);
  }

  /** A field holding kinds its first column does not take (another type, an object, a list) needs views to pick by type. */
  #mark(field: Field) {
    const first = field.columns[0];
    if (!first || (field.columns.length === 1 && (field.kinds & ~first.accepts) === 0)) return;
    for (const c of field.columns) {
      if (c.schema.mixed) continue;
      c.schema.mixed = true;
      this.#dirty = true;
    }
  }

  #settle(field: Field, rows: number) {
    for (const column of field.columns) {
      if (!column.schema.nullable && column.seen !== rows) {
        column.schema.nullable = true;
        this.#dirty = true;
      }
      column.seen = 0;
    }
    if (field.members) for (const member of field.members.values()) this.#settle(member, rows);
  }

  #field(table: Table, fields: Map<string, Field>, key: string, parent: Field | undefined): Field | undefined {
    // Every record inventing new keys must not grow memory without bound.
    if (fields.size >= this.#bounds.columns * 10) return undefined;
    const field: Field = {
      name: parent ? joinPath(parent.name, snakeCase(key)) : joinPath(snakeCase(key)),
      path: parent ? [...parent.path, key] : [key],
      columns: [],
      kinds: 0,
    };
    if (key.length > this.#bounds.keyLength) {
      field.ignored = true;
      this.#limit(table, `a field name over ${this.#bounds.keyLength} characters has no column`);
    }
    fields.set(key, field);
    return field;
  }

  #column(table: Table, field: Field, type: ColumnType): Column | undefined {
    if (table.count >= this.#bounds.columns) {
      if (!table.schema.overflow) this.#dirty = true;
      table.schema.overflow = true;
      this.#limit(table, `the table has ${this.#bounds.columns} columns: further fields have none`);
      return undefined;
    }
    const variant = field.columns.length > 0;
    const name = table.names.claim(variant ? joinPath(field.name, `v_${type}`) : field.name);
    const schema: ColumnSchema = { name, path: field.path, type, nullable: table.hadRows, since: this.#now };
    if (variant) schema.variant = true;
    const column = { schema, accepts: ACCEPTS[type], seen: 0 };
    field.columns.push(column);
    table.schema.columns.push(schema);
    table.count++;
    this.#mark(field);
    this.#dirty = true;
    this.#change({ kind: variant ? "variant" : "column", table: table.schema.name, column: name, type });
    return column;
  }

  #childTable(parent: Table, field: Field): Table | undefined {
    if (parent.level >= this.#bounds.listDepth || this.#tables.length >= this.#bounds.tables) {
      this.#limit(
        parent,
        `lists nested past ${this.#bounds.listDepth} levels or past ${this.#bounds.tables} tables are json columns`,
      );
      return undefined;
    }
    const name = this.#tableNames.claim(joinPath(parent.schema.name, field.name));
    field.table = this.#addTable(
      name,
      [...parent.schema.path, field.path],
      parent.schema.name,
      parent.level + 1,
      false,
    );
    return field.table;
  }

  #addTable(name: string, path: string[][], parent: string | undefined, level: number, hadRows: boolean): Table {
    const schema: TableSchema = { name, path, since: this.#now, columns: [] };
    if (parent !== undefined) schema.parent = parent;
    const table: Table = {
      schema,
      level,
      fields: new Map(),
      names: new NameSpace(parent === undefined ? ROOT_COLUMNS : CHILD_COLUMNS),
      count: 0,
      rows: 0,
      hadRows,
    };
    this.#tableNames.take(name);
    this.#tables.push(table);
    if (level > 0) {
      this.#dirty = true;
      this.#change({ kind: "table", table: name });
    }
    return table;
  }

  #load(saved: ResourceSchema) {
    for (const schema of saved.tables) {
      const level = schema.path.length;
      const table = this.#addTable(schema.name, schema.path, schema.parent, level, true);
      Object.assign(table.schema, schema);
      if (level > 0) {
        const parent = this.#tables.find((t) => t.schema.name === schema.parent);
        const holder = parent && this.#fieldAt(parent, schema.path[level - 1]!);
        if (holder) holder.table = table;
      }
      for (const column of schema.columns) {
        const field =
          column.path.length === 0
            ? (table.value ??= { name: "value", path: [], columns: [], kinds: 0 })
            : this.#fieldAt(table, column.path);
        field.columns.push({ schema: column, accepts: ACCEPTS[column.type], seen: 0 });
        for (const kind of [1, 2, 3, 4, 5, 6]) if (ACCEPTS[column.type] & (1 << kind)) field.kinds |= 1 << kind;
        table.names.take(column.name);
        table.count++;
      }
    }
    // Loading is not a change.
    this.changes.length = 0;
    this.#dirty = false;
  }

  #fieldAt(table: Table, path: string[]): Field {
    let fields = table.fields;
    let field: Field | undefined;
    for (const key of path) {
      const parent = field;
      field = fields.get(key);
      if (!field) {
        field = {
          name: parent ? joinPath(parent.name, snakeCase(key)) : joinPath(snakeCase(key)),
          path: parent ? [...parent.path, key] : [key],
          columns: [],
          kinds: 0,
        };
        fields.set(key, field);
      }
      fields = field.members ??= new Map();
    }
    return field!;
  }

  #limit(table: Table, detail: string) {
    const id = `${table.schema.name}\n${detail}`;
    if (this.#limits.has(id)) return;
    this.#limits.add(id);
    // Always listed (few, deduplicated): a limit is the change a reader most needs to see.
    this.changes.push({ kind: "limit", table: table.schema.name, detail });
  }

  #change(change: SchemaChange) {
    if (this.changes.length < this.#bounds.reported) this.changes.push(change);
    else if (++this.#omitted === 1)
      this.changes.push({ kind: "limit", table: change.table, detail: "more schema changes than a report lists" });
  }
}
