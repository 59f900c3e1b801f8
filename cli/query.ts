import path from "node:path";
import { openSqliteDatabase } from "restsync/adapters/sqlite";
import { parseCommandArgs, positionals } from "./_args";
import { table } from "./_format";
import { HELP } from "./_help";
import { type CliIo, EXIT, UsageError, writeLine } from "./_io";
import { storesToRead } from "./_store";

/** What `query` needs of a better-sqlite3 statement beyond the adapter's structural type. */
interface ReaderStatement {
  readonly reader: boolean;
  columns(): Array<{ name: string }>;
  safeIntegers(on: boolean): ReaderStatement;
  raw(on: boolean): ReaderStatement;
  all(): unknown[][];
}

/** Longest cell of the table (characters); --json prints every value whole. */
const CELL = 60;

/** `restsync query "<sql>"`: see {@link HELP.query}. */
export async function queryCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommandArgs("query", args, {
    name: { type: "string" },
    file: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) {
    writeLine(io.stdout, HELP.query);
    return EXIT.ok;
  }
  const [sql] = positionals("query", given, ["sql"]);
  let file = values.file === undefined ? undefined : path.resolve(io.cwd, values.file);
  if (!file) {
    const stores = storesToRead(io, "query", undefined, values.name);
    if (stores.length > 1)
      throw new UsageError(
        `several pipelines in ${stores.map((s) => s.shown).join(", ")}: pass --name <pipeline>`,
        "query",
      );
    file = stores[0]!.file!;
  }
  // Read-only: a statement that would change the store fails in SQLite itself.
  const db = openSqliteDatabase(file, { readonly: true });
  try {
    let statement: ReaderStatement;
    try {
      statement = db.prepare(sql!) as unknown as ReaderStatement;
    } catch (error) {
      throw new UsageError(`the query failed: ${(error as Error).message}`, "query");
    }
    if (!statement.reader)
      throw new UsageError("query runs read-only statements that return rows (SELECT, WITH, PRAGMA, EXPLAIN)", "query");
    const names = statement.columns().map((c) => c.name);
    let rows: unknown[][];
    try {
      rows = statement.safeIntegers(true).raw(true).all();
    } catch (error) {
      throw new UsageError(`the query failed: ${(error as Error).message}`, "query");
    }
    const plain = rows.map((row) => row.map(plainValue));
    if (values.json) {
      for (const row of plain)
        writeLine(io.stdout, JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i]]))));
      return EXIT.ok;
    }
    const cells = plain.map((row) => row.map(cell));
    writeLine(io.stdout, `${table(names, cells)}\n(${rows.length} ${rows.length === 1 ? "row" : "rows"})`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** A SQLite value as JSON: integers past 2^53 as their digits, blobs as hex. */
function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  return value;
}

function cell(value: unknown): string | number {
  if (value === null) return "NULL";
  if (typeof value === "number") return value;
  const text = String(value).replace(/\s+/g, " ");
  return text.length > CELL ? `${text.slice(0, CELL - 1)}…` : text;
}
