/**
 * Sync cycles: what a run reports `completed` must be true. A resource that
 * keeps failing never freezes the others, and a run without a budget never
 * reports `completed` with data from before it started.
 */

import { createPipeline, type RestApiConfig, type RunReport, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

interface Row {
  id: number;
  updated_at: string;
  v: number;
}

/** A tiny API: `alpha` and `gamma` paged two rows at a time by json_link, `beta` always 403. */
let mock: MockApi;
useMockApis(1, (api) => (mock = api));
const db: Record<string, Row[]> = {};
let clock = 0;
const at = () => new Date(Date.UTC(2024, 0, 1) + ++clock * 1000).toISOString();
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, updated_at: at(), v: 1 }));

function page(req: MockRequest, list: Row[]) {
  const n = Number(req.query.page ?? "1");
  const next = n * 2 < list.length ? `${mock.url}${req.path}?page=${n + 1}` : null;
  return { body: { data: list.slice((n - 1) * 2, n * 2), next } };
}

/** gamma answers once this settles: a test holds it back so that gamma is unfinished whenever alpha finishes. */
let gammaGate: Promise<unknown>;

beforeEach(() => {
  db.alpha = rows(10);
  db.gamma = rows(3);
  gammaGate = Promise.resolve();
  mock.route("GET", /^\/(?<name>alpha|gamma)$/, async (req) => {
    if (req.params.name === "gamma") await gammaGate;
    return page(req, db[req.params.name!]!);
  });
  mock.route("GET", "/beta", () => ({ status: 403, body: { error: "forbidden" } }));
});

const config = (): RestApiConfig => ({
  client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
  resource_defaults: {
    primary_key: "id",
    write_disposition: "merge",
    endpoint: { data_selector: "data", incremental: { cursor_path: "updated_at" }, error_handler: { max_retries: 0 } },
  },
  resources: ["alpha", "beta", "gamma"],
});

const requestsTo = (path: string) => mock.requests.filter((r) => r.path === path).length;
const change = (name: "alpha" | "gamma", id: number) => {
  const row = db[name]!.find((r) => r.id === id)!;
  row.v++;
  row.updated_at = at();
};
async function storedMatchesApi(pipeline: ReturnType<typeof createPipeline>, name: "alpha" | "gamma") {
  const stored = [];
  for await (const record of pipeline.records(name)) stored.push(record);
  expect(
    stored.sort((a, b) => Number(a.id) - Number(b.id)),
    name,
  ).toEqual(db[name]);
}

describe("a resource that fails every run", () => {
  for (const [label, budget] of [
    ["without a budget", {}],
    ["with a budget larger than the sync", { maxRequests: 1000 }],
  ] as const) {
    it(`never freezes the others (${label}): they are fetched every run and their changes arrive`, async () => {
      const pipeline = createPipeline({ name: "frozen", store: memoryAdapter() });
      const source = restApiSource(config());
      const first = await pipeline.run(source, budget);
      expect(first.resources.beta!.status).toBe("failed");
      expect(first.resources.alpha!.status).toBe("completed");

      for (let run = 2; run <= 4; run++) {
        change("alpha", run);
        db.gamma!.push({ id: 100 + run, updated_at: at(), v: 1 });
        mock.clearLog();
        const report = await pipeline.run(source, budget);
        expect(report.status).toBe("partial");
        expect(report.resources.beta!.status).toBe("failed");
        expect(report.resources.alpha, `run ${run}`).toMatchObject({ status: "completed", records: 1 });
        expect(report.resources.alpha!.earlierInCycle).toBeUndefined();
        expect(report.resources.gamma).toMatchObject({ status: "completed", records: 1 });
        expect(requestsTo("/alpha")).toBe(5);
        await storedMatchesApi(pipeline, "alpha");
        await storedMatchesApi(pipeline, "gamma");
      }
    });
  }

  it("counts as done for a budgeted cycle: the cycle ends, the failure shows in every run of it, and the next cycle retries it", async () => {
    const pipeline = createPipeline({ name: "small-budget", store: memoryAdapter() });
    const source = restApiSource(config());
    const cycle = async () => {
      const reports: RunReport[] = [];
      do {
        reports.push(await pipeline.run(source, { maxRequests: 2 }));
        expect(reports.length).toBeLessThan(20);
      } while (!reports.at(-1)!.cycle!.complete);
      return reports;
    };
    const first = await cycle();
    expect(first.length).toBeGreaterThan(2);
    expect(new Set(first.map((r) => r.cycle!.id)).size).toBe(1);
    const failedAt = first.findIndex((r) => r.resources.beta!.status === "failed");
    expect(failedAt).toBeGreaterThanOrEqual(0);
    // Once failed in the cycle, beta is reported failed (not fetched again) until the cycle ends.
    for (const report of first.slice(failedAt + 1))
      expect(report.resources.beta).toMatchObject({ status: "failed", earlierInCycle: true, requests: 0 });
    expect(first.at(-1)!.status).toBe("partial");
    await storedMatchesApi(pipeline, "alpha");

    change("alpha", 1);
    change("gamma", 3);
    mock.clearLog();
    const second = await cycle();
    expect(second[0]!.cycle!.id).not.toBe(first[0]!.cycle!.id);
    expect(requestsTo("/beta")).toBe(1);
    await storedMatchesApi(pipeline, "alpha");
    await storedMatchesApi(pipeline, "gamma");
  });
});

describe("a run without a budget after an interrupted one", () => {
  it("fetches again the resources the interrupted run completed, so a change made before it started is stored when it reports completed", async () => {
    const pipeline = createPipeline({ name: "after-abort", store: memoryAdapter() });
    const source = restApiSource({ ...config(), resources: ["alpha", "gamma"] });
    const controller = new AbortController();
    let openGamma!: () => void;
    gammaGate = new Promise<void>((resolve) => (openGamma = resolve));
    const aborted = await pipeline.run(source, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === "resource_finished" && event.resource === "alpha") {
          controller.abort();
          openGamma();
        }
      },
    });
    expect(aborted.resources.alpha!.status).toBe("completed");
    expect(aborted.resources.gamma!.status).toBe("aborted");

    change("alpha", 1);
    change("gamma", 1);
    const next = await pipeline.run(source);
    expect(next.status).toBe("completed");
    expect(next.resources.alpha).toMatchObject({ status: "completed", records: 1 });
    await storedMatchesApi(pipeline, "alpha");
    await storedMatchesApi(pipeline, "gamma");
  });

  it("does not resume a resource cut mid-way from its saved page: a change on a page read before the cut is stored", async () => {
    const pipeline = createPipeline({ name: "mid-way", store: memoryAdapter(), progressIntervalMs: 0 });
    const source = restApiSource({ ...config(), resources: ["alpha"] });
    const controller = new AbortController();
    await pipeline.run(source, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === "page" && event.page === 3) controller.abort();
      },
    });
    expect((await pipeline.state("alpha"))?.progress?.positions[""]).toBeDefined();

    change("alpha", 1);
    const next = await pipeline.run(source);
    expect(next.status).toBe("completed");
    await storedMatchesApi(pipeline, "alpha");
  });

  it("a budgeted run still resumes the cycle where the interrupted one stopped, fetching no page twice", async () => {
    const pipeline = createPipeline({ name: "budget-resume", store: memoryAdapter(), progressIntervalMs: 0 });
    const source = restApiSource({ ...config(), resources: ["alpha"] });
    const controller = new AbortController();
    await pipeline.run(source, {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === "page" && event.page === 3) controller.abort();
      },
    });
    mock.clearLog();
    const next = await pipeline.run(source, { maxRequests: 100 });
    expect(next.status).toBe("completed");
    expect(mock.requests.map((r) => r.query.page)).toEqual(["4", "5"]);
    await storedMatchesApi(pipeline, "alpha");
  });
});
