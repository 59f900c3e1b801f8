/**
 * The fault schedules of test/faults.test.ts inside workerd over Workers KV, each
 * run a new adapter as each cron invocation is: the store must end equal to the
 * API, and every run without a budget that reports completed must already match
 * the API as it stood when that run started.
 */

import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addFaultRoutes } from "../_helpers/fault-hub";
import { type MockApi, startMockApi } from "../mock/index";
import { bundleWorker, startWorker } from "./_miniflare";

const SCHEDULES = 12;

describe(`fault injection in workerd over KV: ${SCHEDULES} schedules`, () => {
  let hub: MockApi;
  const mocks = new Map<string, MockApi>();
  let mf: Miniflare;
  beforeAll(async () => {
    hub = await startMockApi({ datasetOptions: { size: "small" } });
    addFaultRoutes(hub, mocks);
    mf = startWorker(await bundleWorker("test/workers/worker-entry.ts"), { API_BASE_URL: hub.url, API_KEY: "unused" });
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
    await Promise.all([...mocks.values()].map((mock) => mock.close()));
    await hub?.close();
  });

  it.each(Array.from({ length: SCHEDULES }, (_, i) => i + 1))(
    "schedule %i ends with the store equal to the API",
    async (seed) => {
      const response = await mf.dispatchFetch("http://worker/faults", {
        method: "POST",
        body: JSON.stringify({ hub: hub.url, seed }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
    },
    60_000,
  );
});
