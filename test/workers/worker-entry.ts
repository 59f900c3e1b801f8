/**
 * The Worker the workerd suite runs: the seed sync as a cron trigger over Workers
 * KV (through restsync/worker), plus test-only routes that run the store contract
 * inside workerd, report digests of what the store holds, run one origin case
 * (test/contract/origin-cases.ts) against scripted servers the Node test started,
 * and run the fault, saved-state, numbers-and-time and request-bodies scenarios.
 */
import { createPipeline, type RunReport } from "restsync";
import { type KVNamespaceLike, kvAdapter } from "restsync/adapters/cloudflare-kv";
import { type D1DatabaseLike, d1Adapter } from "restsync/adapters/d1";
import { type ScheduledControllerLike, scheduledHandler } from "restsync/worker";
import { withBaseUrl } from "../../examples/seed/config";
import { storeDigests } from "../_helpers/digest";
import { SharedBacking, sharedStore } from "../_helpers/shared-store";
import { originCasesFor } from "../contract/origin-cases";
import { checkOriginCase, runOriginCase } from "../contract/origin-runner";
import { type StoreHarness, storeContract } from "../contract/store-cases";
import { runDeleteMissingScenario } from "../scenarios/delete-missing";
import { startRemoteFaults } from "../scenarios/fault-remote";
import { runFaultSchedule } from "../scenarios/fault-scenario";
import { runNumbersTimeScenario } from "../scenarios/numbers-time";
import { runSavedStateScenario } from "../scenarios/saved-state";
import { runSearchBodiesScenario } from "../scenarios/search-bodies";
import { seedResourceNames } from "../scenarios/seed-scenario";
import { runSpellingsScenario } from "../scenarios/spellings";
import { countingD1, wipeD1 } from "./_d1";
import { syncThingsIntoD1, type ThingsRun } from "./_d1-things";
import { expect } from "./_expect";

interface Env {
  STATE: KVNamespaceLike;
  DB: D1DatabaseLike;
  API_BASE_URL: string;
  API_KEY: string;
}

/** `kv` whose `failAt`-th put or delete fails, and every one after. */
function dyingAt(kv: KVNamespaceLike, failAt: number): KVNamespaceLike {
  let writes = 0;
  const die = () => {
    if (++writes >= failAt) throw new Error(`simulated: the invocation died at write ${failAt}`);
  };
  return {
    get: (key, type) => kv.get(key, type),
    put: async (key, value) => (die(), kv.put(key, value)),
    delete: async (key) => (die(), kv.delete(key)),
  };
}

/** KV with operation counts and, when asked, an invocation that dies at the n-th put. */
function instrumented(kv: KVNamespaceLike, failAtPut: number) {
  const ops = { get: 0, put: 0, delete: 0 };
  const binding: KVNamespaceLike = {
    get: (key, type) => (ops.get++, kv.get(key, type)),
    put: async (key, value) => {
      if (++ops.put === failAtPut) throw new Error(`simulated crash at KV put ${failAtPut}`);
      return kv.put(key, value);
    },
    delete: (key) => (ops.delete++, kv.delete(key)),
  };
  return { binding, ops };
}

/** Runs every contract case that applies with the harness `harnessFor(index)` gives it; one result per case. */
async function runContract(harnessFor: (index: number) => StoreHarness) {
  const results: Array<{ name: string; ok: boolean; error?: string }> = [];
  for (const [index, contractCase] of storeContract.entries()) {
    const harness = harnessFor(index);
    if (contractCase.applies && !contractCase.applies(harness)) continue;
    try {
      await contractCase.run(harness, expect);
      results.push({ name: contractCase.name, ok: true });
    } catch (error) {
      results.push({ name: contractCase.name, ok: false, error: String((error as Error)?.stack ?? error) });
    }
  }
  return results;
}

export default {
  async scheduled(controller: ScheduledControllerLike, env: Env): Promise<void> {
    const failAt = Number((await env.STATE.get("test:fail-at-put", "text")) ?? 0);
    const kv = instrumented(env.STATE, failAt);
    // The seed in D1 instead of KV; the n-th D1 batch of the tick dies when asked.
    const d1 = (await env.STATE.get("test:store", "text")) === "d1" ? countingD1(env.DB, failAt) : undefined;
    const budget = Number((await env.STATE.get("test:max-requests", "text")) ?? 100_000);
    let report: RunReport | undefined;
    const handler = scheduledHandler<Env>({
      name: "seed",
      source: (e) => withBaseUrl(e.API_BASE_URL),
      store: () => (d1 ? d1Adapter(d1.binding) : kvAdapter(kv.binding)),
      maxRequests: budget,
      onReport: (r) => void (report = r),
    });
    await handler(controller, env);
    await env.STATE.put("test:last-run", JSON.stringify({ report, ops: d1 ? d1.calls : kv.ops }));
  },

  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/digests") {
      const d1 = new URL(request.url).searchParams.get("store") === "d1";
      const pipeline = createPipeline({ name: "seed", store: d1 ? d1Adapter(env.DB) : kvAdapter(env.STATE) });
      return Response.json(await storeDigests(pipeline, seedResourceNames()));
    }
    if (pathname === "/saved-state") {
      const { api } = (await request.json()) as { api: string };
      return Response.json(
        await runSavedStateScenario(kvAdapter(env.STATE, { prefix: `saved-state/${Date.now()}/` }), api),
      );
    }
    if (pathname === "/delete-missing") {
      const { api } = (await request.json()) as { api: string };
      const run = Date.now();
      return Response.json(
        await runDeleteMissingScenario((label) => kvAdapter(env.STATE, { prefix: `${label}/${run}/` }), api),
      );
    }
    if (pathname === "/faults") {
      // One fault schedule; each run is a fresh KV adapter, as each cron invocation is.
      const { hub, seed } = (await request.json()) as { hub: string; seed: number };
      const { schedule, control, close } = await startRemoteFaults(hub, seed);
      try {
        const prefix = `faults/${seed}/${Date.now()}/`;
        const pipeline = () =>
          createPipeline({
            name: `faults-${seed}`,
            store: kvAdapter(env.STATE, { prefix }),
            secrets: { api_key: control.apiKey },
          });
        return Response.json(await runFaultSchedule(schedule, control, pipeline));
      } finally {
        await close();
      }
    }
    if (pathname === "/lease") {
      // A store other writers share (conditional writes, no Web Locks here): the run takes a lease in it,
      // whose code sits behind a dynamic import() that the Worker's bundler inlines.
      const backing = new SharedBacking();
      const pipeline = createPipeline({
        name: "leased",
        store: sharedStore(backing),
        secrets: { api_key: env.API_KEY },
      });
      const report = await pipeline.run(withBaseUrl(env.API_BASE_URL), { resources: ["categories"] });
      return Response.json({
        status: report.status,
        records: await pipeline.count("categories"),
        leaseWrites: backing.ops.stateSets.get("leased//lease") ?? 0,
        leaseAfter: backing.readState("leased//lease") ?? null,
      });
    }
    if (pathname === "/numbers-time") {
      // The scenario against the mock API the Node test started (its URL in `?api=`), into a fresh KV prefix.
      const params = new URL(request.url).searchParams;
      const api = params.get("api")!;
      const pipeline = createPipeline({
        name: "numbers-time",
        store: params.get("store") === "d1" ? d1Adapter(env.DB) : kvAdapter(env.STATE, { prefix: `nt/${Date.now()}/` }),
      });
      return Response.json(await runNumbersTimeScenario(pipeline, api));
    }
    if (pathname === "/spellings") {
      const api = new URL(request.url).searchParams.get("api")!;
      const store = kvAdapter(env.STATE, { prefix: `sp/${Date.now()}/` });
      return Response.json(await runSpellingsScenario(createPipeline({ name: "spellings", store }), api));
    }
    if (pathname === "/search-bodies") {
      // The request-bodies scenario against the mock API the Node test started (its URL in `?api=`).
      const api = new URL(request.url).searchParams.get("api")!;
      const pipeline = createPipeline({
        name: "search-bodies",
        store: kvAdapter(env.STATE, { prefix: `sb/${Date.now()}/` }),
      });
      return Response.json(await runSearchBodiesScenario(pipeline, api));
    }
    if (pathname === "/d1-things") {
      const { runs } = (await request.json()) as { runs: ThingsRun[] };
      return Response.json(await syncThingsIntoD1(env.DB, runs));
    }
    if (pathname === "/contract-d1") {
      // One database: each case starts from an empty one (the cases use one storage at a time).
      return Response.json(
        await runContract(() => ({
          create: async () => (await wipeD1(env.DB), d1Adapter(env.DB)),
          reopen: () => d1Adapter(env.DB),
          storage: async () => {
            await wipeD1(env.DB);
            return { open: (failAt?: number) => d1Adapter(countingD1(env.DB, 0, failAt).binding) };
          },
        })),
      );
    }
    if (pathname === "/contract") {
      return Response.json(
        await runContract((index) => {
          const prefix = `contract/${Date.now()}/${index}/`;
          let storages = 0;
          return {
            create: () => kvAdapter(env.STATE, { prefix }),
            reopen: () => kvAdapter(env.STATE, { prefix }),
            // Fresh storage per call; an adapter over it whose n-th put or delete fails, as when the invocation dies there.
            storage: async () => {
              const at = `${prefix}storage-${storages++}/`;
              return {
                open: (failAt?: number) =>
                  kvAdapter(failAt === undefined ? env.STATE : dyingAt(env.STATE, failAt), {
                    prefix: at,
                    maxChunkRecords: 20,
                  }),
              };
            },
          };
        }),
      );
    }
    if (pathname === "/origin-case") {
      // The case runs here, in workerd: its requests are the Worker's own subrequests to 127.0.0.1.
      const params = new URL(request.url).searchParams;
      const originCase = originCasesFor("workerd").find((c) => c.name === params.get("name"));
      if (!originCase) return Response.json({ ok: false, error: `no workerd case named ${params.get("name")}` });
      let outcome: Awaited<ReturnType<typeof runOriginCase>> | undefined;
      try {
        outcome = await runOriginCase(originCase, { api: params.get("api")!, foreign: params.get("foreign")! });
        checkOriginCase(originCase, outcome, "workerd", expect);
        return Response.json({ ok: true });
      } catch (error) {
        const seen = outcome && {
          resources: Object.fromEntries(
            Object.entries(outcome.report.resources).map(([name, r]) => [name, { status: r.status, error: r.error }]),
          ),
          api: outcome.api.map((r) => `${r.method} ${r.url}`),
        };
        return Response.json({
          ok: false,
          error: `${String((error as Error)?.stack ?? error)}\n${JSON.stringify(seen)}`,
        });
      }
    }
    return new Response("not found", { status: 404 });
  },
};
