/**
 * Positions saved in state carry no credential, in any adapter: an API that
 * echoes the query key (and a configured secret param) into its next links, as
 * DRF and Rails do; a budgeted run stopped after the first page; every state
 * value written checked for either secret in any spelling; then the resumed run,
 * which must send both again (auth and the configured param) and finish.
 * Runtime-neutral: the API is a scripted server (test/_helpers/scripted-server.ts)
 * whose routes are set over HTTP.
 */
import { createPipeline, type StoreAdapter, secrets } from "restsync";
import type { ScriptedRequest, ScriptedRoute } from "../contract/origin-cases";

const KEY = "Echoed-Key/+=4x";
const TOKEN = "tenant-Token+7/q";

function spellings(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  return [
    secret,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    btoa(secret),
  ];
}

export async function runSavedStateScenario(store: StoreAdapter, api: string): Promise<string[]> {
  const problems: string[] = [];
  const echo = `api_key=${encodeURIComponent(KEY)}&token=${encodeURIComponent(TOKEN)}`;
  const routes: ScriptedRoute[] = [
    { path: "/items", query: { page: "2" }, body: { data: [{ id: 2 }], next: `${api}/items?page=3&${echo}` } },
    { path: "/items", query: { page: "3" }, body: { data: [{ id: 3 }], next: null } },
    { path: "/items", body: { data: [{ id: 1 }], next: `${api}/items?page=2&${echo}` } },
  ];
  await fetch(`${api}/__routes`, { method: "PUT", body: JSON.stringify(routes) });

  const written: string[] = [];
  const recording: StoreAdapter = {
    ...store,
    write(batch) {
      written.push(JSON.stringify(batch.state ?? []));
      return store.write(batch);
    },
  };
  const config = {
    client: {
      base_url: api,
      auth: { type: "api_key" as const, name: "api_key", api_key: secrets["api_key"], location: "query" as const },
    },
    resources: [
      {
        name: "items",
        primary_key: "id",
        write_disposition: "merge" as const,
        endpoint: {
          path: "/items",
          data_selector: "data",
          paginator: { type: "json_link" as const },
          params: { token: secrets["token"] },
        },
      },
    ],
  };
  const pipeline = createPipeline({ name: "saved-state", store: recording, secrets: { api_key: KEY, token: TOKEN } });
  const first = await pipeline.run(config, { maxRequests: 2 });
  if (first.resources.items?.status !== "incomplete")
    problems.push(`the first run should stop mid-way, it ended ${first.resources.items?.status}`);
  const saved = JSON.stringify(await store.getState("saved-state/items"));
  if (!saved.includes("page=3")) problems.push(`no position saved: ${saved}`);
  for (const [label, secret] of [
    ["api key", KEY],
    ["token param", TOKEN],
  ] as const) {
    for (const spelling of spellings(secret)) {
      if (written.some((text) => text.includes(spelling)) || saved.includes(spelling))
        problems.push(`the ${label} is in the saved state (as ${spelling})`);
    }
  }

  const second = await pipeline.run(config, { maxRequests: 100 });
  if (second.status !== "completed")
    problems.push(`the resumed run ended ${second.status}: ${JSON.stringify(second.resources.items?.error)}`);
  if ((await pipeline.count("items")) !== 3) problems.push(`stored ${await pipeline.count("items")} of 3 items`);
  const log = (await (await fetch(`${api}/__log`)).json()) as ScriptedRequest[];
  const resumed = log.find((request) => request.url.includes("page=3"));
  const query = new URLSearchParams(resumed?.url.split("?")[1] ?? "");
  if (query.get("api_key") !== KEY || query.get("token") !== TOKEN)
    problems.push(`the resumed request lacks its credentials: ${resumed?.url ?? "(not sent)"}`);
  return problems;
}
