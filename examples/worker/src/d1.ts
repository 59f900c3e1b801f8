import { type D1DatabaseLike, d1Adapter } from "restsync/adapters/d1";
import { scheduledHandler } from "restsync/worker";
import { withBaseUrl } from "./config";
import { serveSql } from "./d1-api";

export interface Env {
  /** The D1 database bound in wrangler.d1.toml: records, state, and one SQL view per resource. */
  DB: D1DatabaseLike;
  /** The API to sync ([vars] in wrangler.d1.toml; `.dev.vars` overrides it locally). */
  API_BASE_URL: string;
  /** `wrangler secret put API_KEY` (locally: `.dev.vars`); the config's secrets["api_key"] reads it. */
  API_KEY: string;
  /** HTTP requests a tick may send ([vars]); absent: {@link MAX_REQUESTS}. */
  MAX_REQUESTS?: string;
}

/** The pipeline's name: the views are named after the resources, whatever it is. */
export const name = "seed";

/**
 * HTTP requests a tick may send, unless `MAX_REQUESTS` in [vars] says otherwise. Pages of
 * records are D1 calls too (batches made while a call is in flight share the next one),
 * some pages one read more: 25 requests kept every tick of the seed within the free
 * plan's 50 D1 queries per invocation (at most 45); on the paid plan (1,000) raise it.
 */
export const MAX_REQUESTS = 25;

export default {
  /** The cron trigger: one sync per tick, records and state in D1. */
  scheduled: scheduledHandler<Env>({
    name,
    source: (env) => withBaseUrl(env.API_BASE_URL),
    store: (env) => d1Adapter(env.DB),
    maxRequests: MAX_REQUESTS,
    run: (env) => ({ maxRequests: Number(env.MAX_REQUESTS) || MAX_REQUESTS }),
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

  /** JSON from SQL over the views: GET /, GET /epics, GET /epics/:id/stories. */
  fetch(request: Request, env: Env): Promise<Response> {
    return serveSql(request, env.DB, { name, resources: withBaseUrl(env.API_BASE_URL).resources });
  },
};
