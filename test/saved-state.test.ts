/** Positions saved in state carry no credential (test/scenarios/saved-state.ts): memory, fs and KV in Node. */
import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoreAdapter } from "restsync";
import { kvAdapter } from "restsync/adapters/cloudflare-kv";
import { fsAdapter } from "restsync/adapters/fs";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeKv } from "./_helpers/fake-kv";
import { type ScriptedServer, startScriptedServer } from "./_helpers/scripted-server";
import { runSavedStateScenario } from "./scenarios/saved-state";

describe("saved page positions hold no credential, and resuming puts them back", () => {
  let server: ScriptedServer;
  let dir: string;
  beforeAll(async () => {
    server = await startScriptedServer();
    dir = await nodeFs.mkdtemp(join(tmpdir(), "restsync-saved-"));
  });
  afterAll(async () => {
    await server?.close();
    await nodeFs.rm(dir, { recursive: true, force: true });
  });

  const stores: Array<[string, () => StoreAdapter]> = [
    ["memory", () => memoryAdapter()],
    ["fs", () => fsAdapter(join(dir, `store-${Date.now()}`))],
    ["cloudflare-kv", () => kvAdapter(new FakeKv())],
  ];
  it.each(stores)("%s", async (_name, create) => {
    const store = create();
    try {
      expect(await runSavedStateScenario(store, server.url)).toEqual([]);
    } finally {
      await store.close?.();
    }
  });
});
