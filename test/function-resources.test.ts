/**
 * A resource whose records come from a function (an async generator, a generator,
 * or a function returning records), as dlt accepts a DltResource beside config
 * resources: the same write dispositions, primary keys, incremental cursor,
 * processing steps, store and report; a parent of config resources too.
 */

import {
  createPipeline,
  isConfigError,
  type JsonRecord,
  type RecordsContext,
  type RestApiConfig,
  restApiSource,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const events = Array.from({ length: 5 }, (_, i) => ({
  id: i + 1,
  updated_at: `2024-01-0${i + 1}T00:00:00Z`,
}));

async function all(pipeline: ReturnType<typeof createPipeline>, resource: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const record of pipeline.records(resource)) out.push(record);
  return out;
}

describe("a records function as a resource", () => {
  it("an async generator: each yielded array a page, merged by primary key, reported like any resource", async () => {
    const config: RestApiConfig = {
      client: { base_url: "https://api.example.com" },
      resource_defaults: { write_disposition: "replace" },
      resources: [
        {
          name: "events",
          primary_key: "id",
          write_disposition: "merge",
          async *records() {
            yield events.slice(0, 2);
            yield events.slice(2);
          },
        },
      ],
    };
    const pipeline = createPipeline({ name: "gen", store: memoryAdapter() });
    const report = await pipeline.run(config);
    expect(report.status).toBe("completed");
    expect(report.resources.events).toMatchObject({ status: "completed", records: 5, pages: 2, requests: 0 });
    expect(await pipeline.get("events", 3)).toEqual(events[2]);
  });

  it("single records yielded one by one, a function returning an array, one returning a promise", async () => {
    const pipeline = createPipeline({ name: "shapes", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "one_by_one",
          *records() {
            for (const event of events) yield event;
          },
        },
        { name: "array", records: () => events },
        { name: "promise", records: async () => events },
      ],
    });
    expect(report.status).toBe("completed");
    for (const name of ["one_by_one", "array", "promise"]) expect(await all(pipeline, name)).toEqual(events);
  });

  it("incremental: the function gets the start value, records below it (or stored at the cursor) are left out", async () => {
    const asked: RecordsContext["incremental"][] = [];
    const config: RestApiConfig = {
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "events",
          primary_key: "id",
          write_disposition: "append",
          incremental: { cursor_path: "updated_at", initial_value: "2024-01-02T00:00:00Z" },
          records: (context: RecordsContext) => {
            asked.push(context.incremental);
            return events;
          },
        },
      ],
    };
    const pipeline = createPipeline({ name: "incremental", store: memoryAdapter() });
    expect((await pipeline.run(config)).resources.events).toMatchObject({ records: 4, unchanged: 1 });
    expect((await pipeline.run(config)).resources.events).toMatchObject({ records: 0, unchanged: 5 });
    expect(asked.map((a) => a?.start_value)).toEqual(["2024-01-02T00:00:00Z", "2024-01-05T00:00:00Z"]);
    expect(await pipeline.count("events")).toBe(4);
  });

  it("replace swaps in what the function gave this run; processing steps apply", async () => {
    let given: JsonRecord[] = events;
    const config: RestApiConfig = {
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "events",
          primary_key: "id",
          write_disposition: "replace",
          records: () => given,
          processing_steps: [{ filter: (r) => Number(r.id) !== 2 }, { map: (r) => ({ ...r, seen: true }) }],
        },
      ],
    };
    const pipeline = createPipeline({ name: "replace", store: memoryAdapter() });
    await pipeline.run(config);
    expect(await pipeline.count("events")).toBe(4);
    given = events.slice(3);
    await pipeline.run(config);
    expect(await all(pipeline, "events")).toEqual(events.slice(3).map((e) => ({ ...e, seen: true })));
  });

  it("is a parent of config resources, and unselected it only feeds them", async () => {
    const asked: string[] = [];
    mock.route("GET", /^\/events\/(?<id>\d+)\/details$/, (req: MockRequest) => {
      asked.push(req.params.id!);
      return { body: [{ detail: `d${req.params.id}` }] };
    });
    const pipeline = createPipeline({ name: "parent", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: mock.url, paginator: "single_page" },
      resources: [
        { name: "events", selected: false, records: () => events.slice(0, 2) },
        { name: "event_details", endpoint: "/events/{event_id}/details", include_from_parent: ["id"] },
      ],
    });
    expect(report.status).toBe("completed");
    expect(asked.sort()).toEqual(["1", "2"]);
    expect(report.resources.events!.stored).toBe(false);
    expect(await all(pipeline, "event_details")).toContainEqual({ detail: "d2", _events_id: 2 });
  });

  it("a function that throws fails its resource, named; the others complete", async () => {
    const pipeline = createPipeline({ name: "throws", store: memoryAdapter() });
    const report = await pipeline.run({
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "broken",
          async *records() {
            yield events;
            throw new Error("the source went away");
          },
        },
        { name: "fine", records: () => events },
      ],
    });
    expect(report.status).toBe("partial");
    expect(report.resources.broken).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("the source went away") },
    });
    expect(report.resources.fine!.status).toBe("completed");
  });

  it("a run aborted part-way: the next (budgeted or not) starts the function afresh and stores each row once", async () => {
    for (const budgeted of [false, true]) {
      const pipeline = createPipeline({ name: `abort-${budgeted}`, store: memoryAdapter(), progressIntervalMs: 0 });
      const config: RestApiConfig = {
        client: { base_url: "https://api.example.com" },
        resources: [
          {
            name: "rows",
            async *records() {
              for (const event of events) yield [event];
            },
          },
        ],
      };
      const controller = new AbortController();
      const aborted = await pipeline.run(config, {
        signal: controller.signal,
        onProgress: (event) => event.type === "page" && event.page === 2 && controller.abort(),
      });
      expect(aborted.resources.rows!.status).toBe("aborted");
      const again = await pipeline.run(config, budgeted ? { maxRequests: 10 } : {});
      expect(again.status).toBe("completed");
      expect(await all(pipeline, "rows")).toEqual(events);
    }
  });

  it("maxPages closes the generator after that many pages, and the resource completes", async () => {
    let closed = false;
    const pipeline = createPipeline({ name: "limited", store: memoryAdapter() });
    const report = await pipeline.run(
      {
        client: { base_url: "https://api.example.com" },
        resources: [
          {
            name: "endless",
            async *records() {
              try {
                for (let i = 0; ; i++) yield [{ i }];
              } finally {
                closed = true;
              }
            },
          },
        ],
      },
      { maxPages: 3 },
    );
    expect(report.resources.endless).toMatchObject({ status: "completed", pages: 3, records: 3, limited: true });
    expect(closed).toBe(true);
    // Records yielded one by one: each yield a page, as dlt's add_limit counts yields.
    const counter = await pipeline.run(
      {
        client: { base_url: "https://api.example.com" },
        resources: [
          {
            name: "counter",
            *records() {
              for (let i = 0; ; i++) yield { i };
            },
          },
        ],
      },
      { maxPages: 10 },
    );
    expect(counter.resources.counter).toMatchObject({ status: "completed", records: 10, limited: true });
  });

  it("resource_defaults do not apply to it, as dlt merges none into a DltResource", () => {
    const source = restApiSource({
      client: { base_url: "https://api.example.com" },
      resource_defaults: { write_disposition: "merge", primary_key: "id", processing_steps: [{ filter: () => false }] },
      resources: [{ name: "events", records: () => events }, "issues"],
    });
    const [events_, issues] = source.resources;
    expect([events_!.writeDisposition, events_!.primaryKey, events_!.processingSteps]).toEqual([
      "append",
      undefined,
      [],
    ]);
    expect([issues!.writeDisposition, issues!.primaryKey]).toEqual(["merge", ["id"]]);
  });

  it("what it cannot honour is refused at validation, with what to write instead", () => {
    const issues = (resource: Record<string, unknown>) => {
      try {
        restApiSource({ client: { base_url: "https://api.example.com" }, resources: [resource as never] });
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        return (error as { issues: Array<{ path: string; message: string }> }).issues.map(
          (i) => `${i.path}: ${i.message}`,
        );
      }
      return [];
    };
    const records = () => [];
    expect(issues({ name: "a", records, endpoint: "/a" })).toEqual([
      expect.stringMatching(/^resources\[0\]\.endpoint: a resource has records or an endpoint, not both/),
    ]);
    expect(issues({ name: "a", records: [] })).toEqual([
      expect.stringMatching(/^resources\[0\]\.records: records must be a function/),
    ]);
    expect(issues({ name: "a", records, incremental: { cursor_path: "t", start_param: "since" } })).toEqual([
      expect.stringMatching(
        /^resources\[0\]\.incremental\.start_param: .*records function.*context\.incremental\.start_value/,
      ),
    ]);
    expect(issues({ name: "a", records, include_from_parent: ["id"] })).toEqual([
      expect.stringMatching(/^resources\[0\]\.include_from_parent: a records function has no parent/),
    ]);
    expect(issues({ name: "a", endpoint: "/a", incremental: { cursor_path: "t" } })).toEqual([
      expect.stringMatching(/^resources\[0\]\.incremental: .*endpoint\.incremental/),
    ]);
  });
});
