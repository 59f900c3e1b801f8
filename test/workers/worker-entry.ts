/**
 * The Worker the workerd suite runs: the seed sync as a cron trigger over Workers
 * KV (through restsync/worker), plus test-only routes that run the store contract
 * and the numbers-and-time scenario inside workerd and report digests of what
 * the store holds.
 */
import { createPipeline } from "restsync";
import { kvAdapter, type KVNamespaceLike } from "restsync/adapters/cloudflare-kv";
import { scheduledHandler, type ScheduledControllerLike } from "restsync/worker";
import { withBaseUrl } from "../../examples/seed/config";
import { storeContract } from "../contract/store-cases";
import { storeDigests } from "../_helpers/digest";
import { seedResourceNames } from "../scenarios/seed-scenario";
import { runNumbersTimeScenario } from "../scenarios/numbers-time";
import { expect } from "./_expect";

interface Env {
  STATE: KVNamespaceLike;
  API_BASE_URL: string;
  API_KEY: string;
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

export default {
  async scheduled(controller: ScheduledControllerLike, env: Env): Promise<void> {
    const failAt = Number((await env.STATE.get("test:fail-at-put", "text")) ?? 0);
    const kv = instrumented(env.STATE, failAt);
    const budget = Number((await env.STATE.get("test:max-requests", "text")) ?? 100_000);
    const handler = scheduledHandler<Env>({ name: "seed", source: (e) => withBaseUrl(e.API_BASE_URL), store: () => kvAdapter(kv.binding), maxRequests: budget });
    const report = await handler(controller, env);
    await env.STATE.put("test:last-run", JSON.stringify({ report, ops: kv.ops }));
  },

  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/digests") {
      const pipeline = createPipeline({ name: "seed", store: kvAdapter(env.STATE) });
      return Response.json(await storeDigests(pipeline, seedResourceNames()));
    }
    if (pathname === "/numbers-time") {
      // The scenario against the mock API the Node test started (its URL in `?api=`), into a fresh KV prefix.
      const api = new URL(request.url).searchParams.get("api")!;
      const pipeline = createPipeline({ name: "numbers-time", store: kvAdapter(env.STATE, { prefix: `nt/${Date.now()}/` }) });
      return Response.json(await runNumbersTimeScenario(pipeline, api));
    }
    if (pathname === "/contract") {
      const results: Array<{ name: string; ok: boolean; error?: string }> = [];
      for (const [index, contractCase] of storeContract.entries()) {
        const prefix = `contract/${Date.now()}/${index}/`;
        const harness = { create: () => kvAdapter(env.STATE, { prefix }), reopen: () => kvAdapter(env.STATE, { prefix }) };
        if (contractCase.applies && !contractCase.applies(harness)) continue;
        try {
          await contractCase.run(harness, expect);
          results.push({ name: contractCase.name, ok: true });
        } catch (error) {
          results.push({ name: contractCase.name, ok: false, error: String((error as Error)?.stack ?? error) });
        }
      }
      return Response.json(results);
    }
    return new Response("not found", { status: 404 });
  },
};
