import { createPipeline } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { describe, expect, it } from "vitest";
import { describeStoreContract } from "../contract/store-contract";
import { runSeedScenario, SCENARIO_DATASET } from "../scenarios/seed-scenario";
import { startRemoteMock } from "./_hub";

let databases = 0;
const names = new WeakMap<object, string>();
describeStoreContract("idb (Chromium)", {
  create() {
    const dbName = `contract-${Date.now()}-${databases++}`;
    const store = idbAdapter({ dbName });
    names.set(store, dbName);
    return store;
  },
  reopen: (previous) => idbAdapter({ dbName: names.get(previous)! }),
});

describe("idb adapter in Chromium", () => {
  it("upgrades a database that exists without its stores", async () => {
    const dbName = `older-${Date.now()}`;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(dbName, 1);
      request.onsuccess = () => (request.result.close(), resolve());
      request.onerror = () => reject(request.error);
    });
    const store = idbAdapter({ dbName });
    await store.write({ puts: [{ table: "t", key: "1", record: { id: 1 } }], state: [{ key: "s", value: 1 }] });
    expect(await store.get("t", "1")).toEqual({ id: 1 });
    await store.close?.();
  });

  it("runs the seed scenario into IndexedDB with the same digests as the API (and as Node and workerd)", async () => {
    const mock = await startRemoteMock(SCENARIO_DATASET);
    const pipeline = createPipeline({
      name: "scenario",
      store: idbAdapter({ dbName: `seed-${Date.now()}` }),
      secrets: { api_key: mock.apiKey },
    });
    const result = await runSeedScenario(pipeline, mock);
    expect(result.first.status).toBe("completed");
    expect(result.second.status).toBe("completed");
    expect(result.digests).toEqual(await mock.reference());
    console.log(`digests chromium/idb: ${JSON.stringify(result.digests)}`);
  });

  it("lets one run of a pipeline go at a time across tabs (Web Locks): a second one waits or is skipped", async () => {
    const mock = await startRemoteMock({ latencyMs: 30 });
    const dbName = `locks-${Date.now()}`;
    const config = (await import("../../examples/seed/config")).withBaseUrl(mock.url);
    // Two pipeline objects stand for two tabs: they share only the lock name.
    const tabA = createPipeline({ name: "shared", store: idbAdapter({ dbName }), secrets: { api_key: mock.apiKey } });
    const tabB = createPipeline({ name: "shared", store: idbAdapter({ dbName }), secrets: { api_key: mock.apiKey } });
    let started!: () => void;
    const onStarted = new Promise<void>((resolve) => (started = resolve));
    // Once a resource has started, tab A holds the lock (a fixed pause could end before it took it).
    const running = tabA.run(config, {
      resources: ["epics", "epics_comments"],
      onProgress: (event) => event.type === "resource_started" && started(),
    });
    await onStarted;
    const skipped = await tabB.run(config, { resources: ["epics"], ifRunning: "skip" });
    expect(skipped.status).toBe("skipped");
    // The Web Lock covers every context that can open this database: no lease is written.
    expect(await idbAdapter({ dbName }).getState("shared//lease")).toBeUndefined();
    const waited = tabB.run(config, { resources: ["epics"] });
    const [a, b] = await Promise.all([running, waited]);
    expect(a.status).toBe("completed");
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt) + a.durationMs);
    expect(b.resources.epics!.records).toBe(0);
  });

  it("without Web Locks, two idbAdapter objects on one database still let one run go at a time (the lease in IndexedDB)", async () => {
    // Where Web Locks are missing (or another context cannot see them), the lease in the database is what excludes.
    Object.defineProperty(navigator, "locks", { configurable: true, get: () => undefined });
    try {
      expect(navigator.locks).toBeUndefined();
      const mock = await startRemoteMock({ latencyMs: 30 });
      const dbName = `lease-${Date.now()}`;
      const config = (await import("../../examples/seed/config")).withBaseUrl(mock.url);
      const tabA = createPipeline({ name: "shared", store: idbAdapter({ dbName }), secrets: { api_key: mock.apiKey } });
      const tabB = createPipeline({ name: "shared", store: idbAdapter({ dbName }), secrets: { api_key: mock.apiKey } });
      let started!: () => void;
      const onStarted = new Promise<void>((resolve) => (started = resolve));
      const running = tabA.run(config, {
        resources: ["epics", "epics_comments"],
        onProgress: (event) => event.type === "resource_started" && started(),
      });
      await onStarted;
      expect(await idbAdapter({ dbName }).getState("shared//lease")).toMatchObject({ owner: expect.any(String) });
      const skipped = await tabB.run(config, { resources: ["epics"], ifRunning: "skip" });
      expect(skipped.status).toBe("skipped");
      const waited = tabB.run(config, { resources: ["epics"] });
      const [a, b] = await Promise.all([running, waited]);
      expect(a.status).toBe("completed");
      expect(b.status).toBe("completed");
      expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt) + a.durationMs);
      expect(b.resources.epics!.records).toBe(0);
      expect(await idbAdapter({ dbName }).getState("shared//lease")).toBeUndefined();
    } finally {
      delete (navigator as { locks?: unknown }).locks;
    }
    expect(navigator.locks).toBeDefined();
  });
});
