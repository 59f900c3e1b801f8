import type { RunReport } from "restsync";
import { beforeAll, describe, expect, it } from "vitest";
import { referenceDigests } from "../_helpers/reference";
import { NT_BIG, type NumbersTimeResult } from "../scenarios/numbers-time";
import { installNumbersTimeApi } from "../scenarios/numbers-time-api";
import { type runSearchBodiesScenario, SB_EXPECTED } from "../scenarios/search-bodies";
import { installSearchBodiesApi } from "../scenarios/search-bodies-api";
import { SCENARIO_MUTATION } from "../scenarios/seed-scenario";
import { SPELLINGS_EXPECTED } from "../scenarios/spellings";
import { installSpellingsApi } from "../scenarios/spellings-api";
import { describeContractInWorker, digests, kvOf, tick, workerWithMockApi } from "./_harness";
import { bundleWorker } from "./_miniflare";

let script: string;
beforeAll(async () => {
  script = await bundleWorker("test/workers/worker-entry.ts");
}, 60_000);
const workerWithMock = () => workerWithMockApi(() => script);

describeContractInWorker("cloudflare-kv", "/contract", () => script);

describe("the seed sync as a Worker cron trigger over KV (workerd)", () => {
  const fixture = workerWithMock();

  it("runs the seed scenario and ends with the same digests as the API (and as Node and Chromium)", async () => {
    const first = await tick(fixture.mf);
    expect(first.report.status).toBe("completed");
    // Workers allow 6 simultaneous connections.
    expect(fixture.mock.stats().maxConcurrent).toBeLessThanOrEqual(6);
    fixture.mock.mutate(SCENARIO_MUTATION);
    const second = await tick(fixture.mf);
    expect(second.report.status).toBe("completed");
    expect(second.report.totals.records).toBeLessThan(first.report.totals.records / 5);
    const stored = await digests(fixture.mf);
    expect(stored).toEqual(await referenceDigests(fixture.mock));
    console.log(`digests workerd/kv: ${JSON.stringify(stored)}`);
    console.log(
      `KV operations for the seed sync: first run ${JSON.stringify(first.ops)}, incremental run ${JSON.stringify(second.ops)}`,
    );
  });
});

describe("a Worker invocation that dies between chunk writes (workerd)", () => {
  const fixture = workerWithMock();

  it("leaves the previous store intact, and the next invocation completes with nothing lost or duplicated", async () => {
    const kv = await kvOf(fixture.mf);
    await tick(fixture.mf);
    const before = await digests(fixture.mf);
    fixture.mock.mutate(SCENARIO_MUTATION);

    await kv.put("test:fail-at-put", "2");
    const crashed = await tick(fixture.mf);
    expect(crashed.report.status).not.toBe("completed");
    expect(JSON.stringify(crashed.report)).toMatch(/simulated crash at KV put 2/);
    // Nothing of the dead invocation is visible: the store is exactly what the last good run left.
    expect(await digests(fixture.mf)).toEqual(before);

    await kv.delete("test:fail-at-put");
    const recovered = await tick(fixture.mf);
    expect(recovered.report.status).toBe("completed");
    expect(await digests(fixture.mf)).toEqual(await referenceDigests(fixture.mock));
  });
});

describe("the seed sync over cron ticks of 50 subrequests each (workerd)", () => {
  const fixture = workerWithMock();

  it("completes the cycle over successive ticks and ends equal to the API", async () => {
    await (await kvOf(fixture.mf)).put("test:max-requests", "50");
    const ticks: RunReport[] = [];
    do {
      fixture.mock.clearLog();
      ticks.push((await tick(fixture.mf)).report);
      expect(fixture.mock.requests.length).toBeLessThanOrEqual(50);
      expect(ticks.length).toBeLessThan(30);
    } while (!ticks.at(-1)!.cycle?.complete);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.at(-1)!.status).toBe("completed");
    expect(await digests(fixture.mf)).toEqual(await referenceDigests(fixture.mock));
    console.log(`workerd: the seed sync took ${ticks.length} cron ticks of at most 50 subrequests`);
  });
});

describe("a store shared with other writers, in a Worker (workerd)", () => {
  const fixture = workerWithMock();

  it("takes the run's lease in the store and releases it (the lease code loads behind import())", async () => {
    const response = await fixture.mf.dispatchFetch("http://worker/lease");
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toMatchObject({ status: "completed", leaseAfter: null });
    expect(result.records).toBeGreaterThan(0);
    // Taken, renewed or released: at least the take and the release.
    expect(result.leaseWrites).toBeGreaterThanOrEqual(2);
  });
});

describe("numbers and time in a Worker over KV (workerd, UTC)", () => {
  const fixture = workerWithMock();

  it("keeps big integers exact and compares cursor timestamps as instants: KV ends equal to the API", async () => {
    installNumbersTimeApi(fixture.mock);
    const response = await fixture.mf.dispatchFetch(
      `http://worker/numbers-time?api=${encodeURIComponent(fixture.mock.url)}`,
    );
    const result = (await response.json()) as NumbersTimeResult;
    expect(result.first.status).toBe("completed");
    expect(result.second.status).toBe("completed");
    // Each case on its own, so a failure names it: four snowflake ids are four rows, found by digits or bigint;
    // a cursor past 2^53 moved by 1, a naive timestamp changed mid-run, a Postgres timestamp across the DST
    // fall-back and a sub-millisecond update are all stored.
    expect.soft(result.stored.snowflakes!.map((r) => r.id)).toEqual(NT_BIG.snowflakes);
    expect.soft(result.byString).toEqual({ id: NT_BIG.snowflakes[0], name: "flake 0" });
    expect.soft(result.byBigint).toEqual(result.byString);
    for (const name of ["ledger", "events", "pg_events", "precise"])
      expect.soft(result.stored[name], name).toEqual(result.truth[name]);
    expect(result.stored).toEqual(result.truth);
  });
});

describe("dlt's spellings in a Worker over KV (workerd)", () => {
  const fixture = workerWithMock();

  it("literal braces, static path params, an empty and a literal client header, custom and endpoint auth, a body-rewriting hook", async () => {
    installSpellingsApi(fixture.mock);
    const response = await fixture.mf.dispatchFetch(
      `http://worker/spellings?api=${encodeURIComponent(fixture.mock.url)}`,
    );
    const result = (await response.json()) as { errors: unknown[]; stored: unknown };
    expect(result.errors).toEqual([null, null]);
    expect(result.stored).toEqual(SPELLINGS_EXPECTED);
  });
});

describe("request bodies in a Worker (workerd): JSON paged through the body, form and raw", () => {
  const fixture = workerWithMock();

  it("sends each body as the API then echoes it into the stored records", async () => {
    installSearchBodiesApi(fixture.mock);
    const response = await fixture.mf.dispatchFetch(
      `http://worker/search-bodies?api=${encodeURIComponent(fixture.mock.url)}`,
    );
    const result = (await response.json()) as Awaited<ReturnType<typeof runSearchBodiesScenario>>;
    expect(result.report.status, JSON.stringify(result.report.resources)).toBe("completed");
    expect(result.stored).toEqual(SB_EXPECTED);
  });
});
