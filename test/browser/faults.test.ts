/**
 * The fault schedules of test/faults.test.ts in Chromium over IndexedDB: the
 * store must end equal to the API, and every run without a budget that reports
 * completed must already match the API as it stood when that run started.
 */

import { createPipeline } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { describe, expect, inject, it } from "vitest";
import { startRemoteFaults } from "../scenarios/fault-remote";
import { runFaultSchedule } from "../scenarios/fault-scenario";

const SCHEDULES = 12;

describe(`fault injection in Chromium over IndexedDB: ${SCHEDULES} schedules`, () => {
  it.each(Array.from({ length: SCHEDULES }, (_, i) => i + 1))(
    "schedule %i ends with the store equal to the API",
    async (seed) => {
      const { schedule, control, close } = await startRemoteFaults(inject("hubUrl"), seed);
      try {
        const pipeline = createPipeline({
          name: `faults-${seed}`,
          store: idbAdapter({ dbName: `faults-${seed}-${Date.now()}` }),
          secrets: { api_key: control.apiKey },
        });
        expect(await runFaultSchedule(schedule, control, () => pipeline)).toEqual([]);
      } finally {
        await close();
      }
    },
    60_000,
  );
});
