import { createPipeline } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import { inTimeZone, TEST_ZONES } from "./_helpers/time-zones";
import type { MockApi } from "./mock/index";
import { NT_BIG, runNumbersTimeScenario } from "./scenarios/numbers-time";
import { installNumbersTimeApi } from "./scenarios/numbers-time-api";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));
beforeEach(() => installNumbersTimeApi(mock));

describe.each(TEST_ZONES)("numbers and time, end to end, in %s", (zone) => {
  inTimeZone(zone);

  it("keeps big integers exact and compares cursor timestamps as instants: the store ends equal to the API", async () => {
    const pipeline = createPipeline({ name: "numbers-time", store: memoryAdapter() });
    const result = await runNumbersTimeScenario(pipeline, mock.url);
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
    expect(result.second.resources.events!.records).toBe(2);
    expect(result.second.resources.ledger!.records).toBe(1);
  });
});
