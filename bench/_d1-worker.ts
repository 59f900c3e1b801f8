/**
 * The Worker of benchmark 11 (bench/d1.ts), run in workerd by Miniflare: `GET
 * /sync?store=d1|kv` runs the seed sync once, unbudgeted, into D1 (`env.DB`, every
 * call counted) or into KV (`env.STATE`, the baseline), and answers the D1 calls, the
 * pages that returned records and the report's totals.
 */
import { createPipeline, type RestApiConfig, type StoreAdapter } from "restsync";
import { type KVNamespaceLike, kvAdapter } from "restsync/adapters/cloudflare-kv";
import { type D1DatabaseLike, d1Adapter } from "restsync/adapters/d1";
import { withBaseUrl } from "../examples/seed/config";
import { countD1Calls, noD1Calls } from "../test/workers/_d1-calls";

interface Env {
  DB: D1DatabaseLike;
  STATE: KVNamespaceLike;
  API_BASE_URL: string;
  API_KEY: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const kind = new URL(request.url).searchParams.get("store");
    const calls = noD1Calls();
    const store: StoreAdapter = kind === "kv" ? kvAdapter(env.STATE) : d1Adapter(countD1Calls(env.DB, calls));
    // Pages that returned records, and of those the ones that wrote some.
    const pages = { withRecords: 0, written: 0 };
    const config: RestApiConfig = withBaseUrl(env.API_BASE_URL);
    const report = await createPipeline({ name: "seed", store, secrets: { api_key: env.API_KEY } }).run(config, {
      onProgress(event) {
        if (event.type !== "page" || event.received === 0) return;
        pages.withRecords++;
        if (event.written > 0) pages.written++;
      },
    });
    const errors = Object.entries(report.resources).flatMap(([name, r]) =>
      r.error ? [`${name}: ${r.error.message}`] : [],
    );
    return Response.json({ status: report.status, errors, totals: report.totals, pages, calls });
  },
};
