import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type SqliteDatabaseLike, sqliteAdapter } from "restsync/adapters/sqlite";
import { afterAll } from "vitest";
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
