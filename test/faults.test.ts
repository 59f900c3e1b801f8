/**
 * Fault injection: for each of a fixed set of seeds, a random schedule of
 * faults (429 with and without Retry-After, 500/502/503, resets, hangs past the
 * timeout, truncated bodies, HTML and invalid JSON with 200, wrong data shape),
 * an abort at a random page, the API changed before the re-run, optional budgets
 * and data changing between runs (test/scenarios/fault-scenario.ts, which
 * Chromium and workerd run too). Here also: after every run, no cursor may stand
 * past unstored data.
 *
 * RESTSYNC_FAULT_SCHEDULES=500 npm test -- test/faults  runs a longer soak.
 */

import { createPipeline, type Pipeline, restApiSource, type StoreAdapter, type StoreBatch } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withBaseUrl } from "../examples/seed/config";
import { makeSchedule } from "./_helpers/fault-schedule";
import { referenceDigests } from "./_helpers/reference";
import { diffStoreAgainstApi } from "./_helpers/store-vs-api";
import {
  type ChildResource,
  type MockApi,
  parentIds,
  SEED_RESOURCE_NAMES,
  type SeedResourceName,
  startMockApi,
} from "./mock/index";
import { childRecords } from "./mock/seed-resources";
import { FAULT_DATASET, runFaultSchedule } from "./scenarios/fault-scenario";

const SCHEDULES = Number(process.env.RESTSYNC_FAULT_SCHEDULES ?? 50);
const DATASET = FAULT_DATASET;

/**
 * Every API record below a committed cursor must be in the store: a cursor never passes unstored data.
 * (A record exactly at the cursor may have arrived after the commit, tied with it: the next run takes it.)
 * A child's per-parent cursor covers that parent's records; its shared cursor, the parents without one.
 */
async function cursorsCoverStore(pipeline: Pipeline, mock: MockApi): Promise<string[]> {
  const problems: string[] = [];
  const check = async (
    name: SeedResourceName,
    records: Array<Record<string, unknown>>,
    cursor: string,
    under: string,
  ) => {
    for (const record of records) {
      if (typeof record.updated_at !== "string" || record.updated_at >= cursor) continue;
      if (!(await pipeline.get(name, record.id)))
        problems.push(
          `${name}${under}: ${String(record.id)} (updated_at ${record.updated_at}) is below the cursor ${cursor} but not stored`,
        );
    }
  };
  for (const name of SEED_RESOURCE_NAMES) {
    const state = await pipeline.state(name);
    if (!state) continue;
    const parents = parentIds(mock.dataset, name);
    if (parents.length === 0) {
      if (state.cursor) await check(name, mock.expected(name), String(state.cursor.last_value), "");
      continue;
    }
    for (const parent of parents) {
      const cursor = state.parent_cursors?.[JSON.stringify([parent])] ?? state.cursor;
      if (cursor)
        await check(
          name,
          (childRecords(mock.dataset, name as ChildResource, parent) ?? []) as Array<Record<string, unknown>>,
          String(cursor.last_value),
          ` under ${String(parent)}`,
        );
    }
  }
  return problems;
}

describe(`fault injection: ${SCHEDULES} schedules`, () => {
  let mock: MockApi | undefined;
  afterAll(() => mock?.close());

  it.each(Array.from({ length: SCHEDULES }, (_, i) => i + 1))(
    "schedule %i ends with the store equal to the API",
    async (seed) => {
      const schedule = makeSchedule(seed);
      await mock?.close();
      // The API's Date follows its data's clock, as a real API's does.
      const api = (mock = await startMockApi({ datasetOptions: { ...DATASET, seed }, clockDate: true }));
      for (const fault of schedule.faults) api.faults.add(fault);
      const pipeline = createPipeline({
        name: `faults-${seed}`,
        store: memoryAdapter(),
        secrets: { api_key: api.apiKey },
      });
      const control = {
        url: api.url,
        apiKey: api.apiKey,
        mutate: async (mutationSeed: number) => void api.mutate({ updates: 3, inserts: 2, seed: mutationSeed }),
        clearFaults: async () => api.faults.clear(),
        reference: () => referenceDigests(api),
      };
      const problems = await runFaultSchedule(
        schedule,
        control,
        () => pipeline,
        () => cursorsCoverStore(pipeline, api),
      );
      expect(problems).toEqual([]);
      expect(await diffStoreAgainstApi(pipeline, api)).toEqual([]);
    },
  );
});

/** A memory store that keeps every batch, to rebuild the store as it stood after any write. */
function recordingStore(): { store: StoreAdapter; batches: StoreBatch[] } {
  const inner = memoryAdapter();
  const batches: StoreBatch[] = [];
  return {
    batches,
    store: {
      ...inner,
      write(batch) {
        batches.push(structuredClone(batch));
        return inner.write(batch);
      },
    },
  };
}

describe("Airbyte's incremental acceptance invariants", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { ...DATASET, seed: 3 } });
  });
  afterAll(() => mock.close());
  const resources = ["epics", "epics_comments", "labels", "search_epics", "story_history"];

  it("two sequential reads: the second returns only records at or after the first's cursor", async () => {
    const { store, batches } = recordingStore();
    const pipeline = createPipeline({ name: "two-reads", store, secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    await pipeline.run(source, { resources });
    const cursors = new Map<string, string>();
    for (const name of ["epics", "labels", "search_epics"])
      cursors.set(name, String((await pipeline.state(name))!.cursor!.last_value));
    const firstBatches = batches.length;
    expect((await pipeline.run(source, { resources })).totals.records).toBe(0);

    mock.mutate({ updates: 6, inserts: 4, tie: true, seed: 1 });
    await pipeline.run(source, { resources });
    for (const batch of batches.slice(firstBatches)) {
      for (const put of batch.puts ?? []) {
        const resource = decodeURIComponent(put.table.split("/")[1]!);
        const cursor = cursors.get(resource);
        if (cursor) expect(String(put.record.updated_at) >= cursor, `${resource} ${put.key}`).toBe(true);
      }
    }
  });

  // Budgeted runs resume from the progress saved with each page (every page here: progressIntervalMs 0),
  // so every prefix of the writes is a state a killed run could leave and the next one resume from.
  for (const rerun of [
    { label: "a budgeted run resuming the saved progress", options: { maxRequests: 1_000_000 } },
    { label: "a run without a budget", options: {} },
  ]) {
    it(`restarting from every intermediate state of a run ends equal to the API (${rerun.label})`, async () => {
      const { store, batches } = recordingStore();
      const source = restApiSource(withBaseUrl(mock.url));
      await createPipeline({ name: "states", store, secrets: { api_key: mock.apiKey }, progressIntervalMs: 0 }).run(
        source,
        { resources, maxRequests: 1_000_000 },
      );
      expect(
        batches.filter((batch) => batch.state?.some((entry) => (entry.value as { progress?: unknown })?.progress))
          .length,
      ).toBeGreaterThan(10);
      for (let k = 0; k <= batches.length; k++) {
        const replay = memoryAdapter();
        for (const batch of batches.slice(0, k)) await replay.write(batch);
        const pipeline = createPipeline({
          name: "states",
          store: replay,
          secrets: { api_key: mock.apiKey },
          progressIntervalMs: 0,
        });
        for (let i = 0; i < 3 && !(await pipeline.run(source, { resources, ...rerun.options })).cycle?.complete; i++);
        expect(
          await diffStoreAgainstApi(pipeline, mock, resources as SeedResourceName[]),
          `restarted after write ${k}`,
        ).toEqual([]);
      }
    });
  }

  it("a state in the future yields zero records", async () => {
    const store = memoryAdapter();
    const pipeline = createPipeline({ name: "future", store, secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    const future = { last_value: "2999-01-01T00:00:00Z", boundary_keys: [] };
    await store.write({
      state: ["epics", "labels", "search_epics"].map((name) => ({
        key: `future/${name}`,
        value: { generation: 0, cursor: future },
      })),
    });
    const report = await pipeline.run(source, { resources: ["epics", "labels", "search_epics"] });
    for (const name of ["epics", "labels", "search_epics"]) expect(report.resources[name]!.records, name).toBe(0);
  });
});
