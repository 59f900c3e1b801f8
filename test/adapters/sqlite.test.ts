import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type SqliteDatabaseLike, sqliteAdapter } from "restsync/adapters/sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { describeStoreContract } from "../contract/store-contract";

const base = await nodeFs.mkdtemp(join(tmpdir(), "restsync-sqlite-"));
let count = 0;
const freshFile = () => join(base, `store-${count++}.sqlite`);
afterAll(() => nodeFs.rm(base, { recursive: true, force: true }));

/** A database whose `failAt`-th statement run fails, and every one after: the process died there. */
function dyingDatabase(file: string, failAt: number): SqliteDatabaseLike {
  const db = new Database(file);
  let runs = 0;
  const die = () => {
    if (++runs >= failAt) throw new Error(`simulated: the process died at statement ${failAt}`);
  };
  return {
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        run: (...params: unknown[]) => (die(), statement.run(...params)),
        get: (...params: unknown[]) => statement.get(...params),
        all: (...params: unknown[]) => statement.all(...params),
      };
    },
    exec: (sql) => (sql === "COMMIT" && die(), db.exec(sql)),
    close: () => db.close(),
  };
}

describeStoreContract("sqlite (Node, better-sqlite3)", {
  create: () => sqliteAdapter(freshFile()),
  reopen: () => sqliteAdapter(join(base, `store-${count - 1}.sqlite`)),
  async storage() {
    const file = freshFile();
    return {
      open: (failAt?: number) =>
        failAt === undefined ? sqliteAdapter(file) : sqliteAdapter(dyingDatabase(file, failAt)),
    };
  },
});

describe("sqlite: batches share a transaction until flush", () => {
  it("another connection sees a batch once flushed, records and state together", async () => {
    const file = freshFile();
    const store = sqliteAdapter(file);
    await store.write({ puts: [{ table: "t", key: "1", record: { id: 1 } }], state: [{ key: "s", value: 1 }] });
    const other = new Database(file, { readonly: true });
    const seen = () => other.prepare("SELECT count(*) AS n FROM _restsync_records").get();
    expect(seen()).toEqual({ n: 0 });
    await store.flush?.();
    expect(seen()).toEqual({ n: 1 });
    other.close();
    await store.close?.();
  });

  it("after a commit that failed, every later write fails: no state may cover the lost records", async () => {
    const file = freshFile();
    await sqliteAdapter(file).close?.();
    // Statement runs: SAVEPOINT, the put, RELEASE; then the COMMIT fails.
    const store = sqliteAdapter(dyingDatabase(file, 4));
    await store.write({ puts: [{ table: "t", key: "1", record: { id: 1 } }] });
    await expect(async () => store.flush?.()).rejects.toMatchObject({ name: "StorageError" });
    await expect(async () => store.write({ state: [{ key: "s", value: 2 }] })).rejects.toMatchObject({
      name: "StorageError",
    });
    const again = sqliteAdapter(file);
    expect(await again.count("t")).toBe(0);
    expect(await again.getState("s")).toBeUndefined();
    await again.close?.();
  });
});

describe("sqlite: two adapters on one file in one process", () => {
  it("both write without waiting on each other's open transaction", async () => {
    const file = freshFile();
    const a = sqliteAdapter(file);
    const b = sqliteAdapter(file);
    await a.write({ puts: [{ table: "t", key: "a", record: { id: "a" } }] });
    await b.write({ puts: [{ table: "t", key: "b", record: { id: "b" } }] });
    await a.flush?.();
    await b.flush?.();
    expect(await a.count("t")).toBe(2);
    await a.close?.();
    await b.close?.();
  }, 20_000);
});
