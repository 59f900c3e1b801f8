/**
 * A Cloudflare D1 store for Workers: the layout of restsync's SQLite store (records
 * as JSON rows, state beside them, one SQL view per resource), each batch one
 * `db.batch` call — one transaction — so a page of records costs one D1 call.
 */
import {
  assertExpected,
  type JsonRecord,
  type ScanPage,
  StorageError,
  type StoreAdapter,
  type StoreBatch,
} from "restsync";
import { inferSchemasWithin } from "restsync/schema";
import { SQL, type SqlStatement } from "../_sql/layout";
import { CHILD_COLUMN_COUNT } from "../_sql/views";
import { D1_LIMITS, type D1DatabaseLike, type D1PreparedStatementLike } from "./_binding";
import { CATALOG, CATALOG_BARE, missingLayout, ViewCatalog } from "./_catalog";
import {
  CONFLICT,
  D1_LAYOUT,
  d1WriteStatements,
  GET_MANY,
  guardStatements,
  STATE_TEXTS,
  stateText,
} from "./_statements";

export type { D1DatabaseLike, D1PreparedStatementLike } from "./_binding";
export { D1_LIMITS } from "./_binding";

/** Schema inference within D1's 100 columns per view (restsync's own link columns included). */
const inferWithinD1 = inferSchemasWithin({ columns: D1_LIMITS.columns - CHILD_COLUMN_COUNT });

/**
 * Stores records and state in a D1 database (`env.DB`), laid out as restsync's SQLite
 * store is: each resource is a view named after it with one column per inferred field
 * (`SELECT id, name FROM epics`), nested lists views of their own (`epics__labels`),
 * replaced in the batch that changes the schema; stored rows are never rewritten.
 *
 * Each batch is one `db.batch` call, all-or-nothing, conditional ones included (the
 * check runs inside the same transaction), so a page of records costs one D1 call,
 * plus one read when some of its records carry no cursor and must be compared with the
 * stored copy, plus one read of the database's views per adapter (per invocation).
 * Within D1's limits: views stop at 100 columns (the inferred schema at 96 fields per
 * table, reported as a `limit` change), a record over 2 MB of JSON is refused with an
 * error naming it. One database holds one store; pipelines of different names share it.
 *
 * @example
 * export default {
 *   scheduled: scheduledHandler<Env>({ name: "analytics", source: () => config, store: (env) => d1Adapter(env.DB) }),
 * };
 */
export function d1Adapter(db: D1DatabaseLike): StoreAdapter {
  let layoutReady = false;
  let catalog: ViewCatalog | undefined;

  const statement = ({ sql, params }: SqlStatement): D1PreparedStatementLike =>
    params.length === 0 ? db.prepare(sql) : db.prepare(sql).bind(...params);
  /** A read that finds nothing in a database restsync has not written yet. */
  const read = async <T>(run: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (missingLayout(error)) return empty;
      throw failed("read", error);
    }
  };
  const stateTexts = async (keys: readonly string[]) => {
    const rows = await read(
      () =>
        db
          .prepare(STATE_TEXTS)
          .bind(JSON.stringify(keys))
          .all<{ key: string; value: string }>()
          .then((r) => r.results),
      [],
    );
    return new Map(rows.map((row) => [row.key, row.value]));
  };
  const loadCatalog = async () => {
    const all = async (sql: string) =>
      (await db.prepare(sql).all<{ name: string; sql: string | null; resource: string | null }>()).results;
    try {
      return new ViewCatalog(await all(CATALOG));
    } catch (error) {
      if (!missingLayout(error)) throw failed("read", error);
      return new ViewCatalog(await all(CATALOG_BARE));
    }
  };

  const send = async (batch: StoreBatch, expected: ReadonlyArray<{ key: string; text: string | null }>) => {
    const writes = d1WriteStatements(batch);
    const plans = [];
    if (batch.schemas?.length) {
      catalog ??= await loadCatalog();
      for (const update of batch.schemas) plans.push(catalog.plan(update));
    }
    const statements = [
      ...(layoutReady ? [] : D1_LAYOUT.map((sql) => ({ sql, params: [] }))),
      ...guardStatements(expected),
      ...writes,
      ...plans.flatMap((plan) => plan.statements),
    ];
    if (statements.length === 0) return;
    await db.batch(statements.map(statement));
    layoutReady = true;
    for (const plan of plans) plan.commit();
  };

  // Writes reach D1 one after another, in the order they were made: a resource's pages are written
  // concurrently (children of several parents), and the later schema and state must land last.
  let queue: Promise<unknown> = Promise.resolve();
  const write = (batch: StoreBatch): Promise<void> => {
    const done = queue.then(() => writeNow(batch));
    queue = done.catch(() => undefined);
    return done;
  };
  const writeNow = async (batch: StoreBatch): Promise<void> => {
    const expect = batch.expect ?? [];
    try {
      await send(
        batch,
        expect.map(({ key, value }) => ({ key, text: stateText(value) })),
      );
    } catch (error) {
      if (error instanceof StorageError) throw error;
      // The views may have changed under us: read them again next time.
      catalog = undefined;
      if (!String((error as Error)?.message ?? error).includes(CONFLICT)) throw failed("write", error);
      // The guard compares JSON text; the contract compares JSON values (keys in any order). Equal values
      // written with other text: check as the contract does, then guard the text the state holds now.
      const texts = await stateTexts(expect.map((e) => e.key));
      assertExpected(expect, (key) => (texts.has(key) ? JSON.parse(texts.get(key)!) : undefined), "d1");
      try {
        await send(
          batch,
          expect.map(({ key }) => ({ key, text: texts.get(key) ?? null })),
        );
      } catch (again) {
        catalog = undefined;
        if (!String((again as Error)?.message ?? again).includes(CONFLICT)) throw failed("write", again);
        throw new StorageError(
          "d1 store refused a conditional write: the state changed while it was written (another writer)",
          {
            code: "store_conflict",
            cause: again,
          },
        );
      }
    }
  };

  const parse = (row: { doc: string } | null) => (row === null ? undefined : (JSON.parse(row.doc) as JsonRecord));

  return {
    name: "d1",
    atomic: true,
    conditionalWrites: true,
    inferSchemas: inferWithinD1,
    write,
    get: (table, key) =>
      read(() => db.prepare(SQL.get).bind(table, key).first<{ doc: string }>().then(parse), undefined),
    async getMany(table, keys) {
      if (keys.length === 0) return [];
      const rows = await read(
        () =>
          db
            .prepare(GET_MANY)
            .bind(table, JSON.stringify(keys))
            .all<{ key: string; doc: string }>()
            .then((r) => r.results),
        [],
      );
      const byKey = new Map(rows.map((row) => [row.key, row.doc]));
      return keys.map((key) => (byKey.has(key) ? (JSON.parse(byKey.get(key)!) as JsonRecord) : undefined));
    },
    count: (table) =>
      read(
        () =>
          db
            .prepare(SQL.count)
            .bind(table)
            .first<{ n: number }>()
            .then((row) => row?.n ?? 0),
        0,
      ),
    async scan(table, { after, limit }): Promise<ScanPage> {
      const size = Math.max(1, limit);
      // One more than asked tells whether there is a next page.
      const rows = await read(
        () =>
          (after === undefined
            ? db.prepare(SQL.scan).bind(table, size + 1)
            : db.prepare(SQL.scanAfter).bind(table, after, size + 1)
          )
            .all<{ key: string; doc: string }>()
            .then((r) => r.results),
        [],
      );
      const entries = rows.slice(0, size).map((row) => ({ key: row.key, record: JSON.parse(row.doc) as JsonRecord }));
      return { entries, next: rows.length > size ? entries[entries.length - 1]!.key : undefined };
    },
    getState: (key) =>
      read(
        () =>
          db
            .prepare(SQL.getState)
            .bind(key)
            .first<{ value: string }>()
            .then((row) => (row === null ? undefined : JSON.parse(row.value))),
        undefined,
      ),
  };
}

/** A D1 failure as a StorageError: D1's message (SQL and values never appear in it: they are bound, not in the text). */
function failed(what: "read" | "write", error: unknown): StorageError {
  return new StorageError(`d1 store ${what} failed: ${(error as Error)?.message ?? error}`, { cause: error });
}
