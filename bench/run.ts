/**
 * `npm run bench`: restsync's benchmarks, each against a baseline measured in the
 * same run. Prints a table and writes bench/results.json. Figures, not tests:
 * nothing here fails `npm test`.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { loadEngine } from "./_engine-bundle";
import { benchIncremental, benchKv, benchLatency, benchOverhead, benchRateLimit } from "./engine";
import { benchFs } from "./fs";
import { benchMemory } from "./memory";

/** `detail`, when set, is printed on its own indented line (one per entry) under the row, outside the columns. */
type Row = {
  bench: string;
  figure: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: boolean | null;
  detail?: string | Array<string | undefined>;
};

const rows: Row[] = [];
const results: Record<string, unknown> = {};
const started = performance.now();

async function step<T extends { met?: boolean }>(
  name: string,
  run: () => Promise<T> | T,
  row: (r: T) => Omit<Row, "bench" | "met">,
): Promise<void> {
  process.stderr.write(`running ${name}…\n`);
  try {
    const result = await run();
    results[name] = result;
    rows.push({ bench: name, ...row(result), met: result.met ?? null });
  } catch (error) {
    results[name] = { error: String((error as Error)?.stack ?? error) };
    rows.push({
      bench: name,
      figure: `error: ${(error as Error)?.message ?? error}`,
      baseline: "",
      ratio: "",
      goal: "",
      met: false,
    });
  }
}

/** Benchmark 6's layout comparison in one line: records/s (records rewritten per record written) by layout and key pattern. */
function layoutsLine(
  layouts:
    | Record<
        string,
        { layout: string; capacity?: number; keys: string; recordsPerSec: number; writeAmplification: number }
      >
    | undefined,
): string | undefined {
  if (!layouts) return undefined;
  const rate = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : `${(n / 1000).toFixed(1)}k`);
  const groups = new Map<string, string[]>();
  for (const f of Object.values(layouts)) {
    const label = f.layout === "chunked" ? `chunked C=${f.capacity}` : f.layout;
    groups.set(label, [
      ...(groups.get(label) ?? []),
      `${f.keys === "uuid" ? "UUID" : "seq"} ${rate(f.recordsPerSec)} (${f.writeAmplification}×)`,
    ]);
  }
  return `layouts @500, records/s (rewrites/record): ${[...groups].map(([label, cells]) => `${label} ${cells.join(", ")}`).join("; ")}`;
}

/** Benchmark 6's write-order (multiEntry) prototype in one line: records/s (requests/page, bytes of older records rewritten per record) by variant and key pattern. */
function multiEntryLine(
  figures:
    | Record<
        string,
        {
          phase: string;
          spread?: string;
          variant: string;
          keys: string;
          records: number;
          recordsPerSec: number;
          requestsPerPage: number;
          rewrittenBytesPerRecord: number;
        }
      >
    | undefined,
): string | undefined {
  if (!figures) return undefined;
  const rate = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : `${(n / 1000).toFixed(1)}k`);
  const bytes = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} KB` : `${n} B`);
  const groups = new Map<string, string[]>();
  for (const f of Object.values(figures)) {
    const label =
      f.phase === "load"
        ? f.variant.replace("multientry-", "")
        : `${f.spread === "scattered" ? "scattered " : ""}update ${rate(f.records)}`;
    groups.set(label, [
      ...(groups.get(label) ?? []),
      `${f.keys === "uuid" ? "UUID" : "seq"} ${rate(f.recordsPerSec)} (${Math.round(f.requestsPerPage)}, ${bytes(f.rewrittenBytesPerRecord)})`,
    ]);
  }
  return `multiEntry @500, records/s (req/page, rewritten/record): ${[...groups].map(([label, cells]) => `${label} ${cells.join(", ")}`).join("; ")}`;
}

await step(
  "1 engine overhead",
  // The engine as it ships (bundled), not as tsx runs the sources (see bench/_engine-bundle.ts).
  async () => benchOverhead(5, await loadEngine()),
  (r) => ({
    figure: `restsync ${r.restsync.cpuMs} ms CPU, ${r.restsync.wallMs} ms wall (${r.restsync.requests} req)`,
    baseline: `fetch loop ${r.baseline.cpuMs} ms CPU, ${r.baseline.wallMs} ms wall`,
    ratio: `${r.cpuRatio}× CPU, ${r.wallRatio}× wall`,
    goal: r.goal,
  }),
);
{
  // Where bench 1's CPU goes: the same two runs on the recorded responses replayed from memory.
  const r = results["1 engine overhead"] as Partial<Awaited<ReturnType<typeof benchOverhead>>>;
  if (r.withTimeouts) {
    rows.push({
      bench: "1a same, loop with timeouts",
      figure: `restsync ${r.restsync!.cpuMs} ms CPU`,
      baseline: `fetch loop + AbortSignal.timeout ${r.withTimeouts.baseline.cpuMs} ms CPU`,
      ratio: `${r.withTimeouts.cpuRatio}× CPU`,
      goal: "(a loop that can time out)",
      met: null,
    });
  }
  if (r.replay) {
    rows.push({
      bench: "1b same, replayed",
      figure: `restsync ${r.replay.restsync.cpuMs} ms CPU, no network`,
      baseline: `loop ${r.replay.baseline.cpuMs} ms CPU`,
      ratio: `+${r.engineUsPerRequest} µs CPU/req`,
      goal: "(engine's own share)",
      met: null,
    });
  }
}
await step(
  "2 latency fan-out",
  () => benchLatency(50),
  (r) => ({
    figure: `${r.requests} req at 50 ms: ${r.concurrency6Ms} ms at concurrency 6`,
    baseline: `concurrency 1 ${r.concurrency1Ms} ms; ideal ${r.idealMs} ms`,
    ratio: `${r.speedup}× faster; ${r.vsIdeal}× ideal`,
    goal: r.goal,
  }),
);
await step(
  "3 rate limit",
  () => benchRateLimit(600, 100),
  (r) => ({
    figure: `${r.requests} req at ${r.achievedPerSecond}/s, ${r.http429} × 429`,
    baseline: `limit ${r.limitPerSecond}/s (6,000/min, scaled)`,
    ratio: `${r.ofLimit}× limit`,
    goal: r.goal,
  }),
);
await step(
  "4 incremental",
  () => benchIncremental(),
  (r) => ({
    figure: `no-change run: ${r.secondRun.records} written, ${r.secondRun.requests} req, ${r.secondRun.wallMs} ms`,
    baseline: `first run: ${r.firstRun.records} written, ${r.firstRun.wallMs} ms`,
    ratio: `${r.timeRatio}× time`,
    goal: r.goal,
  }),
);
await step(
  "5 memory",
  () => benchMemory(),
  (r) => ({
    figure: `1M records: ${r.at1M.peakRssMb} MB peak RSS (${r.at1M.seconds} s)`,
    baseline: `100k records: ${r.at100k.peakRssMb} MB`,
    ratio: `${r.ratio}×`,
    goal: r.goal,
  }),
);

try {
  const { benchIdb } = await import("./idb");
  await step(
    "6 IndexedDB (Chromium)",
    () => benchIdb(),
    (r: any) => ({
      figure: `${Math.round(r.adapterRecordsPerSec?.[500] ?? 0)} records/s through idbAdapter (pages of 500)`,
      baseline: `${Math.round(r.perRecordTxRecordsPerSec ?? 0)} records/s, one transaction per record`,
      ratio: `${Math.round((r.ratio ?? 0) * 10) / 10}×`,
      goal: "≥ 30,000 records/s and ≥ 10× per-record",
      detail: [layoutsLine(r.prototypes?.layouts), multiEntryLine(r.prototypes?.multiEntry)],
    }),
  );
} catch (error) {
  rows.push({
    bench: "6 IndexedDB (Chromium)",
    figure: `not run: ${(error as Error).message}`,
    baseline: "",
    ratio: "",
    goal: "",
    met: null,
  });
}
await step(
  "7 KV operations",
  () => benchKv(),
  (r) => ({
    figure: `10,000-record sync: ${r.fullSync.total} ops; 10 changes: ${r.incremental.total} ops`,
    baseline: "—",
    ratio: "—",
    goal: r.goal,
  }),
);
try {
  const { benchBundleSize } = await import("./bundle-size");
  await step(
    "8 bundle size",
    () => benchBundleSize(),
    (r: any) => {
      const entries = (r.entries ?? r) as Record<string, { gzip: number; budget?: number | null }>;
      const core = entries.core ?? Object.values(entries)[0];
      return {
        figure: Object.entries(entries)
          .map(([name, e]) => `${name} ${(e.gzip / 1024).toFixed(1)} KB`)
          .join("; "),
        baseline: "gzip, minified",
        ratio: core?.budget ? `${(core.gzip / core.budget).toFixed(2)}× core budget` : "—",
        goal: "core ≤ 12 KB gz",
      };
    },
  );
} catch (error) {
  rows.push({
    bench: "8 bundle size",
    figure: `not run: ${(error as Error).message}`,
    baseline: "",
    ratio: "",
    goal: "",
    met: null,
  });
}

await step(
  "9 fs store (Node)",
  () => benchFs(),
  (r) => ({
    figure: `seed sync ${r.fs.wallMs} ms: ${r.fs.io.commits} commits, ${(r.fs.io.bytes / 1e6).toFixed(1)} MB, ${r.fs.io.fsyncs} fsyncs`,
    baseline: `commit per batch ${r.perBatch.wallMs} ms (${r.perBatch.io.commits} commits, ${(r.perBatch.io.bytes / 1e6).toFixed(0)} MB); memory ${r.memory.wallMs} ms`,
    ratio: `${r.speedup}× faster; ${r.vsMemory}× memory`,
    goal: r.goal,
  }),
);

await step(
  "10 SQLite store (Node)",
  async () => (await import("./sqlite")).benchSqlite(),
  (r) => ({
    figure: `seed sync ${r.seed.sqlite.wallMs} ms (${r.seed.sqlite.cpuMs} ms CPU); bulk ${r.bulk.records.toLocaleString("en")} records ${r.bulk.recordsPerSec.toLocaleString("en")}/s`,
    baseline: `memory ${r.seed.memory.wallMs} ms (${r.seed.memory.cpuMs} ms CPU)`,
    ratio: `${r.wallRatio}× wall, ${r.cpuRatio}× CPU`,
    goal: r.goal,
    detail: `schema inference: ${r.inference.cpuMs} ms CPU for ${r.inference.records} records = ${r.inference.shareOfSyncCpu} % of the seed sync's CPU (${r.inference.shareOfReplayedCpu} % replayed without HTTP); bulk load ${r.bulk.seconds} s, ${r.bulk.fileMB} MB file (RESTSYNC_BENCH_BULK=1000000 for a million)`,
  }),
);

await step(
  "11 D1 calls (workerd)",
  async () => (await import("./d1")).benchD1(),
  (r) => ({
    figure: `seed sync (${r.dataset} dataset): ${r.first.d1Calls.toLocaleString("en")} D1 calls for ${r.first.pages.withRecords.toLocaleString("en")} pages of records = ${r.first.callsPerPage}/page; after a mutation ${r.incremental.d1Calls.toLocaleString("en")} calls, ${r.incremental.callsPerPage}/page`,
    baseline: `same syncs into KV: ${r.kv.first} ms, ${r.kv.incremental} ms`,
    ratio: `D1 ${r.wallRatio.first}× / ${r.wallRatio.incremental}× KV wall`,
    goal: r.goal,
    detail: [r.first, r.incremental].map(
      (run, i) =>
        `${i === 0 ? "first run" : "incremental"}: ${run.calls.batches} batches (${run.calls.batchedStatements} statements) for ${run.pages.written} pages that wrote records; ${run.calls.queries + run.calls.execs} reads outside a batch`,
    ),
  }),
);

const seconds = (performance.now() - started) / 1000;
const table = [
  ["benchmark", "figure", "baseline (same run)", "ratio", "goal", "met"],
  ...rows.map((r) => [r.bench, r.figure, r.baseline, r.ratio, r.goal, r.met === null ? "—" : r.met ? "yes" : "NO"]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
const details = (row: Row) => [row.detail ?? []].flat().filter((d): d is string => !!d);
const body = table
  .slice(1)
  .flatMap((row, i) => [line(row), ...details(rows[i]!).map((d) => `${" ".repeat(widths[0]! + 2)}↳ ${d}`)]);
console.log([line(table[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...body].join("\n"));
console.log(`\n${seconds.toFixed(0)} s on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
writeFileSync(
  new URL("./results.json", import.meta.url),
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, seconds, results }, null, 2)}\n`,
);
