/**
 * Secrets: where `secrets["name"]` is resolved from, what a missing one does,
 * and that secret values never reach reports, progress events or errors.
 */

import {
  type ConfigError,
  createPipeline,
  isConfigError,
  type ProgressEvent,
  type RestApiConfig,
  restApiSource,
  type SecretSource,
  secrets,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveSecrets } from "../src/_resolve-secrets";
import { CREDENTIAL_AUTH_FIELDS } from "../src/config/_schema";
import { type MockApi, type MockRequest, startMockApi } from "./mock/index";

let mock: MockApi;

const ENV_NAMES = ["API_KEY", "SOURCES__API_KEY", "OTHER_TOKEN", "SOURCES__OTHER_TOKEN"] as const;
const savedEnv = new Map<string, string | undefined>();

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
  for (const name of ENV_NAMES) savedEnv.set(name, process.env[name]);
});
afterAll(async () => {
  await mock?.close();
});
beforeEach(() => {
  mock.reset();
  for (const name of ENV_NAMES) delete process.env[name];
});
afterEach(() => {
  // Restore the environment exactly as it was.
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The seed API with the key in the `api_key` header, as in the seed config. */
const seedSource = () =>
  restApiSource({
    client: {
      base_url: mock.url,
      auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "header" },
    },
    resources: [
      {
        name: "labels",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { path: "/v1/labels", data_selector: "data", paginator: "single_page" },
      },
    ],
  });

async function runSeed(provided: SecretSource | undefined) {
  const pipeline = createPipeline({
    name: "secrets",
    store: memoryAdapter(),
    ...(provided ? { secrets: provided } : {}),
  });
  const report = await pipeline.run(seedSource());
  return { report, pipeline };
}

describe('secrets["api_key"] is resolved', () => {
  it("from createPipeline({ secrets })", async () => {
    const { report, pipeline } = await runSeed({ api_key: mock.apiKey });
    expect(report.status).toBe("completed");
    expect(await pipeline.count("labels")).toBe(mock.expected("labels").length);
    expect(mock.requests.map((r) => r.headers["api_key"])).toEqual([mock.apiKey]);
  });

  it("from API_KEY in process.env", async () => {
    process.env.API_KEY = mock.apiKey;
    const { report } = await runSeed(undefined);
    expect(report.status).toBe("completed");
    expect(mock.requests.map((r) => r.headers["api_key"])).toEqual([mock.apiKey]);
  });

  it("from SOURCES__API_KEY in process.env", async () => {
    process.env.SOURCES__API_KEY = mock.apiKey;
    const { report } = await runSeed(undefined);
    expect(report.status).toBe("completed");
    expect(mock.requests.map((r) => r.headers["api_key"])).toEqual([mock.apiKey]);
  });

  it("upper-cased in the provided object (a Worker's env)", async () => {
    const env = { API_KEY: mock.apiKey, KV: {}, OTHER: 42 };
    const { report } = await runSeed(env);
    expect(report.status).toBe("completed");
    expect(mock.requests.map((r) => r.headers["api_key"])).toEqual([mock.apiKey]);
  });

  it("the provided value wins over the environment, and API_KEY over SOURCES__API_KEY", async () => {
    process.env.API_KEY = "from-env";
    process.env.SOURCES__API_KEY = "from-sources-env";
    await runSeed({ api_key: mock.apiKey });
    await runSeed(undefined);
    delete process.env.API_KEY;
    await runSeed(undefined);
    expect(mock.requests.map((r) => r.headers["api_key"])).toEqual([mock.apiKey, "from-env", "from-sources-env"]);
  });

  it("in auth and client headers", async () => {
    const seen = thingsRoute();
    const pipeline = createPipeline({
      name: "secrets",
      store: memoryAdapter(),
      secrets: { token: "tok-value", tenant: "tenant-value" },
    });
    const report = await pipeline.run(
      restApiSource({
        client: {
          base_url: mock.url,
          auth: { type: "bearer", token: secrets["token"] },
          headers: { "X-Tenant": secrets["tenant"] },
        },
        resources: [{ name: "things", endpoint: { path: "/things", paginator: "single_page" } }],
      }),
    );
    expect(report.status).toBe("completed");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["authorization"]).toBe("Bearer tok-value");
    expect(seen[0]!.headers["x-tenant"]).toBe("tenant-value");
  });

  it('in endpoint params (accepted by the schema as secrets["name"])', async () => {
    const seen = thingsRoute();
    const pipeline = createPipeline({ name: "secrets", store: memoryAdapter(), secrets: { tenant: "tenant-value" } });
    const report = await pipeline.run(
      restApiSource({
        client: { base_url: mock.url },
        resources: [
          {
            name: "things",
            endpoint: {
              path: "/things",
              paginator: "single_page",
              params: { tenant: secrets["tenant"]!, page_size: 5 },
            },
          },
        ],
      }),
    );
    expect(report.status).toBe("completed");
    expect(seen[0]!.query).toEqual({ tenant: "tenant-value", page_size: "5" });
  });
});

function thingsRoute(): MockRequest[] {
  const seen: MockRequest[] = [];
  mock.route("GET", "/things", (req) => {
    seen.push(req);
    return { body: { data: [{ id: 1 }] } };
  });
  return seen;
}

describe("a missing secret", () => {
  it("rejects pipeline.run with a ConfigError (secret_missing) naming it, before any request", async () => {
    const pipeline = createPipeline({ name: "secrets", store: memoryAdapter(), secrets: { unrelated: "x" } });
    const error = await pipeline.run(seedSource()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    const configError = error as ConfigError;
    expect(configError.code).toBe("secret_missing");
    expect(configError.message).toContain("api_key");
    expect(configError.issues.map((i) => i.message).join("\n")).toContain('"api_key"');
    expect(mock.requests).toEqual([]);
  });

  it("with no secrets object and an empty environment value, names every missing secret at once", async () => {
    process.env.API_KEY = "";
    const pipeline = createPipeline({ name: "secrets", store: memoryAdapter() });
    const source = restApiSource({
      client: {
        base_url: mock.url,
        auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"] },
        headers: { "X-Other": secrets["other_token"] },
      },
      resources: [{ name: "labels", endpoint: { path: "/v1/labels", paginator: "single_page" } }],
    });
    const error = (await pipeline.run(source).catch((e: unknown) => e)) as ConfigError;
    expect(isConfigError(error)).toBe(true);
    expect(error.code).toBe("secret_missing");
    expect(error.message).toContain("api_key");
    expect(error.message).toContain("other_token");
    expect(mock.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------- redaction

const SECRET = "Zq7-s3cr3t/k+y&v=1 x~";
/** Every spelling in which the secret could leak. */
const SPELLINGS = [
  SECRET,
  encodeURIComponent(SECRET),
  new URLSearchParams({ s: SECRET }).toString().slice(2),
  encodeURI(SECRET),
];

function expectNoSecret(what: string, text: string) {
  for (const spelling of SPELLINGS)
    expect(text.includes(spelling), `${what} contains the secret (${spelling}): ${text}`).toBe(false);
}

type Resource = Exclude<RestApiConfig["resources"][number], string>;

interface Scenario {
  name: string;
  setup(): void;
  resource: Resource;
  /** The URL the error should show, with the secret as ***. */
  shownUrl: () => string;
}

const fast = { max_retries: 1, backoff_factor: 0.01 };

const scenarios: Scenario[] = [
  {
    name: "401 from the seed API with the key in the query string",
    setup() {},
    resource: { name: "labels", endpoint: { path: "/v1/labels", paginator: "single_page", error_handler: fast } },
    shownUrl: () => `${mock.url}/v1/labels?api_key=***`,
  },
  {
    name: "404 whose body echoes the key (raw and URL-encoded)",
    setup() {
      mock.route("GET", "/echo", (req) => ({
        status: 404,
        body: { error: `unknown key ${req.query.api_key}`, header: req.headers["x-key"], url: req.url.search },
      }));
    },
    resource: { name: "echo", endpoint: { path: "/echo", paginator: "single_page", error_handler: fast } },
    shownUrl: () => `${mock.url}/echo?api_key=***`,
  },
  {
    name: "429 retried until exhausted, with the key echoed in the body",
    setup() {
      mock.route("GET", "/limited", (req) => ({
        status: 429,
        headers: { "retry-after": "0" },
        body: { error: `slow down, ${req.query.api_key}` },
      }));
    },
    resource: {
      name: "limited",
      endpoint: { path: "/limited", paginator: "single_page", error_handler: { max_retries: 2, backoff_factor: 0.01 } },
    },
    shownUrl: () => `${mock.url}/limited?api_key=***`,
  },
  {
    name: "network errors (connection reset), retried then failed",
    setup() {
      mock.faults.add({ match: "/net", kind: "reset", times: 5 });
    },
    resource: { name: "net", endpoint: { path: "/net", paginator: "single_page", error_handler: fast } },
    shownUrl: () => `${mock.url}/net?api_key=***`,
  },
  {
    name: "a timeout",
    setup() {
      mock.faults.add({ match: "/slow", kind: "hang", times: 5 });
    },
    resource: {
      name: "slow",
      endpoint: { path: "/slow", paginator: "single_page", error_handler: { max_retries: 0 } },
    },
    shownUrl: () => `${mock.url}/slow?api_key=***`,
  },
  {
    name: "a 200 that is not JSON and echoes the key",
    setup() {
      mock.route("GET", "/html", (req) => ({
        status: 200,
        headers: { "content-type": "text/html" },
        raw: `<p>key ${req.query.api_key}</p>`,
      }));
    },
    resource: {
      name: "html",
      endpoint: { path: "/html", paginator: "single_page", error_handler: { max_retries: 0 } },
    },
    shownUrl: () => `${mock.url}/html?api_key=***`,
  },
  // A data_selector that matches nothing is no failure (an empty page and a warning, as in dlt):
  // selectors.test.ts checks its warning never shows a secret.
];

async function runWithSecret(
  resource: Resource,
  headers: RestApiConfig["client"]["headers"] = { "X-Key": secrets["api_key"] },
) {
  const events: ProgressEvent[] = [];
  const pipeline = createPipeline({ name: "redact", store: memoryAdapter(), secrets: { api_key: SECRET } });
  const config: RestApiConfig = {
    client: {
      base_url: mock.url,
      timeout: 0.3,
      headers,
      auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "query" },
    },
    resources: [resource],
  };
  const source = restApiSource(config);
  const report = await pipeline.run(source, { onProgress: (event) => events.push(event) });
  return { report, events, pipeline, source, config };
}

describe("secret values never appear in reports, progress events or errors", () => {
  it.each(scenarios)("$name", async (scenario) => {
    scenario.setup();
    const { report, events, pipeline } = await runWithSecret(scenario.resource);
    const name = scenario.resource.name;
    const r = report.resources[name]!;

    // The secret really was sent, so there was something to leak.
    expect(mock.requests.length).toBeGreaterThan(0);
    expect(mock.requests[0]!.query.api_key).toBe(SECRET);
    expect(mock.requests[0]!.headers["x-key"]).toBe(SECRET);

    expect(r.status).toBe("failed");
    expect(r.error).toBeDefined();
    expect(r.error!.url).toBe(scenario.shownUrl());
    expect(r.error!.message).toContain(scenario.shownUrl());

    expectNoSecret("report", JSON.stringify(report));
    expectNoSecret("error message", r.error!.message);
    for (const event of events) expectNoSecret(`${event.type} event`, JSON.stringify(event));
    for (const event of events) if (event.type === "retry") expect(event.url).toBe(scenario.shownUrl());
    expectNoSecret("state", JSON.stringify((await pipeline.state(name)) ?? null));
  });

  it("a secret cut by an error's length limit does not leak a prefix (status snippet)", async () => {
    mock.route("GET", "/long", (req) => ({
      status: 400,
      raw: `${"x".repeat(190)}${req.query.api_key}`,
      headers: { "content-type": "text/plain" },
    }));
    const { report } = await runWithSecret({
      name: "long",
      endpoint: { path: "/long", paginator: "single_page", error_handler: { max_retries: 0 } },
    });
    expect(report.resources.long!.status).toBe("failed");
    expect(mock.requests[0]!.query.api_key).toBe(SECRET);
    expect(JSON.stringify(report)).not.toContain(SECRET.slice(0, 10));
  });

  it("a secret cut by an error's length limit does not leak a prefix (invalid JSON head)", async () => {
    mock.route("GET", "/long", (req) => ({
      status: 200,
      raw: `${"x".repeat(70)}${req.query.api_key}`,
      headers: { "content-type": "text/plain" },
    }));
    const { report } = await runWithSecret({
      name: "long",
      endpoint: { path: "/long", paginator: "single_page", error_handler: { max_retries: 0 } },
    });
    expect(report.resources.long!.status).toBe("failed");
    expect(report.resources.long!.error!.code).toBe("response_invalid");
    expect(JSON.stringify(report)).not.toContain(SECRET.slice(0, 10));
  });

  it("a completed run's report, events and stored state hold no secret either", async () => {
    mock.route("GET", "/ok", (req) => ({
      body: { data: [{ id: 1, echoed: "no secrets here" }], next: null, q: req.query.api_key ? "seen" : "missing" },
    }));
    const { report, events, pipeline } = await runWithSecret({
      name: "ok",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: { path: "/ok", paginator: "single_page" },
    });
    expect(report.status).toBe("completed");
    expectNoSecret("report", JSON.stringify(report));
    expectNoSecret("events", JSON.stringify(events));
    expectNoSecret("state", JSON.stringify(await pipeline.state("ok")));
  });
});

describe("secret references", () => {
  it('String(secrets.x) and template literals show only secrets["x"]', () => {
    expect(String(secrets.x)).toBe('secrets["x"]');
    expect(`${secrets["api_key"]}`).toBe('secrets["api_key"]');
    expect(secrets.api_key!.name).toBe("api_key");
  });

  it('JSON.stringify of a config holding secret refs shows only secrets["…"], also after a run resolved them', async () => {
    const config = {
      client: {
        base_url: mock.url,
        auth: { type: "api_key" as const, name: "api_key", api_key: secrets["api_key"], location: "query" as const },
      },
      resources: [{ name: "ok", endpoint: { path: "/ok", paginator: "single_page" as const } }],
    } satisfies RestApiConfig;
    expect(JSON.stringify(config.client.auth)).toBe(
      '{"type":"api_key","name":"api_key","api_key":"secrets[\\"api_key\\"]","location":"query"}',
    );

    mock.route("GET", "/ok", () => ({ body: { data: [{ id: 1 }] } }));
    const source = restApiSource(config);
    const pipeline = createPipeline({ name: "refs", store: memoryAdapter(), secrets: { api_key: SECRET } });
    const report = await pipeline.run(source);
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.query.api_key).toBe(SECRET);
    // Resolving for the run did not write the value into the config or the source.
    for (const text of [JSON.stringify(config), JSON.stringify(source)]) {
      expectNoSecret("config", text);
      expect(text).toContain('secrets[\\"api_key\\"]');
    }
  });
});

describe('the JSON spelling of a secret ("secrets[\\"api_key\\"]") in a config given to the library', () => {
  const parsed = () =>
    JSON.parse(
      JSON.stringify({
        client: {
          base_url: mock.url,
          auth: { type: "api_key", name: "api_key", api_key: 'secrets["api_key"]', location: "header" },
        },
        resources: [
          {
            name: "labels",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: {
              path: "/v1/labels",
              data_selector: "data",
              paginator: "single_page",
              headers: { "X-Tenant": "dlt.secrets['api_key']" },
            },
          },
        ],
      }),
    ) as RestApiConfig;

  it("is resolved as a secret by pipeline.run and restApiSource, never sent as the key itself", async () => {
    const pipeline = createPipeline({
      name: "json-spelling",
      store: memoryAdapter(),
      secrets: { api_key: mock.apiKey },
    });
    const report = await pipeline.run(parsed());
    expect(report.status).toBe("completed");
    const sent = mock.requests.find((r) => r.path === "/v1/labels")!;
    expect(sent.headers["api_key"]).toBe(mock.apiKey);
    expect(sent.headers["x-tenant"]).toBe(mock.apiKey);
    expect(JSON.stringify(report)).not.toContain(mock.apiKey);
  });

  it("names the missing secret in a ConfigError before any request", async () => {
    const pipeline = createPipeline({ name: "json-spelling-missing", store: memoryAdapter() });
    const error = await pipeline.run(parsed()).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(/secret "api_key" is not set/);
    expect(mock.requests).toHaveLength(0);
  });
});

describe("literal credentials are known by where they sit (src/_credential-names.ts)", () => {
  const literalsOf = (config: Record<string, unknown>) => resolveSecrets(config, {}).values;

  it("the auth fields that hold a credential are read off the auth schemas, and a literal in each is one", () => {
    expect(CREDENTIAL_AUTH_FIELDS).toEqual(["api_key", "token", "password", "client_secret"]);
    for (const field of CREDENTIAL_AUTH_FIELDS)
      expect(literalsOf({ client: { auth: { [field]: "literal-value-1" } } })).toEqual(["literal-value-1"]);
    expect(literalsOf({ client: { auth: { name: "X-Key", username: "me" } } })).toEqual([]);
  });

  it.each([
    "Ocp-Apim-Subscription-Key",
    "x-functions-key",
    "X-Goog-Api-Key",
    "X-API-KEY",
    "PRIVATE-TOKEN",
    "X-Auth-Token",
    "Authorization",
    "X-Amz-Signature",
    "X-Session-Id",
    "Proxy-Authorization",
    "X-Client-Secret",
    "X-JWT-Assertion",
    "X-Passphrase",
  ])("the value of a %s header is a credential", (name) => {
    expect(literalsOf({ client: { headers: { [name]: "literal-value-1" } } })).toEqual(["literal-value-1"]);
  });

  it.each(["Accept", "Content-Type", "User-Agent", "X-Request-Id", "X-Api-Version", "If-None-Match"])(
    "the value of a %s header is not",
    (name) => {
      expect(literalsOf({ client: { headers: { [name]: "literal-value-1" } } })).toEqual([]);
    },
  );

  it.each([
    "api_key",
    "apikey",
    "key",
    "access_token",
    "token",
    "client_secret",
    "subscription-key",
    "x-api-key",
    "password",
    "sig",
    "signature",
  ])("a %s param is a credential", (name) => {
    expect(literalsOf({ resources: [{ endpoint: { params: { [name]: "literal-value-1" } } }] })).toEqual([
      "literal-value-1",
    ]);
  });

  it.each(["sort_key", "page", "limit", "fields", "order_by", "monkey_type"])(
    "a %s param is not (ordinary data stays readable in messages)",
    (name) => {
      expect(literalsOf({ resources: [{ endpoint: { params: { [name]: "literal-value-1" } } }] })).toEqual([]);
    },
  );
});
