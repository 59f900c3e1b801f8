import { createPipeline, isConfigError } from "restsync";
import { describe, expect, it } from "vitest";
import { useMockApis } from "../_helpers/mock-apis";
import { SharedBacking, sharedStore } from "../_helpers/shared-store";
import type { MockApi } from "../mock/index";
import { changingItems, itemsConfig } from "./_two-runs";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LEASE = "shared//lease";

// Two adapter objects over one backing storage stand for two processes writing one external store.
describe("two processes on one shared store with conditional writes (a lease in the store)", () => {
  it("never run at once: a record changed during the first run ends in the store, whatever the interleaving", async () => {
    const api = changingItems(mock);
    const backing = new SharedBacking();
    const config = itemsConfig(mock.url);
    const first = createPipeline({ name: "shared", store: sharedStore(backing) });
    const second = createPipeline({ name: "shared", store: sharedStore(backing) });

    const runA = first.run(config);
    api.firstRunDone = runA;
    await api.firstArrived.promise;
    api.change();
    const runB = second.run(config);
    await Promise.race([api.secondStoredPage1.promise, sleep(300)]);
    api.release.resolve();
    const [a, b] = await Promise.all([runA, runB]);
    expect(a.status).toBe("completed");
    expect(b.status).toBe("completed");

    expect((await first.run(config)).status).toBe("completed");
    expect(await first.get("items", 1)).toEqual(api.items[0]);
    expect(await first.get("items", 2)).toEqual(api.items[1]);
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt) + a.durationMs);
    // Released at the end of every run.
    expect(backing.readState(LEASE)).toBeUndefined();
  });

  it("skip: the second is skipped while the first holds the lease; wait: it polls until the lease is released", async () => {
    const api = changingItems(mock);
    const backing = new SharedBacking();
    const config = itemsConfig(mock.url);
    const runA = createPipeline({ name: "shared", store: sharedStore(backing) }).run(config);
    await api.firstArrived.promise;
    expect(backing.readState(LEASE)).toMatchObject({ owner: expect.any(String), expires_at: expect.any(Number) });
    const second = createPipeline({ name: "shared", store: sharedStore(backing) });
    expect((await second.run(config, { ifRunning: "skip" })).status).toBe("skipped");
    const waiting = second.run(config);
    await sleep(150);
    api.release.resolve();
    const [a, b] = await Promise.all([runA, waiting]);
    expect(a.status).toBe("completed");
    expect(b.status).toBe("completed");
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt) + a.durationMs);
  });

  it("a run waiting for the lease stops when its signal aborts: skipped, stopped by the abort, nothing sent", async () => {
    const api = changingItems(mock);
    const backing = new SharedBacking();
    const config = itemsConfig(mock.url);
    const runA = createPipeline({ name: "shared", store: sharedStore(backing) }).run(config);
    await api.firstArrived.promise;
    const controller = new AbortController();
    const waiting = createPipeline({ name: "shared", store: sharedStore(backing) }).run(config, {
      signal: controller.signal,
    });
    await sleep(50);
    controller.abort();
    const report = await waiting;
    expect(report).toMatchObject({ status: "skipped", stopped: "aborted" });
    expect(api.pageOneRequests).toBe(1);
    api.release.resolve();
    expect((await runA).status).toBe("completed");
  });

  it("a run whose lease was taken over after it expired stores nothing more: store_conflict, the other run's data kept", async () => {
    const api = changingItems(mock);
    api.firstRunDone = Promise.resolve();
    const backing = new SharedBacking();
    const config = itemsConfig(mock.url);
    const stalledStore = sharedStore(backing);
    const stalled = createPipeline({ name: "shared", store: stalledStore, leaseMs: 300 });
    const runA = stalled.run(config);
    await api.firstArrived.promise; // A holds record 1 as it was
    // A's process stalls: its store calls (lease renewals included) hang, and its lease runs out.
    stalledStore.partition();
    api.change();
    const other = createPipeline({ name: "shared", store: sharedStore(backing) });
    const b = await other.run(config); // waits for the lease to expire, then takes it over
    expect(b.status).toBe("completed");
    expect(await other.get("items", 1)).toEqual(api.items[0]);

    // A wakes up and goes on with its (stale) page.
    stalledStore.heal();
    api.release.resolve();
    const a = await runA;
    expect(a.resources.items).toMatchObject({
      status: "failed",
      records: 0,
      error: { name: "StorageError", code: "store_conflict" },
    });
    expect(a.resources.items!.error!.message).toMatch(/another run took over this run's lease/);
    expect(await other.get("items", 1)).toEqual(api.items[0]);
    expect(backing.readState(LEASE)).toBeUndefined();

    const next = await other.run(config);
    expect(next.status).toBe("completed");
    expect(await other.get("items", 1)).toEqual(api.items[0]);
    expect(await other.get("items", 2)).toEqual(api.items[1]);
    expect(await other.count("items")).toBe(2);
  });

  it("a long run renews its lease many times without ever refusing its own writes", async () => {
    const items = Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      updated_at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
    }));
    mock.route("GET", "/items", async (req) => {
      const at = Number(req.query.cursor ?? 0);
      return { body: { data: items.slice(at, at + 3), next: at + 3 < items.length ? String(at + 3) : null } };
    });
    const backing = new SharedBacking();
    // Renewed every 10 ms while each store call takes 2: renewals keep landing between page writes.
    const pipeline = createPipeline({ name: "shared", store: sharedStore(backing, { latencyMs: 2 }), leaseMs: 30 });
    const report = await pipeline.run(itemsConfig(mock.url));
    expect(report.resources.items).toMatchObject({ status: "completed", records: 120, pages: 40 });
    expect(await pipeline.count("items")).toBe(120);
    // Taken, renewed among the page writes, released.
    expect(backing.ops.stateSets.get(LEASE)).toBeGreaterThanOrEqual(4);
  });

  it("stops renewing and releases the lease on every way out of a run: completed, or a ConfigError after the lease was taken", async () => {
    const api = changingItems(mock);
    api.release.resolve();
    const backing = new SharedBacking();
    const pipeline = createPipeline({ name: "shared", store: sharedStore(backing), leaseMs: 60 });
    expect((await pipeline.run(itemsConfig(mock.url))).status).toBe("completed");
    const error = await pipeline.run(itemsConfig(mock.url), { resources: ["nope"] }).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect(backing.readState(LEASE)).toBeUndefined();
    const writes = backing.ops.writes;
    await sleep(200); // ten renewal periods
    expect(backing.ops.writes).toBe(writes);
  });
});
