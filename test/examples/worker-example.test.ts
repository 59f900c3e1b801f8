import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "smol-toml";
import type { Miniflare } from "miniflare";
import { startMockApi, SEED_RESOURCE_NAMES, type MockApi } from "../mock/index";
import { bundleWorker, startWorker } from "../workers/_miniflare";

interface WranglerToml {
  main: string;
  triggers: { crons: string[] };
  kv_namespaces: Array<{ binding: string }>;
  vars: Record<string, string>;
}

const wrangler = parse(readFileSync(new URL("../../examples/worker/wrangler.toml", import.meta.url), "utf8")) as unknown as WranglerToml;
let mock: MockApi;
let mf: Miniflare;

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
  const script = await bundleWorker(`examples/worker/${wrangler.main}`);
  expect(wrangler.kv_namespaces.map((ns) => ns.binding)).toEqual(["STATE"]);
  // The deployed Worker's vars, with the API pointed at the mock and the secret supplied.
  mf = startWorker(script, { ...wrangler.vars, API_BASE_URL: mock.url, API_KEY: mock.apiKey });
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await mock?.close();
});

it("examples/worker: the cron declared in wrangler.toml syncs the seed into KV, and GET / shows what is stored", async () => {
  expect(wrangler.triggers.crons).toHaveLength(1);
  const worker = (await mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<{ outcome: string }> };
  // Each tick sends at most 50 requests (the free plan's subrequests): the cycle completes over several ticks.
  const tickUntilComplete = async () => {
    for (let ticks = 1; ; ticks++) {
      mock.clearLog();
      expect((await worker.scheduled({ cron: wrangler.triggers.crons[0]! })).outcome).toBe("ok");
      expect(mock.requests.length).toBeLessThanOrEqual(50);
      const cycle = (await (await mf.dispatchFetch("http://worker/")).json()) as { cycleComplete: boolean };
      if (cycle.cycleComplete) return ticks;
      expect(ticks).toBeLessThan(30);
    }
  };
  expect(await tickUntilComplete()).toBeGreaterThan(1);

  const status = (await (await mf.dispatchFetch("http://worker/")).json()) as { resources: Record<string, { records: number; cursor: unknown }> };
  for (const name of SEED_RESOURCE_NAMES) expect(status.resources[name]!.records, name).toBe(mock.expected(name).length);
  expect(status.resources.epics!.cursor).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));

  // A second tick after the API changed brings the store up to date again.
  mock.mutate({ updates: 4, inserts: 3, seed: 5 });
  await tickUntilComplete();
  const after = (await (await mf.dispatchFetch("http://worker/")).json()) as typeof status;
  for (const name of SEED_RESOURCE_NAMES) expect(after.resources[name]!.records, name).toBe(mock.expected(name).length);
});
