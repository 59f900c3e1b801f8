/**
 * Runs in the Worker under test: given records (or a raw JSON body) per run, syncs them
 * into an emptied D1 database through a pipeline and answers what SQL sees — each view's
 * columns and rows — with every run's outcome and the record stored under id 1.
 */
import { type D1DatabaseLike, d1Adapter } from "restsync/adapters/d1";
import { recordsApi, thingsPipeline } from "../_helpers/records-api";
import { wipeD1 } from "./_d1";

export interface ThingsRun {
  records?: unknown[];
  body?: string;
}

export async function syncThingsIntoD1(db: D1DatabaseLike, runs: readonly ThingsRun[]) {
  await wipeD1(db);
  const outcomes = [];
  let stored: unknown;
  for (const run of runs) {
    const api = recordsApi(() => run.records ?? [], run.body === undefined ? undefined : () => run.body!);
    const { pipeline, config } = thingsPipeline(d1Adapter(db), api);
    const report = await pipeline.run(config);
    const things = report.resources.things;
    outcomes.push({
      status: things?.status,
      error: things?.error ? { code: things.error.code, message: things.error.message } : undefined,
      changes: things?.schemaChanges ?? [],
    });
    stored = (await pipeline.get("things", 1)) ?? null;
  }
  const views: Record<string, { columns: string[]; rows: unknown[] }> = {};
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'view' AND name NOT LIKE '\\_restsync\\_%' ESCAPE '\\'")
    .all<{ name: string }>();
  for (const { name } of results) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const columns = (await db.prepare(`PRAGMA table_info(${quoted})`).all<{ name: string }>()).results.map(
      (c) => c.name,
    );
    views[name] = { columns, rows: (await db.prepare(`SELECT * FROM ${quoted} ORDER BY _dlt_id`).all()).results };
  }
  return { runs: outcomes, views, stored };
}
