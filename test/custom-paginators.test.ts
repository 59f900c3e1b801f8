/**
 * Custom paginators (dlt's BasePaginator subclasses and register_paginator) end to end:
 * registered by name with options, given as an instance, paging in the query and in the
 * body, once per parent chain, and resumed by a budgeted run.
 */

import {
  type ConfigError,
  type CustomPaginator,
  createPipeline,
  type PaginatorRequest,
  type PaginatorResponse,
  type RestApiConfig,
  registerPaginator,
  restApiSource,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import { expectStored, makeItems } from "./_helpers/paginated-api";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

/** A page-token API: `?pt=<token>` (none for the first page), `size` items a page, the next token at `meta.token`. */
function tokenApi(path: string, total = 11, method: "GET" | "POST" = "GET") {
  const items = makeItems(total);
  const seen: Array<Record<string, unknown>> = [];
  mock.route(method, path, (req) => {
    const input = (method === "GET" ? req.query : req.body) as Record<string, unknown>;
    seen.push({ ...input });
    const start = input["pt"] === undefined ? 0 : Number(String(input["pt"]).slice(3));
    const size = Number(input["size"] ?? 4);
    const next = start + size < items.length ? `tok${start + size}` : undefined;
    return { body: { data: items.slice(start, start + size), meta: next ? { token: next } : {} } };
  });
  return { items, seen };
}

/** dlt's BasePaginator, written as a user would: options from the config, state from the response. */
class PageTokenPaginator implements CustomPaginator {
  hasNextPage = true;
  #token: string | undefined;
  readonly #param: string;
  readonly #size: number | undefined;
  constructor(options: Record<string, unknown> = {}) {
    this.#param = String(options.param ?? "pt");
    this.#size = options.size as number | undefined;
  }
  initRequest(request: PaginatorRequest) {
    if (this.#size) request.params.size = String(this.#size);
  }
  updateState(response: PaginatorResponse) {
    this.#token = (response.body as { meta: { token?: string } }).meta.token;
    this.hasNextPage = this.#token !== undefined;
  }
  updateRequest(request: PaginatorRequest) {
    request.params[this.#param] = this.#token!;
  }
}

async function sync(config: Omit<RestApiConfig, "client">, options: { maxRequests?: number; runs?: number } = {}) {
  const pipeline = createPipeline({ name: "custom", store: memoryAdapter() });
  const source = restApiSource({ client: { base_url: mock.url }, ...config });
  const reports = [];
  for (let i = 0; i < (options.runs ?? 1); i++)
    reports.push(await pipeline.run(source, options.maxRequests ? { maxRequests: options.maxRequests } : {}));
  return { pipeline, report: reports[reports.length - 1]!, reports };
}

const items = (endpoint: Record<string, unknown>) => ({
  resources: [{ name: "items", primary_key: "id", write_disposition: "merge" as const, endpoint }],
});

describe("registered by name (dlt's register_paginator)", () => {
  registerPaginator("page_token", PageTokenPaginator);

  it("is named as `type`, its other keys handed to the class as options", async () => {
    const api = tokenApi("/tokens");
    const { pipeline, report } = await sync(
      items({ path: "/tokens", paginator: { type: "page_token", size: 5 } as never }),
    );
    expect(report.status).toBe("completed");
    expect(api.seen).toEqual([{ size: "5" }, { size: "5", pt: "tok5" }, { size: "5", pt: "tok10" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("works as a bare name, at client level, and from a factory function", async () => {
    registerPaginator("page_token_fn", (options) => new PageTokenPaginator({ ...options, size: 6 }));
    const api = tokenApi("/tokens-fn");
    const pipeline = createPipeline({ name: "custom", store: memoryAdapter() });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url, paginator: "page_token_fn" },
        resources: [{ name: "items", primary_key: "id", write_disposition: "merge", endpoint: "/tokens-fn" }],
      }),
    );
    expect(report.status).toBe("completed");
    expect(api.seen).toEqual([{ size: "6" }, { size: "6", pt: "tok6" }]);
    await expectStored(pipeline, "items", api.items);
  });

  it("resumes a budgeted run at the request it stopped before", async () => {
    const api = tokenApi("/tokens-resume");
    const { pipeline, reports } = await sync(
      items({ path: "/tokens-resume", paginator: { type: "page_token", size: 3 } as never }),
      { maxRequests: 2, runs: 2 },
    );
    expect(reports.map((r) => r.resources["items"]!.status)).toEqual(["incomplete", "completed"]);
    expect(api.seen.map((q) => q.pt)).toEqual([undefined, "tok3", "tok6", "tok9"]);
    await expectStored(pipeline, "items", api.items);
  });

  it("an unknown type lists the registered names; a factory that throws is a ConfigError at the paginator's path", () => {
    registerPaginator("strict", (options) => {
      if (typeof options.size !== "number") throw new Error("size must be a number");
      return new PageTokenPaginator(options);
    });
    const issues = (paginator: unknown) => {
      try {
        restApiSource({ client: { base_url: "https://x.example" }, ...items({ paginator }) } as never);
      } catch (error) {
        return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues({ type: "page_tokn" })).toContainEqual(
      expect.stringMatching(/^resources\[0\]\.endpoint\.paginator\.type: unknown paginator "page_tokn" .*page_token, /),
    );
    expect(issues({ type: "strict", size: "5" })).toEqual([
      'resources[0].endpoint.paginator: paginator "strict" could not be made: size must be a number',
    ]);
    expect(issues({ type: "strict", size: 5 })).toEqual([]);
  });

  it("a built-in name cannot be taken", () => {
    expect(() => registerPaginator("cursor", PageTokenPaginator)).toThrow(
      /"cursor" needs .* a name other than a built-in paginator's/,
    );
  });
});

describe("given as an instance", () => {
  it("pages each parent's chain with its own copy (children run concurrently)", async () => {
    mock.route("GET", "/owners", () => ({ body: [{ id: 1 }, { id: 2 }, { id: 3 }] }));
    const apis = [1, 2, 3].map((owner) => tokenApi(`/owners/${owner}/things`, 7 + owner));
    const { pipeline, report } = await sync({
      resources: [
        { name: "owners", endpoint: { path: "/owners", paginator: "single_page" } },
        {
          name: "things",
          endpoint: { path: "/owners/{owner_id}/things", paginator: new PageTokenPaginator({ size: 3 }) },
          include_from_parent: ["id"],
        },
      ],
    });
    expect(report.status, JSON.stringify(report.resources)).toBe("completed");
    for (const [i, api] of apis.entries()) {
      expect(api.seen.map((q) => q.pt)).toEqual([undefined, "tok3", "tok6", ...(i === 2 ? ["tok9"] : [])]);
    }
    expect(await pipeline.count("things")).toBe(8 + 9 + 10);
  });

  it("pages a POST search API through request.json", async () => {
    const api = tokenApi("/tokens-post", 9, "POST");
    const bodyPaginator: CustomPaginator & { token?: string } = {
      hasNextPage: true,
      updateState(response) {
        this.token = (response.body as { meta: { token?: string } }).meta.token;
        this.hasNextPage = this.token !== undefined;
      },
      updateRequest(request) {
        request.json = { ...request.json, pt: this.token };
      },
    };
    const { pipeline, report } = await sync(
      items({ path: "/tokens-post", method: "POST", json: { size: 4, q: "all" }, paginator: bodyPaginator }),
    );
    expect(report.status).toBe("completed");
    expect(api.seen).toEqual([
      { size: 4, q: "all" },
      { size: 4, q: "all", pt: "tok4" },
      { size: 4, q: "all", pt: "tok8" },
    ]);
    await expectStored(pipeline, "items", api.items);
  });
});
