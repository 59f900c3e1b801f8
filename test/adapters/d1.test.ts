/**
 * The D1 adapter's own behaviour, over Miniflare's D1 driven from Node (the store
 * contract and the seed scenario run inside workerd: test/workers/d1.test.ts).
 */
import { Miniflare } from "miniflare";
import { createPipeline } from "restsync";
import { type D1DatabaseLike, d1Adapter } from "restsync/adapters/d1";
import { inferSchemas } from "restsync/schema";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { recordsApi, thingsPipeline } from "../_helpers/records-api";
import { countingD1, wipeD1 } from "../workers/_d1";

const mf = new Miniflare({
  modules: true,
  script: "export default { fetch: () => new Response('') }",
  compatibilityDate: "2025-04-01",
  d1Databases: ["DB"],
});
const db = (await mf.getD1Database("DB")) as unknown as D1DatabaseLike;
afterAll(() => mf.dispose());
beforeEach(() => wipeD1(db));

const all = async (sql: string) => (await db.prepare(sql).all()).results;
const columns = async (view: string) => (await all(`PRAGMA table_info("${view}")`)).map((c) => c.name);

/** One run of `things` (merge on id) over `records`, into a fresh adapter as each Worker invocation makes. */
async function run(records: unknown[], binding: D1DatabaseLike = db) {
  const { pipeline, config } = thingsPipeline(
    d1Adapter(binding),
    recordsApi(() => records),
  );
  return (await pipeline.run(config)).resources.things!;
}

describe("d1Adapter", () => {
  it("applies a conditional write whose expected value is the stored JSON with its keys in another order", async () => {
    const store = d1Adapter(db);
    await store.write({ state: [{ key: "s", value: { b: 2, a: 1 } }] });
    await store.write({ state: [{ key: "s", value: { n: 3 } }], expect: [{ key: "s", value: { a: 1, b: 2 } }] });
    expect(await store.getState("s")).toEqual({ n: 3 });
    await expect(
      store.write({ state: [{ key: "s", value: { n: 4 } }], expect: [{ key: "s", value: { n: 2 } }] }),
    ).rejects.toMatchObject({ name: "StorageError", code: "store_conflict" });
    expect(await store.getState("s")).toEqual({ n: 3 });
  });

  it("sends batches made while a call is in flight in one call, each batch with its own outcome", async () => {
    const counted = countingD1(db);
    const store = d1Adapter(counted.binding);
    await store.write({ state: [{ key: "s", value: 1 }] });
    const batch = (i: number) => ({
      puts: [{ table: "t", key: String(i), record: { i } }],
      state: [{ key: `k${i}`, value: i }],
    });
    const calls = counted.calls.batch;
    await Promise.all([1, 2, 3, 4, 5].map((i) => store.write(batch(i))));
    expect(counted.calls.batch - calls).toBeLessThanOrEqual(2);
    expect(await store.count("t")).toBe(5);
    // One of them expects what the state does not hold: it alone is refused, the others are stored.
    const outcomes = await Promise.allSettled(
      [6, 7, 8, 9, 10].map((i) => store.write(i === 8 ? { ...batch(i), expect: [{ key: "s", value: 2 }] } : batch(i))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
      name: "StorageError",
      code: "store_conflict",
    });
    expect(await store.count("t")).toBe(9);
    expect(await store.get("t", "8")).toBeUndefined();
    expect(await store.getStates!(["k7", "k8", "k9"])).toEqual([7, undefined, 9]);
  });

  it("reads an empty database without creating anything", async () => {
    const store = d1Adapter(db);
    expect(await store.getState("s")).toBeUndefined();
    expect(await store.count("t")).toBe(0);
    expect(await store.getMany!("t", ["1"])).toEqual([undefined]);
    expect(await all("SELECT name FROM sqlite_master WHERE name LIKE '\\_restsync%' ESCAPE '\\'")).toEqual([]);
  });

  it("sends no view statement when the schema did not change, and the page in one batch", async () => {
    const records = [{ id: 1, name: "a", tags: ["x"] }];
    expect((await run(records)).status).toBe("completed");
    const again = countingD1(db, 0, 0, { log: true });
    const second = await run(records, again.binding);
    expect(second.status).toBe("completed");
    expect(second.schemaChanges ?? []).toEqual([]);
    const batches = again.calls.log!;
    const ddl = batches.flat().filter((sql) => /^(CREATE|DROP) VIEW "|(INTO|FROM) _restsync_views/.test(sql));
    expect(ddl).toEqual([]);
    // The page's records went in one batch, and one statement.
    expect(batches.filter((b) => b.some((sql) => sql.startsWith("INSERT INTO _restsync_records")))).toHaveLength(1);
    expect(await columns("things")).toEqual(["_dlt_id", "id", "name"]);
    expect(await all("SELECT value FROM things__tags")).toEqual([{ value: "x" }]);
  });

  it("replaces a resource's views when a field appears, without rewriting rows", async () => {
    await run([{ id: 1, name: "a" }]);
    await run([
      { id: 1, name: "a" },
      { id: 2, name: "b", owner: { login: "o" } },
    ]);
    expect(await columns("things")).toEqual(["_dlt_id", "id", "name", "owner__login"]);
    expect(await all("SELECT id, owner__login FROM things ORDER BY id")).toEqual([
      { id: 1, owner__login: null },
      { id: 2, owner__login: "o" },
    ]);
  });

  it("two invocations on one database: the lease lets one run, the other skips, and the data is whole", async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `n${i}` }));
    const start = () => {
      const { pipeline, config } = thingsPipeline(
        d1Adapter(db),
        recordsApi(() => records),
      );
      return pipeline.run(config, { ifRunning: "skip" });
    };
    const reports = await Promise.all([start(), start()]);
    expect(reports.map((r) => r.status).sort()).toEqual(["completed", "skipped"]);
    expect(await all("SELECT count(*) AS n FROM things")).toEqual([{ n: 50 }]);
    // Released: a later invocation runs.
    expect((await start()).status).toBe("completed");
  });

  it("caps a view at D1's 100 columns even for a schema inferred under wider limits (schema: inferSchemas)", async () => {
    const record: Record<string, number> = { id: 1 };
    for (let i = 0; i < 150; i++) record[`f${i}`] = i;
    const pipeline = createPipeline({
      name: "t",
      store: d1Adapter(db),
      schema: inferSchemas,
      fetch: recordsApi(() => [record]),
    });
    const { config } = thingsPipeline(
      d1Adapter(db),
      recordsApi(() => [record]),
    );
    const report = await pipeline.run(config);
    expect(report.resources.things!.status).toBe("completed");
    expect((await pipeline.schema("things"))!.tables[0]!.columns.length).toBe(151);
    expect(await columns("things")).toHaveLength(100);
    expect(await pipeline.get("things", 1)).toEqual(record);
  });

  it("leaves a table of the user's named like a resource alone: no view, the run completes", async () => {
    await db.prepare("CREATE TABLE things (mine TEXT)").run();
    await db.prepare("INSERT INTO things VALUES ('kept')").run();
    const things = await run([{ id: 1 }]);
    expect(things.status).toBe("completed");
    expect(await all("SELECT * FROM things")).toEqual([{ mine: "kept" }]);
    expect(await all("SELECT count(*) AS n FROM _restsync_records")).toEqual([{ n: 1 }]);
  });
});
