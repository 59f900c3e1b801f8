/**
 * Scenarios that drive a Worker against a scripted server, Workers KV inside workerd:
 * saved positions carry no credential (test/scenarios/saved-state.ts), and
 * delete_missing survives a killed run (test/scenarios/delete-missing.ts).
 */

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

/** The failures the Worker's scenario at `path` found (none when it held). */
async function scenario(path: string): Promise<unknown> {
  const response = await mf.dispatchFetch(`http://worker${path}`, {
    method: "POST",
    body: JSON.stringify({ api: server.url }),
  });
  return response.json();
}

it("saved page positions hold no credential in KV, and resuming puts them back", async () => {
  expect(await scenario("/saved-state")).toEqual([]);
});

it("removes only what a complete listing no longer returns, also after a killed run, in KV", async () => {
  expect(await scenario("/delete-missing")).toEqual([]);
}, 120_000);
