import { createPipeline } from "restsync";
import { kvAdapter } from "restsync/adapters/cloudflare-kv";
import { describe, expect, it } from "vitest";
import { FakeKv } from "../_helpers/fake-kv";
import { useMockApis } from "../_helpers/mock-apis";
import type { MockApi } from "../mock/index";
import { changingItems, itemsConfig } from "./_two-runs";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// KV has no transactions, so two invocations are not kept apart: each buffers its writes and flushes a
// root built from its own view. The claim checked here: the later root wins whole, and is self-consistent.
describe("two overlapping invocations on one KV namespace", () => {
  it.each([
    ["the run that read the old record flushes last", "stale-last"],
    ["the run that read the new record flushes last", "fresh-last"],
  ] as const)("the later root wins whole and the next run ends equal to the API (%s)", async (_, order) => {
    const api = changingItems(mock);
    const kv = new FakeKv();
    const config = itemsConfig(mock.url);
    const invocation = () => createPipeline({ name: "shared", store: kvAdapter(kv) });

    const runA = invocation().run(config);
    if (order === "fresh-last") api.firstRunDone = runA;
    await api.firstArrived.promise; // A holds record 1 as it was
    api.change();
    const runB = invocation().run(config);
    if (order === "stale-last") expect((await runB).status).toBe("completed");
    else await Promise.race([api.secondStoredPage1.promise, sleep(1000)]);
    api.release.resolve();
    const [a, b] = await Promise.all([runA, runB]);
    expect(a.status).toBe("completed");
    expect(b.status).toBe("completed");

    // What a new invocation reads is one run's view, records and cursor together.
    const reader = invocation();
    const stale = order === "stale-last";
    expect(await reader.get("items", 1)).toMatchObject({ name: stale ? "v1" : "v2" });
    expect((await reader.state("items"))?.cursor?.last_value).toBe(
      stale ? "2024-01-01T00:00:01.000Z" : "2024-01-01T00:00:02.000Z",
    );

    expect((await reader.run(config)).status).toBe("completed");
    const after = invocation();
    expect(await after.get("items", 1)).toEqual(api.items[0]);
    expect(await after.get("items", 2)).toEqual(api.items[1]);
    expect(await after.count("items")).toBe(2);
  });
});
