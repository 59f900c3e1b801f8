/**
 * restsync/adapters/d1 inside workerd, through Miniflare's D1: the store contract, the
 * seed scenario (full run, mutation, incremental run) ending with the API's digests,
 * an invocation dying at a D1 call, the views answering SQL from outside the Worker,
 * and the bad input of issue 13 item 6 within D1's limits.
 */
import type { Miniflare } from "miniflare";
import { SCHEMA_LIMITS } from "restsync/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceDigests } from "../_helpers/reference";
import { NT_BIG, type NumbersTimeResult } from "../scenarios/numbers-time";
import { installNumbersTimeApi } from "../scenarios/numbers-time-api";
import { SCENARIO_MUTATION } from "../scenarios/seed-scenario";
import type { syncThingsIntoD1, ThingsRun } from "./_d1-things";
import { describeContractInWorker, digests, kvOf, tick, workerWithMockApi } from "./_harness";
import { bundleWorker, startWorker } from "./_miniflare";

let script: string;
beforeAll(async () => {
  script = await bundleWorker("test/workers/worker-entry.ts");
}, 60_000);

/** D1 as Node sees it through Miniflare (its types come from workers-types, not loaded here). */
interface D1FromNode {
  prepare(sql: string): { all<T>(): Promise<{ results: T[] }> };
}
const dbOf = async (mf: Miniflare) => (await mf.getD1Database("DB")) as unknown as D1FromNode;
const rows = async <T>(mf: Miniflare, sql: string) => (await (await dbOf(mf)).prepare(sql).all<T>()).results;

describeContractInWorker("d1", "/contract-d1", () => script);

describe("the seed sync as a Worker cron trigger into D1 (workerd)", () => {
  const fixture = workerWithMockApi(() => script);

  it("ends with the API's digests after a full and an incremental run, one D1 call per page or less", async () => {
    await (await kvOf(fixture.mf)).put("test:store", "d1");
    fixture.mock.clearLog();
    const first = await tick(fixture.mf);
    expect(
      first.report.status,
      JSON.stringify(
        Object.values(first.report.resources)
          .map((r) => r.error)
          .filter(Boolean)[0],
      ),
    ).toBe("completed");
    const firstPages = fixture.mock.requests.length;
    fixture.mock.mutate(SCENARIO_MUTATION);
    fixture.mock.clearLog();
    const second = await tick(fixture.mf);
    expect(second.report.status).toBe("completed");
    const secondPages = fixture.mock.requests.length;
    const stored = await digests(fixture.mf, "d1");
    expect(stored).toEqual(await referenceDigests(fixture.mock));
    console.log(`digests workerd/d1: ${JSON.stringify(stored)}`);
    // Every call that reached D1 (batches and reads), per response page of the API.
    const perPage = (ops: Record<string, number>, pages: number) => (ops.batch! + ops.read! + ops.write!) / pages;
    expect(perPage(first.ops, firstPages)).toBeLessThanOrEqual(2);
    expect(perPage(second.ops, secondPages)).toBeLessThanOrEqual(2);
    console.log(
      `D1 calls for the seed sync: first run ${JSON.stringify(first.ops)} over ${firstPages} pages, incremental run ${JSON.stringify(second.ops)} over ${secondPages} pages`,
    );
  });

  it("answers SQL over the views from outside the Worker: each resource is a view named after it", async () => {
    const epics = fixture.mock.expected("epics") as Array<{ id: number; name: string }>;
    expect(await rows(fixture.mf, "SELECT count(*) AS n FROM epics")).toEqual([{ n: epics.length }]);
    expect(await rows(fixture.mf, "SELECT id, name FROM epics ORDER BY id")).toEqual(
      epics.map((e) => ({ id: e.id, name: e.name })).sort((a, b) => a.id - b.id),
    );
    expect(await rows(fixture.mf, "SELECT count(*) AS n FROM stories_comments")).toEqual([
      { n: fixture.mock.expected("stories_comments").length },
    ]);
  });
});

describe("a Worker invocation that dies at a D1 call (workerd)", () => {
  const fixture = workerWithMockApi(() => script);

  it("leaves the store as the last good run left it; the next invocation completes equal to the API", async () => {
    const kv = await kvOf(fixture.mf);
    await kv.put("test:store", "d1");
    await tick(fixture.mf);
    const before = await digests(fixture.mf, "d1");
    fixture.mock.mutate(SCENARIO_MUTATION);
    await kv.put("test:fail-at-put", "3");
    const crashed = await tick(fixture.mf);
    expect(crashed.report.status).not.toBe("completed");
    expect(JSON.stringify(crashed.report)).toMatch(/died at D1 batch 3/);
    await kv.delete("test:fail-at-put");
    // The dead invocation could not release its lease: the next one waits for it to expire (60 s). Let it have.
    const db = (await fixture.mf.getD1Database("DB")) as unknown as { exec(sql: string): Promise<unknown> };
    await db.exec(
      `UPDATE _restsync_state SET value = json_set(value, '$.expires_at', 0) WHERE key LIKE '%//lease' AND value IS NOT NULL`,
    );
    // What the dead invocation stored before dying is whole batches with the state that covers them.
    const recovered = await tick(fixture.mf);
    expect(recovered.report.status).toBe("completed");
    const after = await digests(fixture.mf, "d1");
    expect(after).toEqual(await referenceDigests(fixture.mock));
    // The mutation reached the store (it was not the first run's state that matched).
    expect(after).not.toEqual(before);
  });
});

describe("numbers and time in a Worker over D1 (workerd, UTC)", () => {
  const fixture = workerWithMockApi(() => script);

  it("keeps ids past 2^53 exact, in the store and in the views, and compares cursor timestamps as instants", async () => {
    installNumbersTimeApi(fixture.mock);
    const response = await fixture.mf.dispatchFetch(
      `http://worker/numbers-time?store=d1&api=${encodeURIComponent(fixture.mock.url)}`,
    );
    const result = (await response.json()) as NumbersTimeResult;
    expect(result.first.status).toBe("completed");
    expect(result.second.status).toBe("completed");
    expect(result.byBigint).toEqual(result.byString);
    expect(result.stored).toEqual(result.truth);
    // A bigint column holds the digits as text: SQL compares and finds them exactly.
    const ids = await rows<{ id: string }>(fixture.mf, "SELECT id FROM snowflakes ORDER BY id");
    expect(ids.map((r) => String(r.id))).toEqual([...NT_BIG.snowflakes].sort());
  });
});

describe("bad input into D1 (workerd): stored, reported in the schema changes, or refused by name", () => {
  let mf: Miniflare;
  beforeAll(() => {
    mf = startWorker(script, { API_BASE_URL: "http://127.0.0.1:9", API_KEY: "unused" });
  });
  afterAll(() => mf?.dispose());
  const sync = async (...runs: ThingsRun[]) =>
    (await (
      await mf.dispatchFetch("http://worker/d1-things", { method: "POST", body: JSON.stringify({ runs }) })
    ).json()) as Awaited<ReturnType<typeof syncThingsIntoD1>>;

  it("names colliding fields apart and quotes SQL reserved words and odd characters", async () => {
    const result = await sync({
      records: [{ id: 1, userName: "a", user_name: "b", select: 1, from: "x", 'we"ird': 3, "it's": 7 }],
    });
    expect(result.runs[0]!.status).toBe("completed");
    expect(result.views.things!.columns).toEqual([
      "_dlt_id",
      "id",
      "user_name",
      "user_name_2",
      "select",
      "from",
      "we_ird",
      "it_s",
    ]);
    expect(result.views.things!.rows).toEqual([
      { _dlt_id: "1", id: 1, user_name: "a", user_name_2: "b", select: 1, from: "x", we_ird: 3, it_s: 7 },
    ]);
  });

  it("shortens long names within 64 characters; a name past the key limit gets no column but stays in the record", async () => {
    const long = "field_".repeat(40);
    const absurd = "x".repeat(SCHEMA_LIMITS.keyLength + 1);
    const record = { id: 1, [long]: "long", [absurd]: "absurd" };
    const result = await sync({ records: [record] });
    const names = result.views.things!.columns;
    expect(names).toHaveLength(3);
    expect(names[2]!.length).toBeLessThanOrEqual(64);
    expect(result.views.things!.rows).toEqual([{ _dlt_id: "1", id: 1, [names[2]!]: "long" }]);
    expect(result.runs[0]!.changes).toContainEqual({
      kind: "limit",
      table: "things",
      detail: expect.stringMatching(/over 1000 characters/),
    });
    expect(result.stored).toEqual(record);
  });

  it("stores a record with 5,000 fields whole; the view stops at D1's 100 columns and the report says so", async () => {
    const record: Record<string, number> = { id: 1 };
    for (let i = 0; i < 5000; i++) record[`field_${i}`] = i;
    const result = await sync({ records: [record] });
    expect(result.runs[0]!.status).toBe("completed");
    expect(result.views.things!.columns).toHaveLength(97);
    expect(result.views.things!.columns.length).toBeLessThanOrEqual(100);
    expect(result.runs[0]!.changes).toContainEqual({
      kind: "limit",
      table: "things",
      detail: expect.stringMatching(/96 columns/),
    });
    expect(result.stored).toEqual(record);
    expect(SCHEMA_LIMITS.columns).toBeGreaterThan(96);
  });

  it("puts a value that switches type every record in exactly one column, and edge values still read", async () => {
    const values = [1, "one", 2.5, true, "1152921504606846977", { x: 1 }, [1, 2], null];
    const switching = await sync({ records: values.map((v, i) => ({ id: i, v })) });
    expect(switching.views.things!.columns).toEqual([
      "_dlt_id",
      "id",
      "v",
      "v__v_text",
      "v__v_double",
      "v__v_bool",
      "v__x",
    ]);
    expect(switching.views.things__v!.rows).toEqual([
      { _dlt_id: "6/0", _dlt_root_id: "6", _dlt_parent_id: "6", _dlt_list_idx: 0, value: 1 },
      { _dlt_id: "6/1", _dlt_root_id: "6", _dlt_parent_id: "6", _dlt_list_idx: 1, value: 2 },
    ]);
    const body = `[{"id":1,"huge":1e308,"over":1e999,"big":123456789012345678901234567890,"lone":"\\ud800x","deep":${"[".repeat(900)}1${"]".repeat(900)}}]`;
    const edge = await sync({ body });
    expect(edge.runs[0]!.status).toBe("completed");
    expect(edge.stored).toMatchObject({ huge: 1e308, big: "123456789012345678901234567890", lone: "\ud800x" });
    expect(edge.views.things!.rows).toMatchObject([{ huge: 1e308, big: "123456789012345678901234567890" }]);
  });

  it("refuses a record over D1's 2 MB row by name and keeps what the last run stored", async () => {
    const result = await sync(
      { records: [{ id: 1, name: "kept" }] },
      {
        records: [
          { id: 1, name: "changed" },
          { id: 2, blob: "x".repeat(2_100_000) },
        ],
      },
    );
    expect(result.runs[0]!.status).toBe("completed");
    expect(result.runs[1]!.status).toBe("failed");
    expect(result.runs[1]!.error?.message).toMatch(/record "2" of table .*things.*2 ?000 ?000 bytes per row/);
    expect(result.stored).toEqual({ id: 1, name: "kept" });
  });
});
