/**
 * delete_missing in any adapter: a complete listing removes what the API no
 * longer lists; a budget-cut listing removes nothing; and a run killed at any
 * write, then resumed by budgeted runs over a fresh adapter (as the next cron
 * invocation or tab would), ends with exactly the API's records — never without
 * one the killed run stored before it died. Runtime-neutral: the API is a
 * scripted server (test/_helpers/scripted-server.ts) whose routes are set over HTTP.
 */
import { createPipeline, type RestApiConfig, type StoreAdapter } from "restsync";
import type { ScriptedRoute } from "../contract/origin-cases";

/** `inner` dying at its `dieAt`-th write, as test/_helpers/dying-store.ts (kept here so every runtime bundles it). */
function dying(inner: StoreAdapter, dieAt: number): StoreAdapter {
  let writes = 0;
  return {
    ...inner,
    write(batch) {
      if (++writes >= dieAt) throw new Error("the run is gone");
      return inner.write(batch);
    },
    flush: undefined,
  };
}

/** `/notes` as pages of two linked by `next`. */
function pages(api: string, ids: number[]): ScriptedRoute[] {
  const routes: ScriptedRoute[] = [];
  for (let page = 1; (page - 1) * 2 < Math.max(ids.length, 1); page++) {
    const next = page * 2 < ids.length ? `${api}/notes?page=${page + 1}` : null;
    const data = ids.slice((page - 1) * 2, page * 2).map((id) => ({ id }));
    routes.push({ path: "/notes", ...(page > 1 ? { query: { page: String(page) } } : {}), body: { data, next } });
  }
  // The first page has no query: it must come last, or it would answer every page.
  return [...routes.slice(1), routes[0]!];
}

async function serve(api: string, ids: number[]): Promise<void> {
  await fetch(`${api}/__routes`, { method: "PUT", body: JSON.stringify(pages(api, ids)) });
}

/**
 * Runs the scenario; `open(label)` returns an adapter over the storage named
 * `label` (the same storage each time it is called with that label).
 */
export async function runDeleteMissingScenario(open: (label: string) => StoreAdapter, api: string): Promise<string[]> {
  const problems: string[] = [];
  const config: RestApiConfig = {
    client: { base_url: api, paginator: { type: "json_link", next_url_path: "next" } },
    resources: [
      {
        name: "notes",
        primary_key: "id",
        write_disposition: "merge",
        delete_missing: "remove",
        endpoint: { path: "/notes", data_selector: "data", error_handler: { max_retries: 0 } },
      },
    ],
  };
  const ids = async (store: StoreAdapter) => {
    const out: number[] = [];
    for await (const record of createPipeline({ name: "dm", store }).records("notes")) out.push(record.id as number);
    return out.sort((a, b) => a - b).join(",");
  };
  const before = [1, 2, 3, 4, 5, 6];
  const after = [1, 3, 4, 6, 7];

  for (let dieAt = 1; dieAt <= 7; dieAt++) {
    const label = `dm-${dieAt}`;
    await serve(api, before);
    await createPipeline({ name: "dm", store: open(label) }).run(config);
    await serve(api, after);
    const cut = await createPipeline({ name: "dm", store: open(label), progressIntervalMs: 0 }).run(config, {
      maxRequests: 1,
    });
    if ((await ids(open(label))) !== before.join(","))
      problems.push(`died at ${dieAt}: a budget-cut listing (${cut.resources.notes?.status}) removed records`);
    await createPipeline({ name: "dm", store: dying(open(label), dieAt), progressIntervalMs: 0 })
      .run(config, { maxRequests: 100 })
      .catch(() => undefined);
    let complete = false;
    for (let i = 0; i < 5 && !complete; i++) {
      const report = await createPipeline({ name: "dm", store: open(label), progressIntervalMs: 0 }).run(config, {
        maxRequests: 100,
      });
      complete = report.cycle?.complete === true;
    }
    const stored = await ids(open(label));
    if (stored !== after.join(",")) problems.push(`died at write ${dieAt}: stored ${stored}, the API lists ${after}`);
  }
  return problems;
}
