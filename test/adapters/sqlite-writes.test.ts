import Database from "better-sqlite3";
import { sqliteAdapter } from "restsync/adapters/sqlite";
import { expect, it } from "vitest";
import { recordsApi, thingsPipeline } from "../_helpers/records-api";

/** Counts every row inserted into, updated in or deleted from the records table, and every state row written. */
function countWrites(db: Database.Database) {
  db.exec(`
    CREATE TABLE writes (what TEXT);
    CREATE TRIGGER w_ins AFTER INSERT ON _restsync_records BEGIN INSERT INTO writes VALUES ('record'); END;
    CREATE TRIGGER w_upd AFTER UPDATE ON _restsync_records BEGIN INSERT INTO writes VALUES ('record'); END;
    CREATE TRIGGER w_del AFTER DELETE ON _restsync_records BEGIN INSERT INTO writes VALUES ('record'); END;
    CREATE TRIGGER s_ins AFTER INSERT ON _restsync_state BEGIN INSERT INTO writes VALUES ('state'); END;
    CREATE TRIGGER s_upd AFTER UPDATE ON _restsync_state BEGIN INSERT INTO writes VALUES ('state'); END;
  `);
  return () => {
    const rows = db.prepare("SELECT what, count(*) AS n FROM writes GROUP BY what").all() as Array<{
      what: string;
      n: number;
    }>;
    db.exec("DELETE FROM writes");
    return Object.fromEntries(rows.map((r) => [r.what, r.n]));
  };
}

const at = (minute: number) => `2025-01-01T00:${String(minute).padStart(2, "0")}:00Z`;

it("an incremental run that finds 10 changed records writes 10 record rows, plus state", async () => {
  let records = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `thing ${i}`, updated_at: at(1) }));
  const db = new Database(":memory:");
  const { pipeline, config } = thingsPipeline(
    sqliteAdapter(db),
    recordsApi(() => records),
    { incremental: true },
  );
  expect((await pipeline.run(config)).status).toBe("completed");
  const writes = countWrites(db);
  records = records.map((r) => (r.id % 100 === 7 ? { ...r, name: "changed", updated_at: at(2) } : r));
  const report = await pipeline.run(config);
  expect(report.resources.things!.records).toBe(10);
  const counted = writes();
  expect(counted.record).toBe(10);
  // The cursor, the lease and the cycle: a handful, never one per record.
  expect(counted.state).toBeLessThanOrEqual(10);
  expect(db.prepare("SELECT count(*) AS n FROM things WHERE name = 'changed'").get()).toEqual({ n: 10 });
});

it("schema evolution replaces the views and never rewrites a stored row", async () => {
  let records: Array<Record<string, unknown>> = [
    { id: 1, a: 1, updated_at: at(1) },
    { id: 2, a: 2, updated_at: at(1) },
  ];
  const db = new Database(":memory:");
  const { pipeline, config } = thingsPipeline(
    sqliteAdapter(db),
    recordsApi(() => records),
    { incremental: true },
  );
  await pipeline.run(config);
  const stored = "SELECT tbl, key, doc FROM _restsync_records WHERE key IN ('1', '2') ORDER BY key";
  const before = db.prepare(stored).all();
  const writes = countWrites(db);
  records = [...records, { id: 3, a: "three", b: { c: true }, list: [1], updated_at: at(2) }];
  const report = await pipeline.run(config);
  expect(report.resources.things!.schemaChanges).toEqual([
    { kind: "variant", table: "things", column: "a__v_text", type: "text" },
    { kind: "column", table: "things", column: "b__c", type: "bool" },
    { kind: "table", table: "things__list" },
    { kind: "column", table: "things__list", column: "value", type: "bigint" },
  ]);
  expect(writes().record).toBe(1);
  expect(db.prepare(stored).all()).toEqual(before);
  expect(db.prepare("SELECT id, a, a__v_text, b__c FROM things ORDER BY id").all()).toEqual([
    { id: 1, a: 1, a__v_text: null, b__c: null },
    { id: 2, a: 2, a__v_text: null, b__c: null },
    { id: 3, a: null, a__v_text: "three", b__c: 1 },
  ]);
  // And the schema a later run starts from is the one saved with those records.
  expect(await db.prepare("SELECT count(*) AS n FROM things__list").get()).toEqual({ n: 1 });
});

it("a batch that fails leaves neither its records, nor its state, nor its views", async () => {
  const db = new Database(":memory:");
  const store = sqliteAdapter(db);
  const schema = { resource: "r", tables: [{ name: "r", path: [], since: at(0), columns: [] }] };
  const bad = {
    toJSON: () => {
      throw new Error("cannot serialise");
    },
  };
  expect(() =>
    store.write({
      puts: [{ table: "t", key: "1", record: { id: 1 } }],
      state: [{ key: "s", value: bad }],
      schemas: [{ resource: "r", table: "t", schema }],
    }),
  ).toThrow();
  expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'view'").all()).toEqual([]);
  expect(await store.count("t")).toBe(0);
});

it("a replace resource's views show the generation readers see: the old one until the new is complete", async () => {
  let records = [
    { id: 1, v: "a" },
    { id: 2, v: "b" },
  ];
  const db = new Database(":memory:");
  const store = sqliteAdapter(db);
  const fetch = recordsApi(() => records);
  const { config } = thingsPipeline(store, fetch);
  const resource = config.resources[0] as Exclude<(typeof config.resources)[0], string>;
  resource.write_disposition = "replace";
  const { createPipeline } = await import("restsync");
  const pipeline = createPipeline({ name: "t", store, fetch });
  expect((await pipeline.run(config)).status).toBe("completed");
  expect(db.prepare("SELECT id, v FROM things ORDER BY id").all()).toEqual(records);
  records = [{ id: 3, v: "c" }];
  expect((await pipeline.run(config)).status).toBe("completed");
  expect(db.prepare("SELECT id, v FROM things ORDER BY id").all()).toEqual(records);
  // After a reset the next run's records show again.
  await pipeline.reset(["things"]);
  expect(db.prepare("SELECT count(*) AS n FROM things").get()).toEqual({ n: 0 });
  records = [{ id: 4, v: "d" }];
  await pipeline.run(config);
  expect(db.prepare("SELECT id, v FROM things").all()).toEqual(records);
});

it("a conditional batch sees what another connection wrote since this one's last commit", async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const file = join(mkdtempSync(join(tmpdir(), "restsync-expect-")), "store.sqlite");
  const store = sqliteAdapter(file);
  const lease = { owner: "a", expires_at: 1 };
  // Within one transaction the expectation is checked against this connection's own writes…
  await store.write({ state: [{ key: "lease", value: lease }] });
  await store.write({ state: [{ key: "n", value: 1 }], expect: [{ key: "lease", value: lease }] });
  await store.flush?.();
  // …and after a commit, against what another process may have written meanwhile.
  const other = new Database(file);
  other
    .prepare("UPDATE _restsync_state SET value = ? WHERE key = 'lease'")
    .run(JSON.stringify({ owner: "b", expires_at: 2 }));
  other.close();
  await expect(
    Promise.resolve().then(() =>
      store.write({ state: [{ key: "n", value: 2 }], expect: [{ key: "lease", value: lease }] }),
    ),
  ).rejects.toMatchObject({ code: "store_conflict" });
  expect(await store.getState("n")).toBe(1);
  // Keys in another order are the same JSON value.
  await store.write({
    state: [{ key: "n", value: 3 }],
    expect: [{ key: "lease", value: { expires_at: 2, owner: "b" } }],
  });
  expect(await store.getState("n")).toBe(3);
  await store.close?.();
});
