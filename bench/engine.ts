/**
 * Engine benchmarks against the reference mock API running in a child process
 * (so CPU figures are the client's alone): overhead against a hand-written
 * fetch loop, latency-bound fan-out, rate limiting, a no-change incremental
 * run, and KV operations.
 */
import { createPipeline, type RestApiConfig, restApiSource } from "restsync";
import { kvAdapter } from "restsync/adapters/cloudflare-kv";
import { memoryAdapter } from "restsync/adapters/memory";
import { withBaseUrl } from "../examples/seed/config";
import { FakeKv } from "../test/_helpers/fake-kv";
import { referenceSync } from "../test/mock/reference-client";
import { measure, median, round } from "./_measure";
import { startMockProcess } from "./_mock-process";

/** restsync's entry points as a benchmark uses them: from the sources here, or another commit's build (bench/ab.ts). */
export interface Engine {
  createPipeline: typeof createPipeline;
  restApiSource: typeof restApiSource;
  memoryAdapter: typeof memoryAdapter;
}

/** The sources in this working tree. */
export const sourceEngine: Engine = { createPipeline, restApiSource, memoryAdapter };

/** Benchmark 1's unit of work: the seed sync from the API at `url` into a fresh memory store, measured. */
export async function seedSync(
  engine: Engine,
  api: { url: string; apiKey: string },
  name: string,
  fetch?: typeof globalThis.fetch,
) {
  const source = engine.restApiSource(withBaseUrl(api.url));
  const pipeline = engine.createPipeline({
    name,
    store: engine.memoryAdapter(),
    secrets: { api_key: api.apiKey },
    ...(fetch ? { fetch } : {}),
  });
  return measure(() => pipeline.run(source));
}

/** A fetch that records every response of a run, and one that replays them from memory (no sockets, no HTTP parsing). */
export function replayer() {
  const recorded = new Map<string, { status: number; headers: Array<[string, string]>; body: string }>();
  const record: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = await response.text();
    recorded.set(String(input), { status: response.status, headers: [...response.headers], body });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const replay: typeof fetch = async (input) => {
    const hit = recorded.get(String(input));
    if (!hit) throw new Error(`not recorded: ${String(input)}`);
    return new Response(hit.body, { status: hit.status, headers: hit.headers });
  };
  /** A replay of every recorded response with its body rewritten by `transform` once, up front. */
  const replayVariant = (transform: (body: string) => string): typeof fetch => {
    const bodies = new Map([...recorded].map(([url, hit]) => [url, transform(hit.body)]));
    return async (input) => {
      const hit = recorded.get(String(input));
      if (!hit) throw new Error(`not recorded: ${String(input)}`);
      return new Response(bodies.get(String(input)), {
        status: hit.status,
        headers: hit.headers.filter(([name]) => name !== "content-length"),
      });
    };
  };
  /** The bare loop's share of a replayed run: every recorded response built and parsed once. */
  const replayLoop = async () => {
    const byUrl = new Map<string, unknown>();
    for (const url of recorded.keys()) byUrl.set(url, await (await replay(url)).json());
    return byUrl.size;
  };
  return { record, replay, replayVariant, replayLoop, bodies: () => [...recorded.values()].map((hit) => hit.body) };
}

type Timing = { cpuMs: number; wallMs: number; requests: number };
const summary = (runs: Timing[]): Timing => ({
  cpuMs: round(median(runs.map((r) => r.cpuMs)), 0),
  wallMs: round(median(runs.map((r) => r.wallMs)), 0),
  requests: runs[0]!.requests,
});

/**
 * 1. The seed sync with 0 ms latency: restsync vs bare fetch + JSON.parse + a Map per resource, same requests,
 * concurrency 6. Then both again on the recorded responses replayed from memory, which leaves the engine's
 * own work per request (the HTTP stack's cost, the same for both, drops out).
 */
export async function benchOverhead(repetitions = 3, engine: Engine = sourceEngine) {
  const mock = await startMockProcess({ latencyMs: 0 });
  try {
    const ours: Timing[] = [];
    const base: Timing[] = [];
    const replayed: Timing[] = [];
    const replayedBase: Timing[] = [];
    const timed: Timing[] = [];
    const recording = replayer();
    // Warm both paths once (JIT, connections) while recording the responses, then alternate.
    await seedSync(engine, mock, "warm", recording.record);
    await referenceSync({ url: mock.url, apiKey: mock.apiKey, concurrency: 6 });
    for (let i = 0; i < repetitions; i++) {
      const a = await seedSync(engine, mock, `overhead-${i}`);
      ours.push({ cpuMs: a.cpuMs, wallMs: a.wallMs, requests: a.result.totals.requests });
      const b = await measure(() => referenceSync({ url: mock.url, apiKey: mock.apiKey, concurrency: 6 }));
      base.push({ cpuMs: b.cpuMs, wallMs: b.wallMs, requests: b.result.requests });
    }
    // The same loop, able to give up on a hung server as restsync does: a timeout signal per request.
    // Measured after the pairs above: its timers and signals are collected later, and would bill the
    // run after it (restsync's, if interleaved) for their garbage.
    for (let i = 0; i < repetitions; i++) {
      const c = await measure(() =>
        referenceSync({ url: mock.url, apiKey: mock.apiKey, concurrency: 6, timeoutMs: 60_000 }),
      );
      timed.push({ cpuMs: c.cpuMs, wallMs: c.wallMs, requests: c.result.requests });
    }
    for (let i = 0; i <= repetitions; i++) {
      const a = await seedSync(engine, mock, `replay-${i}`, recording.replay);
      const b = await measure(() => recording.replayLoop());
      // The first round warms the replay path.
      if (i > 0) replayed.push({ cpuMs: a.cpuMs, wallMs: a.wallMs, requests: a.result.totals.requests });
      if (i > 0) replayedBase.push({ cpuMs: b.cpuMs, wallMs: b.wallMs, requests: b.result });
    }
    const restsync = summary(ours);
    const baseline = summary(base);
    const replay = { restsync: summary(replayed), baseline: summary(replayedBase) };
    const withTimeouts = summary(timed);
    const cpuRatio = round(restsync.cpuMs / baseline.cpuMs);
    // CPU the engine adds per request when the network is taken away, µs.
    const engineUsPerRequest = round(
      ((replay.restsync.cpuMs - replay.baseline.cpuMs) * 1000) / replay.restsync.requests,
      0,
    );
    return {
      restsync,
      baseline,
      cpuRatio,
      wallRatio: round(restsync.wallMs / baseline.wallMs),
      withTimeouts: { baseline: withTimeouts, cpuRatio: round(restsync.cpuMs / withTimeouts.cpuMs) },
      replay,
      engineUsPerRequest,
      goal: "cpu ≤ 1.35× baseline",
      met: cpuRatio <= 1.35,
    };
  } finally {
    await mock.close();
  }
}

/** 2. The seed sync (small dataset) with 50 ms server latency at concurrency 6 and 1, against the ideal requests × 50 ms / 6. */
export async function benchLatency(latencyMs = 50) {
  const mock = await startMockProcess({ latencyMs, datasetOptions: { size: "small" } });
  try {
    const source = restApiSource(withBaseUrl(mock.url));
    const run = (concurrency: number) =>
      measure(() =>
        createPipeline({
          name: `latency-${concurrency}`,
          store: memoryAdapter(),
          secrets: { api_key: mock.apiKey },
          concurrency,
        }).run(source),
      );
    const six = await run(6);
    const one = await run(1);
    const requests = six.result.totals.requests;
    const idealMs = (requests * latencyMs) / 6;
    const speedup = round(one.wallMs / six.wallMs);
    const vsIdeal = round(six.wallMs / idealMs);
    return {
      requests,
      latencyMs,
      concurrency6Ms: round(six.wallMs, 0),
      concurrency1Ms: round(one.wallMs, 0),
      idealMs: round(idealMs, 0),
      speedup,
      vsIdeal,
      goal: "≥ 5× sequential, ≤ 1.15× ideal",
      met: speedup >= 5 && vsIdeal <= 1.15,
    };
  } finally {
    await mock.close();
  }
}

/** 3. 600 requests with requests_per_second 100 (6,000/min, scaled) against a server enforcing 100 per sliding second. */
export async function benchRateLimit(requests = 600, perSecond = 100) {
  const mock = await startMockProcess({
    rateLimit: { requests: perSecond, windowMs: 1000, mode: "sliding" },
    datasetOptions: { size: "small" },
    itemsRoute: { total: requests, recordBytes: 200 },
  });
  try {
    const config: RestApiConfig = {
      client: { base_url: mock.url, rate_limit: { requests_per_second: perSecond } },
      resources: [
        {
          name: "items",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { path: "/items", data_selector: "data", paginator: { type: "offset", limit: 1 } },
        },
      ],
    };
    const { result, wallMs } = await measure(() =>
      createPipeline({ name: "rate", store: memoryAdapter() }).run(config),
    );
    const stats = await mock.stats();
    const achieved = result.totals.requests / (wallMs / 1000);
    const share = round(achieved / perSecond);
    const tooMany = stats.byStatus[429] ?? 0;
    return {
      requests: result.totals.requests,
      limitPerSecond: perSecond,
      achievedPerSecond: round(achieved, 1),
      ofLimit: share,
      http429: tooMany,
      goal: "≥ 95% of the limit, zero 429s",
      met: share >= 0.95 && tooMany === 0,
    };
  } finally {
    await mock.close();
  }
}

/** 4. A no-change second run of the seed sync (default dataset). */
export async function benchIncremental() {
  const mock = await startMockProcess({ latencyMs: 0 });
  try {
    const source = restApiSource(withBaseUrl(mock.url));
    const pipeline = createPipeline({ name: "incremental", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const first = await measure(() => pipeline.run(source));
    const second = await measure(() => pipeline.run(source));
    return {
      firstRun: {
        records: first.result.totals.records,
        requests: first.result.totals.requests,
        wallMs: round(first.wallMs, 0),
      },
      secondRun: {
        records: second.result.totals.records,
        requests: second.result.totals.requests,
        wallMs: round(second.wallMs, 0),
      },
      timeRatio: round(second.wallMs / first.wallMs),
      goal: "0 records written",
      met: second.result.totals.records === 0,
    };
  } finally {
    await mock.close();
  }
}

/** 7. KV operations for a 10,000-record sync and for an incremental run that changes 10 records. */
export async function benchKv() {
  const mock = await startMockProcess({ datasetOptions: { size: "small" } });
  const { startMockApi } = await import("../test/mock/index");
  const local = await startMockApi({ datasetOptions: { size: "small" } });
  try {
    let items = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      name: `record ${i}`,
      body: "x".repeat(200),
      updated_at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
    }));
    local.route("GET", "/items", (req) => {
      const offset = Number(req.query.offset ?? 0);
      return { body: { data: items.slice(offset, offset + 500), total: items.length } };
    });
    const config: RestApiConfig = {
      client: { base_url: local.url },
      resources: [
        {
          name: "items",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: {
            path: "/items",
            data_selector: "data",
            paginator: { type: "offset", limit: 500 },
            incremental: { cursor_path: "updated_at" },
          },
        },
      ],
    };
    const kv = new FakeKv();
    await createPipeline({ name: "kv", store: kvAdapter(kv) }).run(config);
    const full = { ...kv.ops, total: kv.total };
    items = items.map((item, i) =>
      i % 1000 === 7 ? { ...item, name: "changed", updated_at: "2025-01-01T00:00:00.000Z" } : item,
    );
    kv.resetOps();
    const second = await createPipeline({ name: "kv", store: kvAdapter(kv) }).run(config);
    const incremental = { ...kv.ops, total: kv.total, records: second.totals.records };
    return {
      fullSync: full,
      incremental,
      goal: "≤ 200 and ≤ 20 operations",
      met: full.total <= 200 && incremental.total <= 20,
    };
  } finally {
    await local.close();
    await mock.close();
  }
}
