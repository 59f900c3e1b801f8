/** Positions saved in state carry no credential (test/scenarios/saved-state.ts): Workers KV inside workerd. */

import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ScriptedServer, startScriptedServer } from "../_helpers/scripted-server";
import { bundleWorker, startWorker } from "./_miniflare";

let server: ScriptedServer;
let mf: Miniflare;
beforeAll(async () => {
  server = await startScriptedServer();
  mf = startWorker(await bundleWorker("test/workers/worker-entry.ts"), { API_BASE_URL: server.url, API_KEY: "unused" });
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await server?.close();
});

it("saved page positions hold no credential in KV, and resuming puts them back", async () => {
  const response = await mf.dispatchFetch("http://worker/saved-state", {
    method: "POST",
    body: JSON.stringify({ api: server.url }),
  });
  expect(await response.json()).toEqual([]);
});
