/**
 * A Cloudflare D1 store for Workers: the layout of restsync's SQLite store (records
 * as JSON rows, state beside them, one SQL view per resource), each batch in one
 * `db.batch` call — one transaction — so a page of records costs at most one D1 call.
 */
import type { JsonRecord, ScanPage, StoreAdapter } from "restsync";
import { inferSchemasWithin } from "restsync/schema";
import { SQL } from "../_sql/layout";
import { CHILD_COLUMN_COUNT } from "../_sql/views";
import { D1_LIMITS, type D1DatabaseLike } from "./_binding";
import { readOr, readStateTexts } from "./_reads";
import { GET_MANY } from "./_statements";
import { D1Writer } from "./_writer";

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
 * Each batch is all-or-nothing in one `db.batch` call, conditional ones included (the
 * check runs inside the same transaction); batches made while a call is in flight share
 * the next call, each keeping its own outcome. A page of records costs at most one D1
 * call, plus one read when some of its records carry no cursor and must be compared
 * with the stored copy; a run reads its state in one call (`getStates`) and the
 * database's views once per adapter (per invocation).
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
  const writer = new D1Writer(db);
  const parse = (row: { doc: string } | null) => (row === null ? undefined : (JSON.parse(row.doc) as JsonRecord));

  return {
    name: "d1",
    atomic: true,
    conditionalWrites: true,
    inferSchemas: inferWithinD1,
    write: (batch) => writer.write(batch),
    get: (table, key) =>
      readOr(() => db.prepare(SQL.get).bind(table, key).first<{ doc: string }>().then(parse), undefined),
    async getMany(table, keys) {
      if (keys.length === 0) return [];
      const rows = await readOr(
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
      readOr(
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
      const rows = await readOr(
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
    async getStates(keys) {
      if (keys.length === 0) return [];
      const byKey = await readStateTexts(db, keys);
      return keys.map((key) => (byKey.has(key) ? JSON.parse(byKey.get(key)!) : undefined));
    },
    getState: (key) =>
      readOr(
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
