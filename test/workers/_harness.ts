/** Node-side helpers of the workerd suites: cron ticks, digests, and a Worker pointed at a fresh mock API. */
import type { Miniflare } from "miniflare";
import type { RunReport } from "restsync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeContract } from "../contract/store-cases";
import { type MockApi, startMockApi } from "../mock/index";
import { SCENARIO_DATASET } from "../scenarios/seed-scenario";
import { startWorker } from "./_miniflare";

/** The KV namespace as Node sees it (Miniflare's types come from workers-types, not loaded here). */
interface KvFromNode {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
export const kvOf = async (mf: Miniflare) => (await mf.getKVNamespace("STATE")) as unknown as KvFromNode;

/** One cron tick: runs the Worker's scheduled handler, returns its report and the store's operation counts. */
export async function tick(mf: Miniflare): Promise<{ report: RunReport; ops: Record<string, number> }> {
  const worker = (await mf.getWorker()) as unknown as {
    scheduled(options: { cron: string }): Promise<{ outcome: string }>;
  };
  const result = await worker.scheduled({ cron: "*/1 * * * *" });
  expect(result.outcome).toBe("ok");
  return JSON.parse((await (await kvOf(mf)).get("test:last-run"))!);
}

/** Digests of what the Worker's seed pipeline holds, in KV or (`store: "d1"`) in D1. */
export async function digests(mf: Miniflare, store: "kv" | "d1" = "kv"): Promise<Record<string, string>> {
  return (await (await mf.dispatchFetch(`http://worker/digests?store=${store}`)).json()) as Record<string, string>;
}

/** A mock API and a Worker (the bundle `script()` returns) pointed at it, fresh for one describe block. */
export function workerWithMockApi(script: () => string): { mock: MockApi; mf: Miniflare } {
  const fixture = {} as { mock: MockApi; mf: Miniflare };
  beforeAll(async () => {
    fixture.mock = await startMockApi({ datasetOptions: SCENARIO_DATASET });
    fixture.mf = startWorker(script(), { API_BASE_URL: fixture.mock.url, API_KEY: fixture.mock.apiKey });
  });
  afterAll(async () => {
    await fixture.mf?.dispose();
    await fixture.mock?.close();
  });
  return fixture;
}

/** The store contract as run inside workerd by the Worker's `route` (its results, one per case), a test each. */
export function describeContractInWorker(name: string, route: string, script: () => string): void {
  describe(`store contract: ${name} (workerd through Miniflare)`, () => {
    let mf: Miniflare;
    let results: Array<{ name: string; ok: boolean; error?: string }>;
    beforeAll(async () => {
      mf = startWorker(script(), { API_BASE_URL: "http://127.0.0.1:9", API_KEY: "unused" });
      results = (await (await mf.dispatchFetch(`http://worker${route}`)).json()) as typeof results;
    }, 120_000);
    afterAll(() => mf?.dispose());

    it.each(storeContract.map((c) => c.name))("%s", (name) => {
      const result = results.find((r) => r.name === name);
      expect(result, `case "${name}" did not run in workerd`).toBeDefined();
      expect(result!.error).toBeUndefined();
      expect(result!.ok).toBe(true);
    });
  });
}
