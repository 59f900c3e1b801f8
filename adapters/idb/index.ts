import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import { assertExpected, type JsonRecord, type ScanPage, type StoreAdapter, type StoreBatch } from "restsync";

/** Options for {@link idbAdapter}. */
export interface IdbAdapterOptions {
  /** IndexedDB database name. @default "restsync" */
  dbName?: string;
}

interface Schema extends DBSchema {
  /** Records under `[table, key]`: one table's records are one contiguous key range. */
  records: { key: [string, string]; value: JsonRecord };
  /** Pipeline state, by state key. */
  state: { key: string; value: unknown };
}

const STORES = ["records", "state"] as const;

/** Every key of `table`: `[table]` sorts before `[table, any string]`, and `[table, []]` after (arrays sort after strings). */
const tableRange = (table: string) => IDBKeyRange.bound([table], [table, []], true, true);

/**
 * Stores records and state in IndexedDB (browsers, and any runtime with
 * `indexedDB`). A batch — a page's records and the state that covers them —
 * is one readwrite transaction, so a tab closed at any moment leaves either
 * both or neither. A conditional batch ({@link StoreBatch.expect}) reads the
 * state it expects in that same transaction, so no other tab or worker can
 * write in between. The database opens on first use: importing this module
 * where IndexedDB does not exist (Node, SSR) is safe.
 *
 * @example
 * const pipeline = createPipeline({ name: "analytics", store: idbAdapter({ dbName: "my-app" }) });
 */
export function idbAdapter(options: IdbAdapterOptions = {}): StoreAdapter {
  const dbName = options.dbName ?? "restsync";
  let opening: Promise<IDBPDatabase<Schema>> | undefined;

  const db = (): Promise<IDBPDatabase<Schema>> => {
    opening ??= open(dbName, () => (opening = undefined)).catch((error) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };

  return {
    name: `idb:${dbName}`,
    atomic: true,
    conditionalWrites: true,
    sharedWith: "origin",
    async write(batch: StoreBatch) {
      const tx = (await db()).transaction(STORES, "readwrite");
      const state = tx.objectStore("state");
      if (batch.expect?.length) {
        // Read in this transaction and awaited on its own requests only, so it stays active and no
        // other transaction can change the state between the check and the writes below.
        try {
          const keys = batch.expect.map((e) => e.key);
          const values = await Promise.all(keys.map((key) => state.get(key)));
          assertExpected(batch.expect, (key) => values[keys.indexOf(key)], `idb:${dbName}`);
        } catch (error) {
          abort(tx);
          await tx.done.catch(() => undefined);
          throw error;
        }
      }
      try {
        const records = tx.objectStore("records");
        // Requests are queued synchronously and settle with the transaction: no await inside,
        // so the transaction cannot auto-commit half-way.
        // Each request's own failure surfaces through tx.done; its promise is only silenced here.
        const queued = (request: Promise<unknown>) => void request.catch(() => undefined);
        for (const { table, key, record } of batch.puts ?? []) queued(records.put(record, [table, key]));
        for (const { table, key } of batch.deletes ?? []) queued(records.delete([table, key]));
        for (const table of batch.drops ?? []) queued(records.delete(tableRange(table)));
        for (const { key, value } of batch.state ?? [])
          queued(value === undefined ? state.delete(key) : state.put(value, key));
      } catch (error) {
        // A value that cannot be cloned throws synchronously: undo everything queued so far.
        tx.abort();
        await tx.done.catch(() => undefined);
        throw error;
      }
      await tx.done;
    },
    async get(table, key) {
      return (await db()).get("records", [table, key]);
    },
    async getMany(table, keys) {
      const tx = (await db()).transaction("records", "readonly");
      const found = await Promise.all(keys.map((key) => tx.store.get([table, key])));
      await tx.done;
      return found;
    },
    async count(table) {
      return (await db()).count("records", tableRange(table));
    },
    async scan(table, { after, limit }): Promise<ScanPage> {
      const size = Math.max(1, limit);
      const range =
        after === undefined ? tableRange(table) : IDBKeyRange.bound([table, after], [table, []], true, true);
      const tx = (await db()).transaction("records", "readonly");
      // One more than asked, to know whether another page follows.
      const [keys, values] = await Promise.all([
        tx.store.getAllKeys(range, size + 1),
        tx.store.getAll(range, size + 1),
      ]);
      await tx.done;
      const more = keys.length > size;
      const entries = keys.slice(0, size).map((k, i) => ({ key: k[1], record: values[i]! }));
      return { entries, next: more ? entries[entries.length - 1]!.key : undefined };
    },
    async getState(key) {
      return (await db()).get("state", key);
    },
    async close() {
      const pending = opening;
      opening = undefined;
      if (pending) (await pending.catch(() => undefined))?.close();
    },
  };
}

/** Aborts a transaction unless it has already ended (a failed request aborts it by itself). */
function abort(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already finished or aborted.
  }
}

/**
 * Opens the database and makes sure both stores exist. A database that an
 * older version (or another library) created without them is upgraded by
 * reopening at the next version.
 */
async function open(name: string, onClosed: () => void): Promise<IDBPDatabase<Schema>> {
  const callbacks = {
    upgrade(database: IDBPDatabase<Schema>) {
      if (!database.objectStoreNames.contains("records")) database.createObjectStore("records");
      if (!database.objectStoreNames.contains("state")) database.createObjectStore("state");
    },
    // Another tab upgrading the schema: step aside so it is not blocked; we reopen on next use.
    blocking(this: void, _current: number, _next: number | null, event: IDBVersionChangeEvent) {
      (event.target as IDBDatabase).close();
      onClosed();
    },
    terminated: onClosed,
  };
  let database = await openDB<Schema>(name, undefined, callbacks);
  if (!STORES.every((store) => database.objectStoreNames.contains(store))) {
    const next = database.version + 1;
    database.close();
    database = await openDB<Schema>(name, next, callbacks);
  }
  return database;
}
