import { createPipeline, type RestApiConfig, type RunReport, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { withBaseUrl } from "../examples/seed/config";
import { dyingStore } from "./_helpers/dying-store";
import { diffStoreAgainstApi } from "./_helpers/store-vs-api";
import { type MockApi, startMockApi } from "./mock/index";

/** Runs until the cycle completes; returns every report. */
async function runToCompletion(run: () => Promise<RunReport>, limit = 500): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (let i = 0; i < limit; i++) {
    const report = await run();
    reports.push(report);
    if (report.cycle?.complete) return reports;
  }
  throw new Error(`cycle not complete after ${limit} runs`);
}

describe("budgeted runs: one sync cycle over several invocations", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small", seed: 5 } });
  });
  beforeEach(() => {
    mock.clearLog();
    mock.faults.clear();
  });
  afterAll(() => mock.close());

  it("completes the seed sync over successive runs of maxRequests: 50, ending equal to one full run", async () => {
    const source = restApiSource(withBaseUrl(mock.url));
    const full = createPipeline({ name: "full", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const one = await full.run(source);
    expect(one.cycle).toMatchObject({ complete: true });
    mock.clearLog();

    const budgeted = createPipeline({ name: "budgeted", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const reports = await runToCompletion(() => budgeted.run(source, { maxRequests: 50 }));
    for (const report of reports) expect(report.totals.requests).toBeLessThanOrEqual(50);
    for (const report of reports.slice(0, -1))
      expect(report).toMatchObject({ status: "partial", stopped: "max_requests", cycle: { complete: false } });
    expect(reports.at(-1)!.status).toBe("completed");
    // One cycle: every page fetched once (the same requests a single run makes), spread over the runs.
    const sent = reports.reduce((n, r) => n + r.totals.requests, 0);
    expect(sent).toBe(one.totals.requests);
    expect(new Set(reports.map((r) => r.cycle!.id)).size).toBe(1);
    expect(reports.length).toBe(Math.ceil(one.totals.requests / 50));
    expect(await diffStoreAgainstApi(budgeted, mock)).toEqual([]);
    console.log(
      `seed sync with maxRequests 50: ${reports.length} runs, ${sent} requests (one unbudgeted run: ${one.totals.requests})`,
    );

    // The next run starts a fresh cycle and, with nothing changed, writes nothing.
    const next = await budgeted.run(source, { maxRequests: 50 });
    expect(next.cycle!.id).not.toBe(reports[0]!.cycle!.id);
    expect(next.totals.records).toBe(0);
  });

  it("finishes a single list whose pages alone exceed the budget, fetching no page twice", async () => {
    const pipeline = createPipeline({ name: "search", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    const reports = await runToCompletion(() => pipeline.run(source, { resources: ["search_epics"], maxRequests: 7 }));
    const pages = mock.requests.filter((r) => r.path === "/v1/search/epics").map((r) => r.query.next ?? "first");
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages.length).toBe(mock.expected("search_epics").length);
    expect(reports.length).toBe(Math.ceil(pages.length / 7));
    expect(await diffStoreAgainstApi(pipeline, mock, ["search_epics"])).toEqual([]);
  });

  it("resumes a child resource from the parents it had not visited, visiting each parent once per cycle", async () => {
    const pipeline = createPipeline({ name: "children", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    await runToCompletion(() => pipeline.run(source, { resources: ["story_history"], maxRequests: 13 }));
    const visits = mock.requests.filter((r) => /\/history$/.test(r.path)).map((r) => r.path);
    expect(new Set(visits).size).toBe(visits.length);
    expect(await diffStoreAgainstApi(pipeline, mock, ["story_history"])).toEqual([]);
  });

  it("stops at a deadline and converges the same way", async () => {
    // Slow answers for the first run: the whole sync would then take over 5 s (334 requests, 6 at a time).
    mock.setOptions({ latencyMs: 100 });
    try {
      const pipeline = createPipeline({ name: "deadline", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
      const source = restApiSource(withBaseUrl(mock.url));
      const first = await pipeline.run(source, { deadline: 150 });
      expect(first).toMatchObject({ status: "partial", stopped: "deadline" });
      expect(first.durationMs).toBeLessThan(3_000); // stopped at the deadline, with room for a busy machine
      mock.setOptions({ latencyMs: 10 });
      await runToCompletion(() => pipeline.run(source, { deadline: new Date(Date.now() + 300) }));
      expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
    } finally {
      mock.setOptions({ latencyMs: 0 });
    }
  });

  it("keeps the old cursor of a resource cut mid-way, and picks up changes made between the runs", async () => {
    const pipeline = createPipeline({ name: "changes", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const source = restApiSource(withBaseUrl(mock.url));
    await pipeline.run(source);
    const before = await pipeline.state("epics_comments");
    mock.mutate({ updates: 10, inserts: 6, tie: true, seed: 77 });
    let runs = 0;
    for (;;) {
      const report = await pipeline.run(source, { maxRequests: 40 });
      runs++;
      if (
        report.resources.epics_comments!.status === "incomplete" &&
        !report.resources.epics_comments!.earlierInCycle
      ) {
        // Cut mid-way: its committed cursors have not moved.
        expect((await pipeline.state("epics_comments"))!.parent_cursors).toEqual(before!.parent_cursors);
        mock.mutate({ updates: 4, inserts: 2, seed: 78 + runs });
      }
      if (report.cycle!.complete) break;
    }
    // One more cycle brings whatever changed during the last one.
    await runToCompletion(() => pipeline.run(source, { maxRequests: 40 }));
    expect(await diffStoreAgainstApi(pipeline, mock)).toEqual([]);
  });
});

describe("per-parent cursors for incremental children", () => {
  let mock: MockApi;
  /** Each parent's notes carry a per-parent version number: a global cursor would hide changes. */
  const notes: Record<string, Array<{ id: string; version: number; text: string }>> = {};
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small" } });
    mock.route("GET", "/parents", () => ({ body: Object.keys(notes).map((id) => ({ id })) }));
    mock.route("GET", /^\/parents\/(?<id>[^/]+)\/notes$/, (req) => ({ body: notes[req.params.id!] ?? [] }));
  });
  afterAll(() => mock.close());

  const config: RestApiConfig = {
    client: { base_url: "http://placeholder" },
    resource_defaults: { primary_key: "id", write_disposition: "merge" },
    resources: [
      "parents",
      { name: "notes", endpoint: { path: "/parents/{parent_id}/notes", incremental: { cursor_path: "version" } } },
    ],
  };
  const note = (parent: string, version: number) => ({ id: `${parent}-${version}`, version, text: `v${version}` });

  it("keeps one cursor per parent, so a change under one parent is not hidden by higher values under another", async () => {
    notes.a = Array.from({ length: 10 }, (_, i) => note("a", i + 1));
    notes.b = [note("b", 1), note("b", 2), note("b", 3)];
    const source = restApiSource({ ...config, client: { base_url: mock.url } });
    const pipeline = createPipeline({ name: "per-parent", store: memoryAdapter() });
    await pipeline.run(source);
    const state = await pipeline.state("notes");
    expect(state!.parent_cursors).toMatchObject({ '["a"]': { last_value: 10 }, '["b"]': { last_value: 3 } });

    notes.b.push(note("b", 4));
    const second = await pipeline.run(source);
    expect(second.resources.notes!.records).toBe(1);
    expect(await pipeline.get("notes", "b-4")).toMatchObject({ version: 4 });
  });

  it("falls back to one cursor at the lowest parent's value past maxParentCursors, still missing nothing", async () => {
    notes.a = Array.from({ length: 10 }, (_, i) => note("a", i + 1));
    notes.b = [note("b", 1), note("b", 2), note("b", 3)];
    const source = restApiSource({ ...config, client: { base_url: mock.url } });
    const pipeline = createPipeline({ name: "fallback", store: memoryAdapter(), maxParentCursors: 1 });
    await pipeline.run(source);
    const state = await pipeline.state("notes");
    expect(state!.parent_cursors).toBeUndefined();
    expect(state!.cursor).toMatchObject({ last_value: 3 });
    notes.b.push(note("b", 4));
    await pipeline.run(source);
    expect(await pipeline.get("notes", "b-4")).toMatchObject({ version: 4 });
  });
});

describe("a run killed at any write", () => {
  it("resumes and ends equal to the API, whatever write it died at", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small", seed: 8 } });
    try {
      const source = restApiSource(withBaseUrl(mock.url));
      for (const dieAt of [1, 5, 40, 120]) {
        const inner = memoryAdapter();
        // After the fatal write nothing else reaches the store, as when a tab is closed.
        const dying = dyingStore(inner, dieAt);
        // The dying run may end in a report or in a StorageError: either way it stops.
        await createPipeline({ name: "killed", store: dying, secrets: { api_key: mock.apiKey } })
          .run(source)
          .catch((error: Error) => expect(error.name).toBe("StorageError"));
        const reopened = createPipeline({ name: "killed", store: inner, secrets: { api_key: mock.apiKey } });
        await runToCompletion(() => reopened.run(source));
        expect(await diffStoreAgainstApi(reopened, mock), `died at write ${dieAt}`).toEqual([]);
      }
    } finally {
      await mock.close();
    }
  });
});
