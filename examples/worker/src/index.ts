import { createPipeline } from "restsync";
import { type KVNamespaceLike, kvAdapter } from "restsync/adapters/cloudflare-kv";
import { scheduledHandler } from "restsync/worker";
import { withBaseUrl } from "./config";

export interface Env {
  /** The KV namespace bound in wrangler.toml: records and state. */
  STATE: KVNamespaceLike;
  /** The API to sync ([vars] in wrangler.toml; `.dev.vars` overrides it locally). */
  API_BASE_URL: string;
  /** `wrangler secret put API_KEY` (locally: `.dev.vars`); the config's secrets["api_key"] reads it. */
  API_KEY: string;
}

const name = "seed";

export default {
  /** The cron trigger: one sync per tick (at most 50 requests), state and records in KV. */
  scheduled: scheduledHandler<Env>({
    name,
    source: (env) => withBaseUrl(env.API_BASE_URL),
    store: (env) => kvAdapter(env.STATE),
    onReport: (report) =>
      console.log(
        JSON.stringify({
          status: report.status,
          stopped: report.stopped,
          totals: report.totals,
          durationMs: report.durationMs,
        }),
      ),
  }),

  /** GET / — what the store holds: records and cursor per resource, and whether the sync cycle is complete. */
  async fetch(_request: Request, env: Env): Promise<Response> {
    const pipeline = createPipeline({ name, store: kvAdapter(env.STATE) });
    const resources: Record<string, { records: number; cursor: unknown; lastRun: unknown }> = {};
    for (const resource of withBaseUrl(env.API_BASE_URL).resources) {
      const resourceName = typeof resource === "string" ? resource : resource.name;
      const state = await pipeline.state(resourceName);
      resources[resourceName] = {
        records: await pipeline.count(resourceName),
        cursor: state?.cursor?.last_value ?? null,
        lastRun: state?.last_run ?? null,
      };
    }
    // A cycle spread over ticks is in progress until every resource has completed in it.
    const cycleComplete = (await pipeline.cycle()) === undefined;
    return Response.json({ pipeline: name, cycleComplete, resources });
  },
};
