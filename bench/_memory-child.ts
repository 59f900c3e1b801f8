/** One memory measurement in a fresh process: sync `total` records through a write-through counting store, report peak RSS. */
import { createPipeline, type JsonRecord, type StoreAdapter } from "restsync";
import { startMockProcess } from "./_mock-process";

const total = Number(process.argv[2] ?? 100_000);
const mock = await startMockProcess({ datasetOptions: { size: "small" }, itemsRoute: { total, recordBytes: 200 } });
let written = 0;
const state = new Map<string, string>();
// Counts and drops records, as a store that writes them through to disk would keep none in memory.
const counting: StoreAdapter = {
  name: "counting",
  atomic: true,
  write(batch) {
    written += batch.puts?.length ?? 0;
    for (const { key, value } of batch.state ?? [])
      value === undefined ? state.delete(key) : state.set(key, JSON.stringify(value));
  },
  get: () => undefined,
  count: () => written,
  scan: () => ({ entries: [] as Array<{ key: string; record: JsonRecord }>, next: undefined }),
  getState: (key) => (state.has(key) ? JSON.parse(state.get(key)!) : undefined),
};
const started = performance.now();
const report = await createPipeline({ name: "memory", store: counting }).run({
  client: { base_url: mock.url },
  resources: [
    {
      name: "items",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        path: "/items",
        data_selector: "data",
        paginator: { type: "offset", limit: 1000 },
        incremental: { cursor_path: "updated_at" },
      },
    },
  ],
});
await mock.close();
process.stdout.write(
  JSON.stringify({
    total,
    written,
    status: report.status,
    requests: report.totals.requests,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
