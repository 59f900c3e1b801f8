import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createPipeline } from "restsync";
import { sqliteAdapter } from "restsync/adapters/sqlite";
import { expect, it } from "vitest";
import { referenceDigests } from "../_helpers/reference";
import { startMockApi } from "../mock/index";
import { runSeedScenario, SCENARIO_DATASET, SCENARIO_MUTATION } from "../scenarios/seed-scenario";

it("Node + SQLite: the seed scenario ends with the store equal to the API, and every resource is a view", async () => {
  const mock = await startMockApi({ datasetOptions: SCENARIO_DATASET });
  const dir = await nodeFs.mkdtemp(join(tmpdir(), "restsync-sqlite-seed-"));
  const file = join(dir, "scenario.sqlite");
  const store = sqliteAdapter(file);
  try {
    const pipeline = createPipeline({ name: "scenario", store, secrets: { api_key: mock.apiKey } });
    const result = await runSeedScenario(pipeline, {
      url: mock.url,
      apiKey: mock.apiKey,
      mutate: async () => void mock.mutate(SCENARIO_MUTATION),
    });
    expect(result.first.status).toBe("completed");
    expect(result.second.status).toBe("completed");
    expect(result.digests).toEqual(await referenceDigests(mock));
    console.log(`digests node/sqlite: ${JSON.stringify(result.digests)}`);
    // The first run reports the schema it inferred.
    expect(result.first.resources.epics!.schemaChanges).toContainEqual({
      kind: "column",
      table: "epics",
      column: "id",
      type: "bigint",
    });

    // Any SQLite client sees one view per resource, with one row per stored record.
    const db = new Database(file, { readonly: true });
    try {
      for (const [name, digest] of Object.entries(result.digests)) {
        const stored = Number(digest.split(":")[0]);
        expect((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n, name).toBe(stored);
      }
      const epics = db.prepare("SELECT id, name FROM epics ORDER BY id").all() as Array<{ id: number; name: string }>;
      expect(epics.length).toBeGreaterThan(0);
      for await (const epic of pipeline.records("epics"))
        expect(epics).toContainEqual({ id: epic.id, name: epic.name });
      // A nested list is a view of its own, joined to its parent by _dlt_parent_id = _dlt_id.
      let labels = 0;
      for await (const epic of pipeline.records("epics")) labels += (epic.label_ids as unknown[]).length;
      const joined = db
        .prepare("SELECT count(*) AS n FROM epics e JOIN epics__label_ids l ON l._dlt_parent_id = e._dlt_id")
        .get() as { n: number };
      expect(labels).toBeGreaterThan(0);
      expect(joined.n).toBe(labels);
      const views = db.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").all();
      console.log(`views: ${views.map((v) => (v as { name: string }).name).join(", ")}`);
    } finally {
      db.close();
    }
  } finally {
    await store.close?.();
    await mock.close();
    await nodeFs.rm(dir, { recursive: true, force: true });
  }
});
