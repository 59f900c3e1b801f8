/**
 * `npm run demo`: the seed configuration against the bundled mock API, twice.
 * The first run syncs everything; the mock's data then changes (updates,
 * inserts, a record tied with the previous maximum updated_at, a child
 * changed without its parent); the second run writes only those changes.
 * Both runs end with the store compared to the API's own data.
 */
import { createPipeline, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { withBaseUrl } from "../examples/seed/config";
import { startMockApi } from "../test/mock/index";
import { progressPrinter, reportTable, table } from "./_table";

const mock = await startMockApi();
console.log(`Mock API on ${mock.url} (api_key header required)\n`);

const source = restApiSource(withBaseUrl(mock.url));
const pipeline = createPipeline({ name: "analytics", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });

async function compareWithApi(): Promise<string> {
  const mismatches: string[] = [];
  let records = 0;
  for (const resource of source.resources) {
    const expected = mock.expected(resource.name as Parameters<typeof mock.expected>[0]);
    records += expected.length;
    const stored = new Map<string, unknown>();
    for await (const record of pipeline.records(resource.name)) stored.set(String(record.id), record);
    const differs = expected.filter(
      (record) => JSON.stringify(stored.get(String(record.id))) !== JSON.stringify(record),
    ).length;
    if (differs > 0 || stored.size !== expected.length)
      mismatches.push(`${resource.name}: ${stored.size} stored, ${expected.length} in the API, ${differs} differ`);
  }
  return mismatches.length === 0
    ? `store equals the API: ${records} records in ${source.resources.length} resources`
    : `STORE DIFFERS FROM THE API:\n  ${mismatches.join("\n  ")}`;
}

try {
  console.log("Run 1: full sync");
  const first = await pipeline.run(source, { onProgress: progressPrinter() });
  console.log(`\n${reportTable(first)}\n\n${await compareWithApi()}\n`);

  const change = mock.mutate();
  const changed = [
    ...change.updated.map((c) => ({ ...c, kind: "updated" })),
    ...change.inserted.map((c) => ({ ...c, kind: "inserted" })),
    ...(change.history ?? []).map((c) => ({ ...c, kind: "inserted" })),
  ];
  if (change.tied)
    changed.push({
      entity: change.tied.entity,
      id: change.tied.id,
      kind: `inserted, updated_at = previous max ${change.tied.updated_at}`,
    });
  console.log(
    `The API's data changes (${changed.length} records):\n${table(
      ["entity", "id", "change"],
      changed.map((c) => [c.entity, String(c.id), c.kind]),
    )}\n`,
  );

  console.log("Run 2: incremental");
  const second = await pipeline.run(source, { onProgress: progressPrinter() });
  console.log(`\n${reportTable(second)}\n\n${await compareWithApi()}`);
  console.log(
    `\nRun 2 wrote ${second.totals.records} records (run 1: ${first.totals.records}); ` +
      "a changed record is written once per resource that lists it (a story is in epics_stories, groups_stories and iterations_stories).",
  );
  process.exitCode = first.status === "completed" && second.status === "completed" ? 0 : 1;
} finally {
  await mock.close();
}
