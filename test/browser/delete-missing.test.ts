/** delete_missing survives a killed run (test/scenarios/delete-missing.ts): IndexedDB in Chromium. */

import type { StoreAdapter } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { expect, it } from "vitest";
import { runDeleteMissingScenario } from "../scenarios/delete-missing";
import { startScriptedPair } from "./_hub";

it("removes only what a complete listing no longer returns, also after a killed run, in IndexedDB", async () => {
  const { api } = await startScriptedPair("port");
  const run = Date.now();
  const opened: StoreAdapter[] = [];
  const open = (label: string) => {
    const store = idbAdapter({ dbName: `${label}-${run}` });
    opened.push(store);
    return store;
  };
  try {
    expect(await runDeleteMissingScenario(open, api)).toEqual([]);
  } finally {
    for (const store of opened) await store.close?.();
  }
}, 60_000);
