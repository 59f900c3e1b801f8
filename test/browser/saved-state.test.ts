/** Positions saved in state carry no credential (test/scenarios/saved-state.ts): IndexedDB in Chromium. */

import { idbAdapter } from "restsync/adapters/idb";
import { expect, it } from "vitest";
import { runSavedStateScenario } from "../scenarios/saved-state";
import { startScriptedPair } from "./_hub";

it("saved page positions hold no credential in IndexedDB, and resuming puts them back", async () => {
  const { api } = await startScriptedPair("port");
  const store = idbAdapter({ dbName: `saved-state-${Date.now()}` });
  try {
    expect(await runSavedStateScenario(store, api)).toEqual([]);
  } finally {
    await store.close?.();
  }
});
