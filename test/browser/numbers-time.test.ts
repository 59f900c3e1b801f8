import { createPipeline } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { describe, expect, it } from "vitest";
import { NT_BIG, runNumbersTimeScenario } from "../scenarios/numbers-time";
import { startNumbersTimeMock } from "./_hub";

describe("numbers and time in Chromium (Asia/Tokyo)", () => {
  it("keeps big integers exact and compares cursor timestamps as instants: IndexedDB ends equal to the API", async () => {
    const url = await startNumbersTimeMock();
    const pipeline = createPipeline({
      name: "numbers-time",
      store: idbAdapter({ dbName: `numbers-time-${Date.now()}` }),
    });
    const result = await runNumbersTimeScenario(pipeline, url);
    // The browser runs nine hours east of UTC (vitest.config.ts), where naive timestamps read as local time go wrong.
    expect(result.zoneOffset).toBe(-540);
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
