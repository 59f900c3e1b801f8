/**
 * 11. D1 calls of the seed sync, in workerd (Miniflare's D1): the seed sync runs
 * unbudgeted inside a Worker (bench/_d1-worker.ts) whose `env.DB` counts every call
 * D1 bills as a query (a `batch`, an `exec`, a statement run outside a batch),
 * against the mock API (in this process; `RESTSYNC_BENCH_D1_SIZE=small` for the small
 * dataset); then the API is mutated and the incremental run counted the same way.
 * Calls per page = D1 calls ÷ pages that returned records. The same two syncs into KV in
 * the same Miniflare are the wall-time baseline.
 */
import type { Miniflare } from "miniflare";
import type { D1Calls } from "../test/workers/_d1-calls";
import { totalD1Calls } from "../test/workers/_d1-calls";
import { bundleWorker, startWorker } from "../test/workers/_miniflare";
import { round } from "./_measure";

interface SyncFigures {
  status: string;
  errors: string[];
  totals: { records: number; requests: number; pages: number };
  pages: { withRecords: number; written: number };
  calls: D1Calls;
}

async function sync(mf: Miniflare, store: "d1" | "kv") {
  const started = performance.now();
  const response = await mf.dispatchFetch(`http://bench/sync?store=${store}`);
  const wallMs = performance.now() - started;
  if (!response.ok) throw new Error(`${store} sync: HTTP ${response.status} ${await response.text()}`);
  const figures = (await response.json()) as SyncFigures;
  if (figures.status !== "completed")
    throw new Error(`${store} sync ${figures.status}: ${figures.errors.slice(0, 3).join("; ")}`);
  const total = totalD1Calls(figures.calls);
  return {
    ...figures,
    wallMs: round(wallMs, 0),
    d1Calls: total,
    callsPerPage: round(total / Math.max(1, figures.pages.withRecords)),
  };
}

export async function benchD1() {
  const { startMockApi } = await import("../test/mock/index");
  const size = process.env.RESTSYNC_BENCH_D1_SIZE === "small" ? "small" : undefined;
  const mock = await startMockApi(size ? { datasetOptions: { size } } : {});
  const mf = startWorker(await bundleWorker("bench/_d1-worker.ts"), { API_BASE_URL: mock.url, API_KEY: mock.apiKey });
  try {
    const first = await sync(mf, "d1");
    const kvFirst = await sync(mf, "kv");
    const mutation = mock.mutate();
    const incremental = await sync(mf, "d1");
    const kvIncremental = await sync(mf, "kv");
    return {
      dataset: size ?? "default",
      mutated: mutation.updated.length + mutation.inserted.length,
      first,
      incremental,
      kv: { first: kvFirst.wallMs, incremental: kvIncremental.wallMs },
      wallRatio: {
        first: round(first.wallMs / kvFirst.wallMs),
        incremental: round(incremental.wallMs / kvIncremental.wallMs),
      },
      goal: "≤ 2 D1 calls per page of records",
      met: first.callsPerPage <= 2 && incremental.callsPerPage <= 2,
    };
  } finally {
    await mf.dispose();
    await mock.close();
  }
}
