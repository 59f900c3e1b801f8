/**
 * dlt's incremental options beyond the cursor itself: range_start / range_end
 * (is a record at the start or end value kept), last_value_func (max, min or a
 * function), row_order (stop paging once past the range), convert (applied to
 * what is sent, never to what is compared) and the {incremental.last_value} /
 * {incremental.initial_value} placeholders. Against the mock API: `/events`
 * serves the list in `events`, two per page, linked by `next`.
 */
import { createPipeline, isConfigError, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { commitCursors } from "../src/pipeline/_cursors";
import { IncrementalFilter } from "../src/pipeline/_incremental";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

type Event = { id: number; at: string | number };
let events: Event[] = [];
let asked: MockRequest[] = [];
beforeEach(() => {
  events = [];
  asked = [];
  mock.route("GET", "/events", (req) => {
    asked.push(req);
    const n = Number(req.query.page ?? "1");
    const next = n * 2 < events.length ? `${mock.url}/events?page=${n + 1}` : null;
    return { body: { data: events.slice((n - 1) * 2, n * 2), next } };
  });
});

const config = (incremental: Record<string, unknown>, endpoint: Record<string, unknown> = {}): RestApiConfig =>
  ({
    client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
    resources: [
      {
        name: "events",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: {
          path: "/events",
          data_selector: "data",
          incremental: { cursor_path: "at", ...incremental },
          ...endpoint,
        },
      },
    ],
  }) as RestApiConfig;

async function ids(pipeline: ReturnType<typeof createPipeline>): Promise<number[]> {
  const out: number[] = [];
  for await (const record of pipeline.records("events")) out.push(record.id as number);
  return out.sort((a, b) => a - b);
}

describe("range_start", () => {
  it("closed (the default) keeps a new record tied with the stored cursor; open drops it", async () => {
    for (const [range, expected] of [
      ["closed", [1, 2, 3]],
      ["open", [1, 2]],
    ] as const) {
      events = [
        { id: 1, at: 5 },
        { id: 2, at: 7 },
      ];
      const pipeline = createPipeline({ name: `start-${range}`, store: memoryAdapter() });
      const source = restApiSource(config({ range_start: range }));
      await pipeline.run(source);
      events.push({ id: 3, at: 7 });
      const second = await pipeline.run(source);
      expect(await ids(pipeline), range).toEqual(expected);
      // The stored records tied at 7 are never written twice, whichever the range.
      expect(second.resources.events!.records, range).toBe(range === "closed" ? 1 : 0);
    }
  });

  it("open drops a record equal to initial_value; closed keeps it", async () => {
    events = [
      { id: 1, at: 5 },
      { id: 2, at: 6 },
    ];
    const open = createPipeline({ name: "initial-open", store: memoryAdapter() });
    await open.run(config({ initial_value: 5, range_start: "open" }));
    expect(await ids(open)).toEqual([2]);
    const closed = createPipeline({ name: "initial-closed", store: memoryAdapter() });
    await closed.run(config({ initial_value: 5 }));
    expect(await ids(closed)).toEqual([1, 2]);
  });
});

describe("range_end", () => {
  it("open (the default) leaves out a record equal to end_value; closed keeps it", async () => {
    events = [
      { id: 1, at: 5 },
      { id: 2, at: 8 },
      { id: 3, at: 9 },
    ];
    const open = createPipeline({ name: "end-open", store: memoryAdapter() });
    await open.run(config({ initial_value: 0, end_value: 8 }));
    expect(await ids(open)).toEqual([1]);
    const closed = createPipeline({ name: "end-closed", store: memoryAdapter() });
    await closed.run(config({ initial_value: 0, end_value: 8, range_end: "closed" }));
    expect(await ids(closed)).toEqual([1, 2]);
  });
});

describe("last_value_func", () => {
  it('"min" walks the cursor backwards: only records below the stored (lowest) value are new', async () => {
    events = [
      { id: 1, at: "2024-05-01T00:00:00Z" },
      { id: 2, at: "2024-04-01T00:00:00Z" },
      { id: 3, at: "2024-07-01T00:00:00Z" },
    ];
    const pipeline = createPipeline({ name: "min", store: memoryAdapter() });
    const source = restApiSource(config({ initial_value: "2024-06-01T00:00:00Z", last_value_func: "min" }));
    await pipeline.run(source);
    expect(await ids(pipeline)).toEqual([1, 2]);
    expect((await pipeline.state("events"))?.cursor?.last_value).toBe("2024-04-01T00:00:00Z");

    events.push({ id: 4, at: "2024-03-01T00:00:00Z" }, { id: 5, at: "2024-04-15T00:00:00Z" });
    const second = await pipeline.run(source);
    expect(second.resources.events!.records).toBe(1);
    expect(await ids(pipeline)).toEqual([1, 2, 4]);
  });

  it('"min" with lag re-reads above the stored value', async () => {
    events = [{ id: 1, at: 10 }];
    const pipeline = createPipeline({ name: "min-lag", store: memoryAdapter() });
    const source = restApiSource(config({ last_value_func: "min", lag: 3, start_param: "before" }));
    await pipeline.run(source);
    await pipeline.run(source);
    expect(asked.map((r) => r.query.before)).toEqual([undefined, "13"]);
  });

  it('"min" with a fractional lag moves a timestamp start forward by exactly that much', () => {
    const previous = { last_value: "2024-01-01T00:00:00Z", boundary_keys: [] };
    const filter = (last_value_func: "min" | "max") =>
      new IncrementalFilter(
        { ...restApiSource(config({ lag: 1.5, last_value_func })).resources[0]!.incremental! },
        previous,
      );
    expect(filter("min").startValue).toBe("2024-01-01T00:00:01.5Z");
    expect(filter("max").startValue).toBe("2023-12-31T23:59:58.5Z");
  });

  it('"min": past maxParentCursors a child falls back to the highest parent cursor, the one furthest behind', () => {
    const at = (last_value: number) => ({ last_value, boundary_keys: [] });
    const next = commitCursors({ generation: 0 }, { '["a"]': at(3), '["b"]': at(9), '["c"]': at(5) }, true, 2, "min");
    expect(next.cursor).toEqual(at(9));
  });

  it("lag never moves the start behind initial_value (dlt's apply_lag)", () => {
    const previous = { last_value: 105, boundary_keys: [] };
    const start = (last_value_func: "min" | "max", initial_value: number) =>
      new IncrementalFilter(
        { ...restApiSource(config({ lag: 10, last_value_func, initial_value })).resources[0]!.incremental! },
        { ...previous },
      ).startValue;
    expect(start("max", 100)).toBe(100);
    expect(start("max", 90)).toBe(95);
    expect(start("min", 110)).toBe(110);
    expect(start("min", 120)).toBe(115);
  });

  it("a function decides which value is further on (typed configs)", async () => {
    // Versions "v9" < "v10": a text comparison would say the opposite.
    const version = (value: string | number) => Number(String(value).slice(1));
    const latest = (values: Array<string | number>) => values.reduce((a, b) => (version(a) >= version(b) ? a : b));
    events = [
      { id: 1, at: "v9" },
      { id: 2, at: "v10" },
    ];
    const pipeline = createPipeline({ name: "fn", store: memoryAdapter() });
    const source = restApiSource(config({ last_value_func: latest }));
    await pipeline.run(source);
    expect((await pipeline.state("events"))?.cursor?.last_value).toBe("v10");
    events.push({ id: 3, at: "v11" }, { id: 4, at: "v8" });
    const second = await pipeline.run(source);
    expect(second.resources.events!.records).toBe(1);
    expect(await ids(pipeline)).toEqual([1, 2, 3]);
  });

  it("is refused unless max, min or a function; lag beside a function is warned about (dlt ignores it)", () => {
    expect(() => restApiSource(config({ last_value_func: "median" }))).toThrow(
      /resources\[0\]\.endpoint\.incremental\.last_value_func: last_value_func must be "max", "min" or a function/,
    );
    const source = restApiSource(config({ last_value_func: (values: unknown[]) => values[0], lag: 5 }));
    expect(source.warnings.join("\n")).toMatch(/resources\[0\]\.endpoint\.incremental\.lag: .*ignored/);
  });
});

describe("row_order", () => {
  const descending = () => [
    { id: 6, at: 60 },
    { id: 5, at: 50 },
    { id: 4, at: 40 },
    { id: 3, at: 30 },
    { id: 2, at: 20 },
    { id: 1, at: 10 },
  ];

  it('"desc" stops paging after the page holding a record older than the cursor', async () => {
    events = descending().slice(2);
    const pipeline = createPipeline({ name: "desc", store: memoryAdapter() });
    const source = restApiSource(config({ row_order: "desc" }));
    await pipeline.run(source);
    events = descending();
    asked = [];
    const second = await pipeline.run(source);
    // Page 1 (60, 50) is all new; page 2 (40, 30) reaches the stored cursor (40): no page 3.
    expect(asked.map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
    expect(second.resources.events!.records).toBe(2);
    expect(second.resources.events!.status).toBe("completed");
    expect(await ids(pipeline)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('"desc" does not stop at a record tied with the cursor: a new tie on a later page is still stored', async () => {
    events = [
      { id: 1, at: 40 },
      { id: 2, at: 30 },
    ];
    const pipeline = createPipeline({ name: "desc-tie", store: memoryAdapter() });
    const source = restApiSource(config({ row_order: "desc" }));
    await pipeline.run(source);
    events = [
      { id: 9, at: 50 },
      { id: 1, at: 40 },
      { id: 3, at: 40 },
      { id: 2, at: 30 },
      { id: 0, at: 20 },
    ];
    await pipeline.run(source);
    expect(await ids(pipeline)).toEqual([1, 2, 3, 9]);
  });

  it('"asc" stops paging after the page holding a record past end_value', async () => {
    events = descending().reverse();
    const pipeline = createPipeline({ name: "asc", store: memoryAdapter() });
    await pipeline.run(config({ initial_value: 0, end_value: 25, row_order: "asc" }));
    expect(asked.map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
    expect(await ids(pipeline)).toEqual([1, 2]);
  });

  it("without row_order every page is read", async () => {
    events = descending();
    const pipeline = createPipeline({ name: "unordered", store: memoryAdapter() });
    await pipeline.run(config({ initial_value: 0, end_value: 25 }));
    expect(asked).toHaveLength(3);
  });
});

describe("convert and the {incremental.*} placeholders", () => {
  it("convert applies to the values sent (start_param, end_param, placeholders), never to what is compared", async () => {
    events = [
      { id: 1, at: "2024-01-02T00:00:00Z" },
      { id: 2, at: "2024-01-01T00:00:00Z" },
    ];
    const epoch = (value: unknown) => Date.parse(String(value)) / 1000;
    const pipeline = createPipeline({ name: "convert", store: memoryAdapter() });
    const source = restApiSource(
      config(
        {
          initial_value: "2024-01-01T00:00:00Z",
          end_value: "2024-02-01T00:00:00Z",
          start_param: "since",
          end_param: "until",
          convert: epoch,
        },
        { params: { from: "{incremental.start_value}", first: "{incremental.initial_value}" } },
      ),
    );
    await pipeline.run(source);
    expect(asked[0]!.query).toMatchObject({
      since: "1704067200",
      until: "1706745600",
      from: "1704067200",
      first: "1704067200",
    });
    // The records compare by their own values: both are in range, though neither is a number.
    expect(await ids(pipeline)).toEqual([1, 2]);
  });

  it("{incremental.last_value} is the value the run starts from; {incremental.initial_value} the configured one", async () => {
    events = [{ id: 1, at: 7 }];
    const pipeline = createPipeline({ name: "placeholders", store: memoryAdapter() });
    const source = restApiSource(
      config(
        { initial_value: 1 },
        { params: { last: "{incremental.last_value}", init: "{incremental.initial_value}" } },
      ),
    );
    await pipeline.run(source);
    await pipeline.run(source);
    expect(asked.map((r) => [r.query.last, r.query.init])).toEqual([
      ["1", "1"],
      ["7", "1"],
    ]);
  });

  it("convert must be a function", () => {
    try {
      restApiSource(config({ convert: "epoch" }));
      expect.unreachable();
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect(String(error)).toMatch(/resources\[0\]\.endpoint\.incremental\.convert: convert must be a function/);
    }
  });
});

describe("the incremental param form takes the same options", () => {
  it("range_start and last_value_func in a { type: incremental } param", async () => {
    events = [
      { id: 1, at: 5 },
      { id: 2, at: 3 },
    ];
    const pipeline = createPipeline({ name: "param-form", store: memoryAdapter() });
    await pipeline.run({
      client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "next" } },
      resources: [
        {
          name: "events",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: {
            path: "/events",
            data_selector: "data",
            params: {
              before: {
                type: "incremental",
                cursor_path: "at",
                initial_value: 5,
                last_value_func: "min",
                range_start: "open",
              },
            },
          },
        },
      ],
    });
    expect(asked[0]!.query.before).toBe("5");
    expect(await ids(pipeline)).toEqual([2]);
  });
});
