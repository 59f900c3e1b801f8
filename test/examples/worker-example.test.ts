import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Miniflare } from "miniflare";
import { parse } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedConfig } from "../../examples/seed/config";
import { seedConfig as workerSeedConfig } from "../../examples/worker/src/config";
import { type MockApi, SEED_RESOURCE_NAMES, startMockApi } from "../mock/index";
import { bundleWorker, startWorker } from "../workers/_miniflare";
import { exampleImports } from "./_standalone";

interface WranglerToml {
  main: string;
  triggers: { crons: string[] };
  kv_namespaces: Array<{ binding: string }>;
  vars: Record<string, string>;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const folder = path.join(root, "examples/worker");
const wrangler = parse(readFileSync(path.join(folder, "wrangler.toml"), "utf8")) as unknown as WranglerToml;
/** `.dev.vars.example` as wrangler reads `.dev.vars` (dotenv lines). */
const devVars = Object.fromEntries(
  readFileSync(path.join(folder, ".dev.vars.example"), "utf8")
    .split("\n")
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
let mock: MockApi;
let mf: Miniflare;

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
  const script = await bundleWorker(`examples/worker/${wrangler.main}`);
  expect(wrangler.kv_namespaces.map((ns) => ns.binding)).toEqual(["STATE"]);
  // What `wrangler dev` hands the Worker: [vars], overridden by .dev.vars — whose URL names the mock's port, here a free one.
  mf = startWorker(script, { ...wrangler.vars, ...devVars, API_BASE_URL: mock.url });
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await mock?.close();
});

describe("examples/worker", () => {
  it("the cron declared in wrangler.toml syncs the seed into KV, and GET / shows what is stored", async () => {
    expect(wrangler.triggers.crons).toHaveLength(1);
    const worker = (await mf.getWorker()) as unknown as {
      scheduled(options: { cron: string }): Promise<{ outcome: string }>;
    };
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

    const status = (await (await mf.dispatchFetch("http://worker/")).json()) as {
      resources: Record<string, { records: number; cursor: unknown }>;
    };
    for (const name of SEED_RESOURCE_NAMES)
      expect(status.resources[name]!.records, name).toBe(mock.expected(name).length);
    expect(status.resources.epics!.cursor).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));

    // A second tick after the API changed brings the store up to date again.
    mock.mutate({ updates: 4, inserts: 3, seed: 5 });
    await tickUntilComplete();
    const after = (await (await mf.dispatchFetch("http://worker/")).json()) as typeof status;
    for (const name of SEED_RESOURCE_NAMES)
      expect(after.resources[name]!.records, name).toBe(mock.expected(name).length);
  });

  it(".dev.vars.example gives what the Worker reads locally: the mock's key and a loopback API URL", () => {
    expect(Object.keys(devVars).sort()).toEqual(["API_BASE_URL", "API_KEY"]);
    expect(devVars.API_KEY).toBe(mock.apiKey);
    expect(new URL(devVars.API_BASE_URL!).hostname).toBe("127.0.0.1");
  });

  it("imports nothing outside its folder but restsync, so it can be copied out", async () => {
    const { inputs, external } = await exampleImports(path.join(folder, wrangler.main));
    expect(inputs.length).toBeGreaterThan(1);
    for (const input of inputs) expect(input.startsWith(`${folder}${path.sep}`), input).toBe(true);
    expect(external).toEqual(new Set(["restsync", "restsync/adapters/cloudflare-kv", "restsync/worker"]));
  });

  it("its copy of the seed config is the seed config", () => {
    // As JSON: a secret reference is then its spelling, secrets["api_key"].
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    expect(asJson(workerSeedConfig)).toEqual(asJson(seedConfig));
  });
});
