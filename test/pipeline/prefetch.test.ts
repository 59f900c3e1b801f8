/**
 * A store that reads several state entries in one call (`getStates`, as D1 offers) is
 * asked once for every resource's state when a run starts, instead of once per entry,
 * and the run still ends equal to the API (its own writes are read back).
 */
import { createPipeline, type StoreAdapter } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { inferSchemas } from "restsync/schema";
import { afterAll, beforeAll, expect, it } from "vitest";
import { withBaseUrl } from "../../examples/seed/config";
import { storeDigests } from "../_helpers/digest";
import { referenceDigests } from "../_helpers/reference";
import { type MockApi, startMockApi } from "../mock/index";
import { SCENARIO_DATASET, SCENARIO_MUTATION, seedResourceNames } from "../scenarios/seed-scenario";

let mock: MockApi;
beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: SCENARIO_DATASET });
});
afterAll(() => mock?.close());

/** A memory store that offers getStates and counts reads of state entries, one by one and together. */
function countingStore() {
  const inner = memoryAdapter();
  const reads = { single: [] as string[], together: 0 };
  const store: StoreAdapter = {
    name: "counting",
    atomic: true,
    sharedWith: "nobody",
    write: (batch) => inner.write(batch),
    get: (table, key) => inner.get(table, key),
    getMany: (table, keys) => inner.getMany!(table, keys),
    count: (table) => inner.count(table),
    scan: (table, options) => inner.scan(table, options),
    getState: (key) => (reads.single.push(key), inner.getState(key)),
    getStates: (keys) => (reads.together++, Promise.all(keys.map((key) => inner.getState(key)))),
  };
  return { store, reads };
}

it("reads every resource's state, schema and fan-out in one call per run, and ends equal to the API", async () => {
  const { store, reads } = countingStore();
  const pipeline = createPipeline({ name: "seed", store, schema: inferSchemas, secrets: { api_key: mock.apiKey } });
  const perResource = /\/\/(state|schema|fanout)\/|\/\/(cycle|http)$/;
  const run = async () => {
    reads.single.length = 0;
    reads.together = 0;
    const report = await pipeline.run(withBaseUrl(mock.url));
    expect(report.status).toBe("completed");
    expect(reads.together).toBe(1);
    expect(reads.single.filter((key) => perResource.test(key))).toEqual([]);
    return report;
  };
  const first = await run();
  mock.mutate(SCENARIO_MUTATION);
  const second = await run();
  // The second run started from the cursors and schemas the first stored: incremental, not a full refetch.
  expect(second.totals.records).toBeLessThan(first.totals.records / 5);
  // …and from the schemas: only fields the mutation brought are new columns, never one the first run saw.
  const changed = Object.values(second.resources).flatMap((r) => r.schemaChanges ?? []);
  expect(changed.filter((c) => c.column === "id" || c.column === "name")).toEqual([]);
  expect(changed.length).toBeLessThan(10);
  expect(await storeDigests(pipeline, seedResourceNames())).toEqual(await referenceDigests(mock));
});
