/**
 * dlt's spellings of a config, accepted as dlt reads them and checked on the wire against the
 * reference mock API: auth without `type`, auth as a type name with its fields from secrets,
 * `location: "param"`, the `json_response` paginator, paginator names as strings, `null` clearing
 * a default, `lag` in an incremental param, `parallelized`, and dlt's secret names.
 */

import { createPipeline, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const PAGES: Record<string, unknown> = {
  "1": { items: [{ id: 1 }, { id: 2 }], next: "/pages?page=2", cursors: { next: "c2" } },
  "2": { items: [{ id: 3 }], next: null, cursors: { next: null } },
};

beforeEach(() => {
  mock.route("GET", "/pages", (req) => ({ body: PAGES[req.query.page ?? req.query.cursor?.slice(1) ?? "1"] }));
  mock.route("GET", "/numbered", (req) => ({
    // `total` pages: page_number's default total_path (dlt fails a page without it).
    body: { items: Number(req.query.page ?? 0) < 2 ? [{ id: Number(req.query.page ?? 0) }] : [], total: 2 },
  }));
  mock.route("GET", "/items", () => ({ body: { data: [{ id: 1, updated_at: "2024-05-01T00:00:00Z" }] } }));
});

type Resource = Exclude<RestApiConfig["resources"][number], string>;

async function run(
  config: { client?: Record<string, unknown>; resources: unknown[]; resource_defaults?: unknown },
  secrets?: Record<string, string>,
) {
  const pipeline = createPipeline({ name: "spellings", store: memoryAdapter(), ...(secrets ? { secrets } : {}) });
  const source = restApiSource({ ...config, client: { base_url: mock.url, ...config.client } } as RestApiConfig);
  const report = await pipeline.run(source);
  return { report, pipeline, source };
}

const items = (endpoint: Record<string, unknown> = {}): Resource =>
  ({ name: "items", endpoint: { path: "/items", paginator: "single_page", ...endpoint } }) as Resource;

describe("auth as dlt spells it", () => {
  it("an auth dict without type is bearer (dlt's default type)", async () => {
    const { report } = await run({ client: { auth: { token: "t0ken-value" } }, resources: [items()] });
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.headers.authorization).toBe("Bearer t0ken-value");
  });

  it("auth as a type name string takes its fields from secrets named as dlt names them", async () => {
    const { report } = await run(
      { client: { auth: "bearer" }, resources: [items()] },
      {
        SOURCES__REST_API__CREDENTIALS__TOKEN: "from-sections",
      },
    );
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.headers.authorization).toBe("Bearer from-sections");

    await run(
      { client: { auth: "http_basic" }, resources: [items()] },
      {
        CREDENTIALS__USERNAME: "user",
        SOURCES__CREDENTIALS__PASSWORD: "pass-word",
      },
    );
    expect(mock.requests.at(-1)!.headers.authorization).toBe(`Basic ${btoa("user:pass-word")}`);
  });

  it("a missing field of a type-name auth is a secret_missing ConfigError naming dlt's variable", async () => {
    const pipeline = createPipeline({ name: "spellings", store: memoryAdapter(), secrets: {} });
    await expect(
      pipeline.run(restApiSource({ client: { base_url: mock.url, auth: "api_key" as never }, resources: [items()] })),
    ).rejects.toThrow(/CREDENTIALS__API_KEY/);
    // The same for an auth dict that leaves its key out (dlt reads it from its config sections too).
    await expect(
      pipeline.run(
        restApiSource({ client: { base_url: mock.url, auth: { type: "api_key", name: "k" } }, resources: [items()] }),
      ),
    ).rejects.toThrow(/client\.auth\.api_key: secret "credentials\.api_key" is not set .*CREDENTIALS__API_KEY/);
  });

  it("a field an auth dict leaves out is read from secrets named as dlt names them; name and password keep their defaults", async () => {
    const { report } = await run(
      { client: { auth: { type: "api_key", location: "cookie" } }, resources: [items()] },
      { CREDENTIALS__API_KEY: "k3y-value", SOURCES__REST_API__CREDENTIALS__NAME: "session" },
    );
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.headers.cookie).toBe("session=k3y-value");
    await run(
      { client: { auth: { type: "http_basic", username: "user" } }, resources: [items()] },
      {
        CREDENTIALS__PASSWORD: "pass-word",
      },
    );
    expect(mock.requests.at(-1)!.headers.authorization).toBe(`Basic ${btoa("user:pass-word")}`);
    await run({ client: { auth: { type: "api_key", api_key: "k3y-value" } }, resources: [items()] }, {});
    expect(mock.requests.at(-1)!.headers.authorization).toBe("k3y-value");
  });

  it("oauth2_client_credentials as a name reads its token URL and client from secrets; a bad URL there is a ConfigError at run", async () => {
    const tokenForms: string[] = [];
    mock.route("POST", "/oauth/token", (req) => {
      tokenForms.push(req.rawBody);
      return { body: { access_token: "issued-token", expires_in: 3600 } };
    });
    const { report } = await run(
      { client: { auth: "oauth2_client_credentials" }, resources: [items()] },
      {
        CREDENTIALS__ACCESS_TOKEN_URL: `${mock.url}/oauth/token`,
        CREDENTIALS__CLIENT_ID: "client",
        CREDENTIALS__CLIENT_SECRET: "client-secret",
      },
    );
    expect(report.status).toBe("completed");
    expect(tokenForms[0]).toContain("client_secret=client-secret");
    expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer issued-token");
    await expect(
      run(
        { client: { auth: "oauth2_client_credentials" }, resources: [items()] },
        {
          CREDENTIALS__ACCESS_TOKEN_URL: "ftp://example.com/token",
          CREDENTIALS__CLIENT_ID: "c",
          CREDENTIALS__CLIENT_SECRET: "s",
        },
      ),
    ).rejects.toThrow(/client\.auth\.access_token_url: access_token_url must be an http/);
  });

  it('location: "param" sends an api_key as a query parameter', async () => {
    const { report } = await run({
      client: { auth: { type: "api_key", name: "api_key", api_key: "k3y-value", location: "param" } },
      resources: [items()],
    });
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.query.api_key).toBe("k3y-value");
    expect(mock.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("an unknown auth type name string is refused with the list of types", () => {
    expect(() => restApiSource({ client: { base_url: mock.url, auth: "bearr" as never }, resources: ["a"] })).toThrow(
      /client\.auth: unknown auth type "bearr" \(expected one of api_key, bearer/,
    );
  });
});

describe("paginators as dlt spells them", () => {
  it('the json_response alias is json_link, as a name and as { type: "json_response" }', async () => {
    const { report } = await run({
      resources: [
        { name: "a", endpoint: { path: "/pages", data_selector: "items", paginator: "json_response" } },
        {
          name: "b",
          endpoint: {
            path: "/pages",
            data_selector: "items",
            paginator: { type: "json_response", next_url_path: "next" },
          },
        },
      ],
    });
    expect(report.resources.a).toMatchObject({ status: "completed", records: 3, pages: 2 });
    expect(report.resources.b).toMatchObject({ status: "completed", records: 3, pages: 2 });
  });

  it('"cursor" and "page_number" as strings are those paginators with their defaults', async () => {
    const { report, source } = await run({
      resources: [
        { name: "c", endpoint: { path: "/pages", data_selector: "items", paginator: "cursor" } },
        { name: "p", endpoint: { path: "/numbered", data_selector: "items", paginator: "page_number" } },
      ],
    });
    expect(source.resources.find((r) => r.name === "c")!.paginator).toMatchObject({
      type: "cursor",
      cursor_path: "cursors.next",
      cursor_param: "cursor",
    });
    expect(report.resources.c).toMatchObject({ status: "completed", records: 3 });
    expect(report.resources.p).toMatchObject({ status: "completed", records: 2 });
  });

  it('"offset" as a string is refused: it needs a limit, as in dlt', () => {
    expect(() =>
      restApiSource({ client: { base_url: mock.url, paginator: "offset" as never }, resources: ["a"] }),
    ).toThrow(/offset .*needs an object/);
  });
});

describe("null clears a default, as in dlt", () => {
  it("paginator: null and data_selector: null drop resource_defaults' values (the client's paginator / auto-detection apply)", async () => {
    const { report, source } = await run({
      client: { paginator: "json_link" },
      resource_defaults: { endpoint: { paginator: "single_page", data_selector: "nothing.here" } },
      resources: [{ name: "a", endpoint: { path: "/pages", paginator: null, data_selector: null } }],
    });
    expect(source.resources[0]!.paginator.type).toBe("json_link");
    expect(source.resources[0]!.dataSelector).toBeUndefined();
    expect(report.resources.a).toMatchObject({ status: "completed", records: 3, pages: 2 });
  });

  it("client.paginator: null is auto", () => {
    const source = restApiSource({ client: { base_url: mock.url, paginator: null as never }, resources: ["a"] });
    expect(source.resources[0]!.paginator.type).toBe("auto");
  });
});

describe("incremental and resource keys", () => {
  it("lag in a param-style incremental is applied to the start value sent", async () => {
    const resource = {
      name: "items",
      endpoint: {
        path: "/items",
        paginator: "single_page",
        params: {
          since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-01-01T00:00:00Z", lag: 3600 },
        },
      },
    };
    const pipeline = createPipeline({ name: "lag", store: memoryAdapter() });
    const source = restApiSource({ client: { base_url: mock.url }, resources: [resource] } as RestApiConfig);
    await pipeline.run(source);
    await pipeline.run(source);
    expect(mock.requests.map((r) => r.query.since)).toEqual(["2024-01-01T00:00:00Z", "2024-04-30T23:00:00Z"]);
  });

  it("parallelized is accepted on a resource and in resource_defaults", () => {
    const source = restApiSource({
      client: { base_url: mock.url },
      resource_defaults: { parallelized: false } as never,
      resources: [{ name: "a", parallelized: true } as never],
    });
    expect(source.resources[0]!.name).toBe("a");
  });
});

describe("dlt's secret names", () => {
  const set: string[] = [];
  afterEach(() => {
    for (const name of set.splice(0)) delete process.env[name];
  });
  const env = (name: string, value: string) => {
    process.env[name] = value;
    set.push(name);
  };
  const keyed = () =>
    items({}) && {
      client: { auth: { type: "api_key", name: "X-Key", api_key: 'secrets["api_key"]' } },
      resources: [items()],
    };

  it("SOURCES__REST_API__API_KEY in the environment", async () => {
    env("SOURCES__REST_API__API_KEY", "rest-api-section");
    const { report } = await run(keyed());
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.headers["x-key"]).toBe("rest-api-section");
  });

  it("SOURCES__<PIPELINE NAME>__API_KEY (the pipeline's name is the source's section), and the more specific name wins", async () => {
    env("SOURCES__SPELLINGS__API_KEY", "by-name");
    env("SOURCES__API_KEY", "generic");
    const { report } = await run(keyed());
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.headers["x-key"]).toBe("by-name");
  });

  it('a dotted name reads sections: secrets["sources.rest_api.api_key"] from SOURCES__REST_API__API_KEY or a nested object', async () => {
    env("SOURCES__REST_API__API_KEY", "dotted");
    const config = {
      client: { auth: { type: "api_key", name: "X-Key", api_key: 'secrets["sources.rest_api.api_key"]' } },
      resources: [items()],
    };
    await run(config);
    expect(mock.requests.at(-1)!.headers["x-key"]).toBe("dotted");
    const pipeline = createPipeline({
      name: "nested",
      store: memoryAdapter(),
      secrets: { sources: { rest_api: { api_key: "nested-value" } } } as never,
    });
    await pipeline.run(restApiSource({ ...config, client: { base_url: mock.url, ...config.client } } as RestApiConfig));
    expect(mock.requests.at(-1)!.headers["x-key"]).toBe("nested-value");
  });
});
