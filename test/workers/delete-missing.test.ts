/** delete_missing survives a killed run (test/scenarios/delete-missing.ts): Workers KV inside workerd. */

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

it("removes only what a complete listing no longer returns, also after a killed run, in KV", async () => {
  const response = await mf.dispatchFetch("http://worker/delete-missing", {
    method: "POST",
    body: JSON.stringify({ api: server.url }),
  });
  expect(await response.json()).toEqual([]);
}, 120_000);
