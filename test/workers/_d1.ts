/**
 * D1 helpers of the Worker under test (bundled into it): a binding that counts its calls,
 * one whose n-th batch dies as an invocation would, and a wipe between contract cases.
 */
import type { D1DatabaseLike, D1PreparedStatementLike } from "restsync/adapters/d1";

/** D1 calls by kind: `batch` calls, and statements run on their own (reads: `first`, `all`; `run`). */
export interface D1Calls {
  batch: number;
  /** The SQL of each batch's statements, in order (kept when `countingD1` is asked to log). */
  log?: string[][];
  statements: number;
  read: number;
  write: number;
}

/**
 * `db` counting every call that reaches D1. With `failAtBatch`, that batch call and every later one
 * fails before reaching D1; with `failAtStatement`, the batch holding that statement (counted over
 * all batches) reaches D1 with that statement failing, and D1 rolls the batch back, as when the
 * database dies partway through it.
 */
export function countingD1(
  db: D1DatabaseLike,
  failAtBatch = 0,
  failAtStatement = 0,
  options: { log?: boolean } = {},
): { binding: D1DatabaseLike; calls: D1Calls } {
  const calls: D1Calls = { batch: 0, statements: 0, read: 0, write: 0, ...(options.log ? { log: [] } : {}) };
  type Wrapped = D1PreparedStatementLike & { unwrap(): D1PreparedStatementLike; sql: string };
  const wrap = (statement: D1PreparedStatementLike, sql: string): Wrapped => ({
    bind: (...values) => wrap(statement.bind(...values), sql),
    first: (() => (calls.read++, statement.first())) as D1PreparedStatementLike["first"],
    all: (() => (calls.read++, statement.all())) as D1PreparedStatementLike["all"],
    run: () => (calls.write++, statement.run()),
    // The real statement travels inside a batch.
    unwrap: () => statement,
    sql,
  });
  const binding: D1DatabaseLike = {
    prepare: (sql) => wrap(db.prepare(sql), sql),
    async batch(statements) {
      calls.batch++;
      calls.log?.push(statements.map((s) => (s as Wrapped).sql));
      calls.statements += statements.length;
      if (failAtBatch > 0 && calls.batch >= failAtBatch)
        throw new Error(`simulated: the invocation died at D1 batch ${calls.batch}`);
      const first = calls.statements - statements.length + 1;
      const real = statements.map((s, i) =>
        failAtStatement > 0 && first + i >= failAtStatement
          ? db.prepare('SELECT * FROM "simulated: the database died at this statement"')
          : (s as Wrapped).unwrap(),
      );
      return db.batch(real);
    },
  };
  return { binding, calls };
}

/** Drops every table, view and trigger but D1's own (`_cf_…`): an empty database for the next case. */
export async function wipeD1(db: D1DatabaseLike): Promise<void> {
  const { results } = await db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND type IN ('view', 'table')",
    )
    .all<{ type: string; name: string }>();
  const drops = results.map((o) =>
    db.prepare(`DROP ${o.type === "view" ? "VIEW" : "TABLE"} IF EXISTS "${o.name.replace(/"/g, '""')}"`),
  );
  if (drops.length > 0) await db.batch(drops);
}
