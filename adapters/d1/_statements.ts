/**
 * The SQL a D1 batch runs: restsync's shared layout (../_sql/layout.ts), with rows
 * grouped into multi-row statements within D1's 100 bound parameters, and the
 * guard that makes a conditional write one step of the batch's transaction.
 */
import { StorageError, type StoreBatch } from "restsync";
import { CREATE_LAYOUT, encode, RECORDS, type SqlStatement, STATE, writeStatements } from "../_sql/layout";
import { D1_LIMITS } from "./_binding";

/** A view nothing is stored in: inserting a key and its expected JSON text aborts the batch unless the state holds it. */
const EXPECT = "_restsync_expect";
/** The message of the abort, which the adapter recognises in D1's error. */
export const CONFLICT = "restsync_store_conflict";

/** The layout and the guard, each created where missing; sent at the front of an adapter's first write. */
export const D1_LAYOUT: readonly string[] = [
  ...CREATE_LAYOUT,
  `CREATE VIEW IF NOT EXISTS ${EXPECT} AS SELECT NULL AS key, NULL AS value`,
  `CREATE TRIGGER IF NOT EXISTS ${EXPECT}_check INSTEAD OF INSERT ON ${EXPECT} BEGIN SELECT RAISE(ABORT, '${CONFLICT}') WHERE NEW.value IS NOT (SELECT value FROM ${STATE} WHERE key = NEW.key); END`,
];

/** Guards for a batch's `expect`: each entry's key and the exact JSON text it must hold (null: absent). */
export function guardStatements(expected: ReadonlyArray<{ key: string; text: string | null }>): SqlStatement[] {
  return expected.map(({ key, text }) => ({
    sql: `INSERT INTO ${EXPECT} (key, value) VALUES (?, ?)`,
    params: [key, text],
  }));
}

/** The JSON text a state entry holds when it holds `value` as restsync writes it. */
export const stateText = (value: unknown): string | null => (value === undefined ? null : encode(value));

/**
 * A batch's writes as D1 runs them: rows grouped within D1's 100 bound parameters and
 * about 1 MB of JSON per statement (D1 sends each statement whole). A record D1 cannot
 * hold in one row fails the batch before anything is sent, naming its table and key.
 */
export function d1WriteStatements(batch: StoreBatch): SqlStatement[] {
  return writeStatements(batch, {
    rowsPerPut: Math.floor(D1_LIMITS.params / 3),
    charsPerPut: 1_000_000,
    keysPerDelete: D1_LIMITS.params - 1,
    check(table, key, doc) {
      const size = rowBytes(table, key, doc);
      if (size > D1_LIMITS.rowBytes)
        throw new StorageError(
          `d1 store cannot hold record "${key}" of table "${table}": ${size} bytes of JSON, D1 stores at most ${D1_LIMITS.rowBytes} bytes per row`,
        );
    },
  });
}

/** UTF-8 bytes of a row; measured only when its length in UTF-16 units could put it near the limit. */
function rowBytes(table: string, key: string, doc: string): number {
  const units = table.length + key.length + doc.length;
  if (units * 3 <= D1_LIMITS.rowBytes) return units;
  const encoder = new TextEncoder();
  return encoder.encode(table).length + encoder.encode(key).length + encoder.encode(doc).length;
}

/** Records of a table by key: one statement whatever the number of keys (they travel as one JSON array). */
export const GET_MANY = `SELECT key, doc FROM ${RECORDS} WHERE tbl = ? AND key IN (SELECT value FROM json_each(?))`;
/** State entries by key, as stored text. */
export const STATE_TEXTS = `SELECT key, value FROM ${STATE} WHERE key IN (SELECT value FROM json_each(?))`;
