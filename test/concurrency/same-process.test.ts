import { createPipeline } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "../_helpers/mock-apis";
import type { MockApi } from "../mock/index";
import { changingItems, itemsConfig } from "./_two-runs";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("two pipeline objects with one name on one store, in one process", () => {
  it("never run at once: a record changed during the first run ends in the store, whatever the interleaving", async () => {
    const api = changingItems(mock);
    const store = memoryAdapter();
    const config = itemsConfig(mock.url);
    const first = createPipeline({ name: "shared", store });
    const second = createPipeline({ name: "shared", store });

    const runA = first.run(config);
    api.firstRunDone = runA;
    await api.firstArrived.promise; // the first run's page 1 holds record 1 as it was
    api.change();
    const runB = second.run(config);
    // Let the first run go on once the second stored the new record 1 (what happens when they
    // interleave), or after a while when the second is (rightly) waiting for the first.
    await Promise.race([api.secondStoredPage1.promise, sleep(300)]);
    api.release.resolve();
    const [a, b] = await Promise.all([runA, runB]);
    expect(a.status).toBe("completed");
    expect(b.status).toBe("completed");

    // The next run must bring the store to the API's data: no stale record behind the cursor.
    expect((await first.run(config)).status).toBe("completed");
    expect(await first.get("items", 1)).toEqual(api.items[0]);
    expect(await first.get("items", 2)).toEqual(api.items[1]);
    // Because the second run started only once the first had ended.
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt) + a.durationMs);
  });

  it("skip: a second pipeline object's run is skipped while the first one's goes on", async () => {
    const api = changingItems(mock);
    const store = memoryAdapter();
    const config = itemsConfig(mock.url);
    const runA = createPipeline({ name: "shared", store }).run(config);
    await api.firstArrived.promise;
    const skipped = await createPipeline({ name: "shared", store }).run(config, { ifRunning: "skip" });
    api.release.resolve();
    expect(skipped.status).toBe("skipped");
    expect((await runA).status).toBe("completed");
    // Another name on the same store is another pipeline: it runs at once.
    const other = await createPipeline({ name: "other", store }).run(config, { ifRunning: "skip" });
    expect(other.status).toBe("completed");
  });
});
