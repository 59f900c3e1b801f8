/**
 * 10. The SQLite store and the schema inference behind its views:
 * - 10a the seed sync (default dataset, 0 ms latency, mock in a child process) into
 *   `sqliteAdapter` (a fresh file) against the same sync into memory, alternated;
 * - 10b schema inference's CPU on the seed sync: every page of records the sync wrote,
 *   inferred again on its own, against the sync's CPU (live, and replayed from memory);
 * - 10c bulk load: `records` records written into SQLite in pages of 1,000 with their
 *   schema, as a sync writes them (inference and the final flush timed, making the
 *   records not). 100,000 by default;
 *   RESTSYNC_BENCH_BULK=1000000 for the million.
 */
import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPipeline, type JsonRecord, type RecordPut, restApiSource, type StoreAdapter } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { sqliteAdapter } from "restsync/adapters/sqlite";
import { withBaseUrl } from "../examples/seed/config";
import { SchemaInference } from "../src/schema/_infer";
import { measure, median, round } from "./_measure";
import { startMockProcess } from "./_mock-process";
import { replayer } from "./engine";

/** A memory store that keeps every page of records written, by resource. */
function recordingStore(pages: Map<string, JsonRecord[][]>): StoreAdapter {
  const inner = memoryAdapter({ cloneOnRead: false });
  return {
    ...inner,
    write(batch) {
      const byResource = new Map<string, JsonRecord[]>();
      for (const put of batch.puts ?? []) {
        const resource = decodeURIComponent(put.table.split("/")[1]!);
        byResource.set(resource, [...(byResource.get(resource) ?? []), put.record]);
      }
      for (const [resource, records] of byResource) pages.set(resource, [...(pages.get(resource) ?? []), records]);
      return inner.write(batch);
    },
  };
}

export async function benchSqlite(repetitions = 3) {
  const mock = await startMockProcess({ latencyMs: 0 });
  const dir = await nodeFs.mkdtemp(join(tmpdir(), "restsync-bench-sqlite-"));
  try {
    const source = restApiSource(withBaseUrl(mock.url));
    const recording = replayer();
    const pages = new Map<string, JsonRecord[][]>();
    // Warm-up, recording the responses and the pages the sync writes.
    await createPipeline({
      name: "warm",
      store: recordingStore(pages),
      secrets: { api_key: mock.apiKey },
      fetch: recording.record,
    }).run(source);
    const sync = (store: StoreAdapter, name: string, fetch?: typeof globalThis.fetch) =>
      measure(() =>
        createPipeline({ name, store, secrets: { api_key: mock.apiKey }, ...(fetch ? { fetch } : {}) }).run(source),
      );

    const memory: Array<{ cpuMs: number; wallMs: number }> = [];
    const sqlite: Array<{ cpuMs: number; wallMs: number }> = [];
    const replayed: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      memory.push(await sync(memoryAdapter(), `m${i}`));
      const store = sqliteAdapter(join(dir, `seed-${i}.sqlite`));
      const run = await sync(store, `s${i}`);
      if (run.result.status !== "completed") throw new Error(`sqlite seed sync ${run.result.status}`);
      await store.close?.();
      sqlite.push(run);
      replayed.push((await sync(memoryAdapter(), `r${i}`, recording.replay)).cpuMs);
    }
    const med = (runs: Array<{ cpuMs: number; wallMs: number }>) => ({
      cpuMs: round(median(runs.map((r) => r.cpuMs)), 0),
      wallMs: round(median(runs.map((r) => r.wallMs)), 0),
    });

    // 10b: the inference alone, over the same pages, as many times as it ran in the syncs.
    const records = [...pages.values()].reduce((n, list) => n + list.reduce((m, page) => m + page.length, 0), 0);
    const inferenceMs: number[] = [];
    for (let i = 0; i < repetitions + 1; i++) {
      const start = process.cpuUsage();
      for (const [resource, list] of pages) {
        const inference = new SchemaInference(resource, undefined, "2026-01-01T00:00:00.000Z");
        for (const page of list) if (inference.observe(page)) inference.snapshot();
      }
      const used = process.cpuUsage(start);
      if (i > 0) inferenceMs.push((used.user + used.system) / 1000);
    }
    const inference = round(median(inferenceMs), 1);
    const seed = { memory: med(memory), sqlite: med(sqlite), replayedCpuMs: round(median(replayed), 0) };
    const bulk = await bulkLoad(dir, Number(process.env.RESTSYNC_BENCH_BULK ?? 100_000));
    const wallRatio = round(seed.sqlite.wallMs / seed.memory.wallMs);
    const share = round((inference / seed.memory.cpuMs) * 100, 1);
    return {
      seed,
      wallRatio,
      cpuRatio: round(seed.sqlite.cpuMs / seed.memory.cpuMs),
      inference: {
        records,
        cpuMs: inference,
        shareOfSyncCpu: share,
        shareOfReplayedCpu: round((inference / seed.replayedCpuMs) * 100, 1),
      },
      bulk,
      goal: "seed ≤ 1.3× memory; inference ≤ 5 % of the sync's CPU; bulk ≥ 100,000 records/s",
      met: wallRatio <= 1.3 && share <= 5 && bulk.recordsPerSec >= 100_000,
    };
  } finally {
    await mock.close();
    await nodeFs.rm(dir, { recursive: true, force: true });
  }
}

/** `total` records of a story-like shape written in pages of 1,000, each page with the schema it grows. */
async function bulkLoad(dir: string, total: number) {
  const store = sqliteAdapter(join(dir, "bulk.sqlite"));
  const inference = new SchemaInference("stories", undefined, "2026-01-01T00:00:00.000Z");
  const table = "bulk/stories/0";
  // Only the store's side is timed: inference and writes, not making the records.
  let ms = 0;
  for (let from = 0; from < total; from += 1000) {
    const puts: RecordPut[] = [];
    for (let id = from; id < Math.min(total, from + 1000); id++) {
      puts.push({
        table,
        key: String(id),
        record: {
          id,
          name: `story ${id}`,
          story_type: id % 3 === 0 ? "bug" : "feature",
          estimate: id % 8,
          archived: id % 50 === 0,
          updated_at: new Date(Date.UTC(2025, 0, 1) + id * 1000).toISOString(),
          owner_ids: [`u${id % 17}`],
          epic: { id: id % 250, name: `epic ${id % 250}` },
        },
      });
    }
    const started = performance.now();
    const changed = inference.observe(puts.map((p) => p.record));
    await store.write({
      puts,
      ...(changed || from === 0 ? { schemas: [{ resource: "stories", table, schema: inference.snapshot() }] } : {}),
    });
    ms += performance.now() - started;
  }
  const flushed = performance.now();
  await store.flush?.();
  const seconds = (ms + performance.now() - flushed) / 1000;
  const count = await store.count(table);
  await store.close?.();
  const { size } = await nodeFs.stat(join(dir, "bulk.sqlite"));
  return {
    records: count,
    seconds: round(seconds, 1),
    recordsPerSec: Math.round(count / seconds),
    fileMB: round(size / 1e6, 0),
  };
}
