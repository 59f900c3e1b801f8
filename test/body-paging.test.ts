/**
 * POST search APIs end to end: paginators that write the cursor, offset, limit or page
 * into the JSON request body (dlt's `*_body_path` keys), form bodies (`endpoint.data`),
 * and the cursor paginator's `has_more_path` and `stop_after_empty_page`.
 */

import { type ConfigError, createPipeline, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import { expectStored, type Item, makeItems } from "./_helpers/paginated-api";
import type { MockApi, MockRequest } from "./mock/index";
import { runSearchBodiesScenario, SB_EXPECTED } from "./scenarios/search-bodies";
import { installSearchBodiesApi } from "./scenarios/search-bodies-api";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

type Resource = Exclude<RestApiConfig["resources"][number], string>;

async function sync(resource: Omit<Resource, "name">, runs = 1) {
  const pipeline = createPipeline({ name: "body-paging", store: memoryAdapter() });
  const source = restApiSource({
    client: { base_url: mock.url },
    resources: [{ name: "items", primary_key: "id", write_disposition: "merge", ...resource }],
  });
  const reports = [];
  for (let i = 0; i < runs; i++) reports.push(await pipeline.run(source, runs > 1 ? { maxRequests: 2 } : {}));
  return { pipeline, report: reports[reports.length - 1]!, reports };
}

/** Records every request `path` answers, with its parsed body and content type. */
function postRoute(path: string, answer: (body: Record<string, unknown>, req: MockRequest) => unknown) {
  const seen: Array<{ body: unknown; type: string | undefined }> = [];
  mock.route("POST", path, (req) => {
    seen.push({ body: req.body, type: req.headers["content-type"] });
    return { body: answer((req.body ?? {}) as Record<string, unknown>, req) };
  });
  return seen;
}

const at = (body: Record<string, unknown>, path: string): unknown =>
  path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], body);

describe("cursor_body_path", () => {
  it("writes the cursor, as the API gave it (a number stays a number), at a dotted path of the JSON body", async () => {
    const items = makeItems(11);
    const seen = postRoute("/search", (body) => {
      const start = (at(body, "paging.cursor") as number | undefined) ?? 0;
      const size = at(body, "paging.size") as number;
      const next = start + size < items.length ? start + size : null;
      return { hits: items.slice(start, start + size), next_cursor: next };
    });
    const { pipeline, report } = await sync({
      endpoint: {
        path: "/search",
        method: "POST",
        json: { query: "x", paging: { size: 4 } },
        data_selector: "hits",
        paginator: { type: "cursor", cursor_path: "next_cursor", cursor_body_path: "paging.cursor" },
      },
    });
    expect(report.status).toBe("completed");
    expect(seen.map((s) => s.body)).toEqual([
      { query: "x", paging: { size: 4 } },
      { query: "x", paging: { size: 4, cursor: 4 } },
      { query: "x", paging: { size: 4, cursor: 8 } },
    ]);
    expect(seen.every((s) => s.type === "application/json")).toBe(true);
    await expectStored(pipeline, "items", items);
  });

  it("resumes a budgeted run from the body cursor it stopped at", async () => {
    const items = makeItems(10);
    const seen = postRoute("/search-resume", (body) => {
      const start = Number(body.cursor ?? 0);
      return { data: items.slice(start, start + 3), next: start + 3 < items.length ? String(start + 3) : null };
    });
    const { pipeline, reports } = await sync(
      {
        endpoint: {
          path: "/search-resume",
          method: "POST",
          json: { q: 1 },
          paginator: { type: "cursor", cursor_path: "next", cursor_body_path: "cursor" },
        },
      },
      2,
    );
    expect(reports.map((r) => r.resources["items"]!.status)).toEqual(["incomplete", "completed"]);
    expect(seen.map((s) => s.body)).toEqual([
      { q: 1 },
      { q: 1, cursor: "3" },
      { q: 1, cursor: "6" },
      { q: 1, cursor: "9" },
    ]);
    await expectStored(pipeline, "items", items);
  });
});

describe("offset_body_path, limit_body_path and page_body_path", () => {
  it("offset and limit in the body", async () => {
    const items = makeItems(9);
    const seen = postRoute("/search-offset", (body) => {
      const { offset, limit } = body.page as { offset: number; limit: number };
      return { data: items.slice(offset, offset + limit), total: items.length };
    });
    const { pipeline, report } = await sync({
      endpoint: {
        path: "/search-offset",
        method: "POST",
        json: { filter: { active: true } },
        paginator: { type: "offset", limit: 4, offset_body_path: "page.offset", limit_body_path: "page.limit" },
      },
    });
    expect(report.status).toBe("completed");
    expect(seen.map((s) => s.body)).toEqual(
      [0, 4, 8].map((offset) => ({ filter: { active: true }, page: { offset, limit: 4 } })),
    );
    await expectStored(pipeline, "items", items);
  });

  it("the page number in the body, as dlt's own mock search endpoint takes it", async () => {
    const items = makeItems(12);
    const seen = postRoute("/posts/search", (body) => {
      const page = Number(body.page ?? 1);
      const size = Number(body.page_size);
      const pages = Math.ceil(items.length / size);
      return {
        data: items.slice((page - 1) * size, page * size),
        next_page: page < pages ? page + 1 : null,
        total_pages: pages,
      };
    });
    const { pipeline, report } = await sync({
      endpoint: {
        path: "/posts/search",
        method: "POST",
        json: { page_size: 5 },
        paginator: { type: "page_number", base_page: 1, page_body_path: "page", total_path: "total_pages" },
      },
    });
    expect(report.status).toBe("completed");
    expect(seen.map((s) => s.body)).toEqual([1, 2, 3].map((page) => ({ page_size: 5, page })));
    await expectStored(pipeline, "items", items);
  });
});

describe("cursor has_more_path and stop_after_empty_page", () => {
  it("has_more_path false ends the chain although a cursor came with it", async () => {
    const items = makeItems(6);
    mock.route("GET", "/more", (req) => {
      const start = Number(req.query["cursor"] ?? 0);
      return {
        body: {
          data: items.slice(start, start + 3),
          cursor: String(start + 3),
          has_more: start + 3 < 6 ? "true" : "false",
        },
      };
    });
    const { pipeline, report } = await sync({
      endpoint: { path: "/more", paginator: { type: "cursor", cursor_path: "cursor", has_more_path: "has_more" } },
    });
    expect(report.resources["items"]!.requests).toBe(2);
    await expectStored(pipeline, "items", items);
  });

  it("stop_after_empty_page ends on a page without records although a cursor came with it; by default it goes on", async () => {
    const items = makeItems(3);
    const pages = [items, [], items.slice(0, 1) as Item[]];
    mock.route("GET", "/empty-page", (req) => {
      const n = Number(req.query["cursor"] ?? 0);
      return { body: { data: pages[n] ?? [], cursor: n < 2 ? String(n + 1) : null } };
    });
    const stops = await sync({
      endpoint: {
        path: "/empty-page",
        paginator: { type: "cursor", cursor_path: "cursor", stop_after_empty_page: true },
      },
    });
    expect(stops.report.resources["items"]!.requests).toBe(2);
    const goesOn = await sync({
      endpoint: { path: "/empty-page", paginator: { type: "cursor", cursor_path: "cursor" } },
    });
    expect(goesOn.report.resources["items"]!.requests).toBe(3);
    await expectStored(goesOn.pipeline, "items", items);
  });
});

describe("endpoint.data: form and raw bodies", () => {
  it("an object is sent as application/x-www-form-urlencoded (lists repeat, null is left out, placeholders filled)", async () => {
    const seen: Array<{ raw: string; type: string | undefined }> = [];
    mock.route("GET", "/forms-parent", () => ({ body: [{ id: 7 }] }));
    mock.route("POST", "/forms", (req) => {
      seen.push({ raw: req.rawBody, type: req.headers["content-type"] });
      return { body: [{ id: 1, got: req.body }] };
    });
    const pipeline = createPipeline({ name: "forms", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url, paginator: "single_page" },
        resources: [
          { name: "parents", endpoint: "/forms-parent" },
          {
            name: "items",
            endpoint: {
              path: "/forms",
              method: "POST",
              data: { q: "a b&c", parent: "{resources.parents.id}", n: 2, skip: null, tag: ["x", "y"] },
            },
          },
        ],
      }),
    );
    expect(report.status).toBe("completed");
    expect(seen).toEqual([{ raw: "q=a+b%26c&parent=7&n=2&tag=x&tag=y", type: "application/x-www-form-urlencoded" }]);
    const stored = [];
    for await (const record of pipeline.records("items")) stored.push(record);
    expect(stored).toEqual([{ id: 1, got: { q: "a b&c", parent: "7", n: "2", tag: "y" } }]);
  });

  it("a list of [name, value] pairs is a form in that order; an empty object or list sends no body (dlt's data)", async () => {
    const seen: Array<{ raw: string; type: string | undefined }> = [];
    mock.route("POST", "/forms", (req) => {
      seen.push({ raw: req.rawBody, type: req.headers["content-type"] });
      return { body: [{ id: 1 }] };
    });
    const post = (data: unknown) =>
      sync({ endpoint: { path: "/forms", method: "POST", data, paginator: "single_page" } as never });
    await post([
      ["key1", "value1"],
      ["key2", 2],
      ["key1", "another_value"],
    ]);
    await post({});
    await post([]);
    expect(seen).toEqual([
      { raw: "key1=value1&key2=2&key1=another_value", type: "application/x-www-form-urlencoded" },
      { raw: "", type: undefined },
      { raw: "", type: undefined },
    ]);
  });

  it("a string is sent as it is, with no Content-Type (as dlt sends it) unless a header says one", async () => {
    const seen = postRoute("/raw", () => ({ data: [{ id: 1 }] }));
    const { report } = await sync({
      endpoint: { path: "/raw", method: "POST", data: "<query>all</query>", paginator: "single_page" },
    });
    expect(report.status).toBe("completed");
    await sync({
      endpoint: {
        path: "/raw",
        method: "POST",
        data: "<query>all</query>",
        headers: { "Content-Type": "application/xml" },
        paginator: "single_page",
      },
    });
    expect(seen).toEqual([
      { body: "<query>all</query>", type: undefined },
      { body: "<query>all</query>", type: "application/xml" },
    ]);
  });
});

describe("refused at validation, with what to write instead", () => {
  const issues = (endpoint: Record<string, unknown>, client: Record<string, unknown> = {}) => {
    try {
      restApiSource({
        client: { base_url: "https://api.example.com", ...client },
        resources: [{ name: "a", endpoint }] as never,
      });
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
    throw new Error("config was accepted");
  };

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "a cursor both in the query and the body",
      { method: "POST", paginator: { type: "cursor", cursor_param: "c", cursor_body_path: "c" } },
      /^resources\[0\]\.endpoint\.paginator\.cursor_body_path: cursor_body_path and cursor_param both set/,
    ],
    [
      "a page number both in the query and the body",
      { method: "POST", paginator: { type: "page_number", page_param: "p", page_body_path: "p" } },
      /^resources\[0\]\.endpoint\.paginator\.page_body_path: page_body_path and page_param both set/,
    ],
    [
      "a body path on a GET",
      { paginator: { type: "offset", limit: 5, offset_body_path: "offset" } },
      /^resources\[0\]\.endpoint\.method: the paginator's offset_body_path writes the JSON request body, .*set method: "POST"/,
    ],
    [
      "a body path with a form body",
      { method: "POST", data: { a: 1 }, paginator: { type: "cursor", cursor_body_path: "c" } },
      /^resources\[0\]\.endpoint\.data: the paginator's cursor_body_path writes a JSON body/,
    ],
    [
      "a form body on a GET",
      { data: { a: 1 } },
      /^resources\[0\]\.endpoint\.data: data is a request body, which a GET does not send: set method: "POST"/,
    ],
    [
      "data and json together",
      { method: "POST", data: "x", json: { a: 1 } },
      /^resources\[0\]\.endpoint\.data: data and json both set/,
    ],
    [
      "an empty segment in a body path",
      { method: "POST", paginator: { type: "cursor", cursor_body_path: "a..b" } },
      /cursor_body_path must be dot-separated keys/,
    ],
  ])("%s", (_label, endpoint, pattern) => {
    const found = issues(endpoint);
    expect(
      found.some((line) => pattern.test(line)),
      found.join("\n"),
    ).toBe(true);
  });

  it("client.paginator naming both places", () => {
    const found = issues({}, { paginator: { type: "offset", limit: 2, limit_param: "n", limit_body_path: "n" } });
    expect(found).toContainEqual(
      expect.stringMatching(/^client\.paginator\.limit_body_path: limit_body_path and limit_param both set/),
    );
  });
});

describe("the request-bodies scenario (also run in Chromium and workerd)", () => {
  it("sends JSON, form and raw bodies as the store then shows them", async () => {
    installSearchBodiesApi(mock);
    const pipeline = createPipeline({ name: "search-bodies", store: memoryAdapter() });
    const { report, stored } = await runSearchBodiesScenario(pipeline, mock.url);
    expect(report.status, JSON.stringify(report.resources)).toBe("completed");
    expect(stored).toEqual(SB_EXPECTED);
  });
});
