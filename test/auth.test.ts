/**
 * Auth, end to end over HTTP against the reference mock API: what the server
 * receives for every auth type, OAuth2 token caching and refresh, and that
 * credentials never travel to another origin.
 */

import {
  createPipeline,
  type ProgressEvent,
  type RestApiConfig,
  type RunReport,
  restApiSource,
  secrets,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi, MockRequest } from "./mock/index";

let mock: MockApi;
let other: MockApi;

useMockApis(2, (first, second) => ((mock = first), (other = second)));

type Client = RestApiConfig["client"];
type Resources = RestApiConfig["resources"];

const fast = { max_retries: 2, backoff_factor: 0.01 };

async function run(client: Partial<Client>, resources: Resources, secretValues: Record<string, string> = {}) {
  const events: ProgressEvent[] = [];
  const pipeline = createPipeline({ name: "auth", store: memoryAdapter(), secrets: secretValues });
  const source = restApiSource({ client: { base_url: mock.url, ...client }, resources });
  const report = await pipeline.run(source, { onProgress: (event) => events.push(event) });
  return { report, events, pipeline };
}

/** A single-page `/echo` resource whose route records what the server received. */
function echoRoute(api: MockApi = mock, path = "/echo"): MockRequest[] {
  const seen: MockRequest[] = [];
  api.route("GET", path, (req) => {
    seen.push(req);
    return { body: { data: [{ id: seen.length }] } };
  });
  return seen;
}
const echoResource = (extra: Record<string, unknown> = {}): Resources => [
  { name: "echo", endpoint: { path: "/echo", paginator: "single_page", error_handler: fast, ...extra } },
];

function expectCompleted(report: RunReport, resource: string) {
  expect(report.resources[resource]?.error, JSON.stringify(report.resources[resource]?.error)).toBeUndefined();
  expect(report.resources[resource]?.status).toBe("completed");
}

describe("api_key auth", () => {
  it("in a header with a custom name: the seed API accepts it and every request carries it", async () => {
    const { report, pipeline } = await run(
      { auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "header" } },
      [
        {
          name: "labels",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { path: "/v1/labels", data_selector: "data", paginator: "single_page" },
        },
        {
          name: "groups",
          primary_key: "id",
          write_disposition: "merge",
          endpoint: { path: "/v1/groups", data_selector: "data", paginator: "single_page" },
        },
      ],
      { api_key: mock.apiKey },
    );
    expect(report.status).toBe("completed");
    expect(await pipeline.count("labels")).toBe(mock.expected("labels").length);
    expect(await pipeline.count("groups")).toBe(mock.expected("groups").length);
    expect(mock.requests).toHaveLength(2);
    for (const request of mock.requests) {
      expect(request.status).toBe(200);
      expect(request.headers["api_key"]).toBe(mock.apiKey);
      expect(request.headers["authorization"]).toBeUndefined();
      expect(request.query).toEqual({});
    }
  });

  it('in a header named "Authorization" when no name is given', async () => {
    const seen = echoRoute();
    const { report } = await run({ auth: { type: "api_key", api_key: "plain-key-123" } }, echoResource());
    expectCompleted(report, "echo");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["authorization"]).toBe("plain-key-123");
  });

  it("in the query string, URL-encoded so that special characters arrive intact", async () => {
    const key = "k&y=1 2/é+%?#;x";
    const seen = echoRoute();
    const { report } = await run(
      { auth: { type: "api_key", name: "token", api_key: secrets["api_key"], location: "query" } },
      echoResource({ params: { page_size: 10 } }),
      { api_key: key },
    );
    expectCompleted(report, "echo");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.query).toEqual({ token: key, page_size: "10" });
    // Nothing else about the key leaked into headers.
    expect(JSON.stringify(seen[0]!.headers)).not.toContain("k&y");
    expect(seen[0]!.headers["authorization"]).toBeUndefined();
  });

  it("in a cookie", async () => {
    const seen = echoRoute();
    const { report } = await run(
      { auth: { type: "api_key", name: "session", api_key: "c00kie-Value_123", location: "cookie" } },
      echoResource(),
    );
    expectCompleted(report, "echo");
    expect(seen[0]!.headers["cookie"]).toBe("session=c00kie-Value_123");
    expect(seen[0]!.query).toEqual({});
    expect(seen[0]!.headers["authorization"]).toBeUndefined();
  });

  it("a wrong key: 401, the resource fails with an HttpError and the 401 is not retried", async () => {
    const events: ProgressEvent[] = [];
    const pipeline = createPipeline({ name: "auth", store: memoryAdapter(), secrets: { api_key: "wrong-key-value" } });
    const source = restApiSource({
      client: {
        base_url: mock.url,
        auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "header" },
      },
      resources: [
        {
          name: "labels",
          endpoint: {
            path: "/v1/labels",
            paginator: "single_page",
            error_handler: { retry_on_status_codes: [429], max_retries: 5, backoff_factor: 0.01 },
          },
        },
      ],
    });
    const report = await pipeline.run(source, { onProgress: (e) => events.push(e) });
    const labels = report.resources.labels!;
    expect(report.status).toBe("failed");
    expect(labels.status).toBe("failed");
    expect(labels.error).toMatchObject({
      name: "HttpError",
      code: "http_status",
      status: 401,
      url: `${mock.url}/v1/labels`,
    });
    expect(labels.error!.message).toContain("401");
    expect(labels.requests).toBe(1);
    expect(labels.retries).toBe(0);
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]!.status).toBe(401);
    expect(events.filter((e) => e.type === "retry")).toEqual([]);
  });
});

describe("bearer and http_basic", () => {
  it("bearer sends Authorization: Bearer <token>", async () => {
    const seen = echoRoute();
    const { report } = await run({ auth: { type: "bearer", token: secrets["token"] } }, echoResource(), {
      token: "tok.en-42_x",
    });
    expectCompleted(report, "echo");
    expect(seen[0]!.headers["authorization"]).toBe("Bearer tok.en-42_x");
  });

  it("http_basic sends base64 of the UTF-8 bytes of user:pass", async () => {
    const seen = echoRoute();
    const username = "jürgen.müller";
    const password = "pä:ss wörd€✓";
    const { report } = await run(
      { auth: { type: "http_basic", username, password: secrets["password"] } },
      echoResource(),
      { password },
    );
    expectCompleted(report, "echo");
    const header = seen[0]!.headers["authorization"]!;
    expect(header).toBe(`Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`);
    expect(Buffer.from(header.slice("Basic ".length), "base64").toString("utf8")).toBe(`${username}:${password}`);
  });

  it("http_basic without a password sends user:", async () => {
    const seen = echoRoute();
    const { report } = await run({ auth: { type: "http_basic", username: "solo" } }, echoResource());
    expectCompleted(report, "echo");
    expect(seen[0]!.headers["authorization"]).toBe(`Basic ${Buffer.from("solo:").toString("base64")}`);
  });
});

// ---------------------------------------------------------------- OAuth2

interface TokenServer {
  calls: MockRequest[];
  /** Tokens the API accepts. */
  valid: Set<string>;
}

/** A token endpoint issuing tok-1, tok-2, … (each valid until revoked). */
function tokenRoute(options: { expiresIn?: number; delayMs?: number } = {}): TokenServer {
  const server: TokenServer = { calls: [], valid: new Set() };
  mock.route("POST", "/oauth/token", async (req) => {
    server.calls.push(req);
    const token = `tok-${server.calls.length}`;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    server.valid.add(token);
    return {
      body: {
        access_token: token,
        token_type: "bearer",
        ...(options.expiresIn !== undefined ? { expires_in: options.expiresIn } : {}),
      },
    };
  });
  return server;
}

const bearerOf = (req: { headers: Record<string, string> }) => req.headers["authorization"]?.replace(/^Bearer /, "");

/** `/o/...` API routes that answer 401 unless the bearer token is valid. */
function protectedRoute(server: TokenServer, path: string | RegExp, answer: (req: MockRequest) => unknown) {
  mock.route("GET", path, (req) => {
    const token = bearerOf(req);
    if (!token || !server.valid.has(token)) return { status: 401, body: { error: "invalid_token" } };
    return { body: answer(req) };
  });
}

const oauth = (extra: Record<string, unknown> = {}): Client["auth"] => ({
  type: "oauth2_client_credentials",
  access_token_url: `${mock.url}/oauth/token`,
  client_id: "my-client",
  client_secret: secrets["client_secret"],
  access_token_request_data: { scope: "read:all write", audience: "https://api.example.com/" },
  ...extra,
});

describe("oauth2_client_credentials", () => {
  it("posts the client-credentials form once and reuses the token for every request, concurrent children included", async () => {
    const server = tokenRoute({ expiresIn: 3600, delayMs: 50 });
    const projects = Array.from({ length: 12 }, (_, i) => ({ id: i + 1 }));
    protectedRoute(server, "/o/projects", () => ({ data: projects }));
    protectedRoute(server, "/o/users", () => ({ data: [{ id: "u1" }, { id: "u2" }] }));
    protectedRoute(server, /^\/o\/projects\/(?<id>\d+)\/tasks$/, (req) => ({ data: [{ id: `t-${req.params.id}` }] }));

    const { report } = await run(
      { auth: oauth() },
      [
        { name: "projects", endpoint: { path: "/o/projects", paginator: "single_page" } },
        { name: "users", endpoint: { path: "/o/users", paginator: "single_page" } },
        {
          name: "tasks",
          endpoint: {
            path: "/o/projects/{project_id}/tasks",
            paginator: "single_page",
            params: { project_id: { type: "resolve", resource: "projects", field: "id" } },
          },
        },
      ],
      { client_secret: "sh-h-secret" },
    );

    expect(report.status).toBe("completed");
    expect(report.resources.tasks!.records).toBe(12);
    const apiRequests = mock.requests.filter((r) => r.path.startsWith("/o/"));
    expect(apiRequests.length).toBeGreaterThanOrEqual(14);
    expect(apiRequests.every((r) => r.status === 200 && r.headers["authorization"] === "Bearer tok-1")).toBe(true);
    // projects and users start together and both wait for the first token: still one token request.
    expect(server.calls).toHaveLength(1);
    const call = server.calls[0]!;
    expect(call.method).toBe("POST");
    expect(call.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(call.body).toEqual({
      grant_type: "client_credentials",
      client_id: "my-client",
      client_secret: "sh-h-secret",
      scope: "read:all write",
      audience: "https://api.example.com/",
    });
  });

  it("fetches a new token once the old one has expired (expires_in: 2)", async () => {
    const server = tokenRoute({ expiresIn: 2 });
    mock.route("GET", "/o/pages", async (req) => {
      const page = Number(req.query.page ?? "1");
      // The second page is slow: by the time the third is requested, the first token has expired (it is
      // renewed 10% early, at 1.8 s), while pages 1 and 2 have 1.8 s to be asked for, room for a busy machine.
      if (page === 2) await new Promise((resolve) => setTimeout(resolve, 2100));
      return {
        body: {
          data: [{ id: page, token: bearerOf(req) }],
          next: page < 3 ? `${mock.url}/o/pages?page=${page + 1}` : null,
        },
      };
    });
    const { report, pipeline } = await run(
      { auth: oauth() },
      [{ name: "pages", endpoint: { path: "/o/pages", paginator: { type: "json_link" } } }],
      { client_secret: "s" },
    );
    expectCompleted(report, "pages");
    const tokens = mock.requests.filter((r) => r.path === "/o/pages").map(bearerOf);
    expect(tokens).toEqual(["tok-1", "tok-1", "tok-2"]);
    expect(server.calls).toHaveLength(2);
    expect(await pipeline.count("pages")).toBe(3);
  });

  it("expires_in: 0 is a token already expired: each request gets a fresh one, as in dlt", async () => {
    const server = tokenRoute({ expiresIn: 0 });
    mock.route("GET", "/o/pages", (req) => {
      const page = Number(req.query.page ?? "1");
      return { body: { data: [{ id: page }], next: page < 3 ? `${mock.url}/o/pages?page=${page + 1}` : null } };
    });
    const { report } = await run(
      { auth: oauth() },
      [{ name: "pages", endpoint: { path: "/o/pages", paginator: { type: "json_link" } } }],
      { client_secret: "s" },
    );
    expectCompleted(report, "pages");
    expect(mock.requests.filter((r) => r.path === "/o/pages").map(bearerOf)).toEqual(["tok-1", "tok-2", "tok-3"]);
    expect(server.calls).toHaveLength(3);
  });

  it("expires_in: 0 with requests in flight together: each still gets a token of its own", async () => {
    const server = tokenRoute({ expiresIn: 0, delayMs: 20 });
    mock.route("GET", "/o/a", () => ({ body: [{ id: 1 }] }));
    mock.route("GET", "/o/b", () => ({ body: [{ id: 2 }] }));
    const { report } = await run(
      { auth: oauth() },
      ["a", "b"].map((name) => ({ name, endpoint: { path: `/o/${name}`, paginator: "single_page" } })),
      { client_secret: "s" },
    );
    expectCompleted(report, "a");
    expectCompleted(report, "b");
    expect(server.calls).toHaveLength(2);
    expect(new Set(mock.requests.filter((r) => r.path.startsWith("/o/")).map(bearerOf))).toEqual(
      new Set(["tok-1", "tok-2"]),
    );
  });

  it("a 401 with a cached token drops it, fetches a fresh one and retries the request once", async () => {
    const server = tokenRoute({ expiresIn: 3600 });
    mock.route("GET", "/o/items", (req) => {
      const token = bearerOf(req)!;
      const page = Number(req.query.page ?? "1");
      if (!server.valid.has(token)) return { status: 401, body: { error: "invalid_token" } };
      // The server revokes the first token after the first page.
      if (page === 1) server.valid.delete("tok-1");
      return { body: { data: [{ id: page }], next: page < 2 ? `${mock.url}/o/items?page=2` : null } };
    });
    const { report, pipeline } = await run(
      { auth: oauth() },
      [{ name: "items", endpoint: { path: "/o/items", paginator: { type: "json_link" }, error_handler: fast } }],
      {
        client_secret: "s",
      },
    );
    expectCompleted(report, "items");
    expect(await pipeline.count("items")).toBe(2);
    expect(server.calls).toHaveLength(2);
    const api = mock.requests.filter((r) => r.path === "/o/items");
    expect(api.map((r) => [r.query.page ?? "1", bearerOf(r), r.status])).toEqual([
      ["1", "tok-1", 200],
      ["2", "tok-1", 401],
      ["2", "tok-2", 200],
    ]);
  });

  it("counts the request retried with a refreshed token in the report (requests = HTTP requests made)", async () => {
    const server = tokenRoute({ expiresIn: 3600 });
    mock.route("GET", "/o/items", (req) => {
      const token = bearerOf(req)!;
      if (!server.valid.has(token)) return { status: 401, body: { error: "invalid_token" } };
      if (token === "tok-1" && req.query.page === undefined) {
        server.valid.delete("tok-1");
        return { status: 401, body: { error: "token revoked" } };
      }
      return { body: { data: [{ id: 1 }] } };
    });
    const { report } = await run(
      { auth: oauth() },
      [{ name: "items", endpoint: { path: "/o/items", paginator: "single_page", error_handler: fast } }],
      {
        client_secret: "s",
      },
    );
    expectCompleted(report, "items");
    const api = mock.requests.filter((r) => r.path === "/o/items");
    expect(api.map((r) => r.status)).toEqual([401, 200]);
    // Token requests are HTTP requests too (they count against a Worker's subrequest budget).
    expect(report.resources.items!.requests).toBe(api.length + server.calls.length);
  });

  it("a 401 that persists with a fresh token fails the resource after one refresh (no loop)", async () => {
    const server = tokenRoute({ expiresIn: 3600 });
    mock.route("GET", "/o/items", () => ({ status: 401, body: { error: "insufficient_scope" } }));
    const { report } = await run(
      { auth: oauth() },
      [{ name: "items", endpoint: { path: "/o/items", paginator: "single_page", error_handler: fast } }],
      {
        client_secret: "s",
      },
    );
    expect(report.resources.items!.status).toBe("failed");
    expect(report.resources.items!.error).toMatchObject({
      name: "HttpError",
      code: "http_status",
      status: 401,
      url: `${mock.url}/o/items`,
    });
    expect(server.calls).toHaveLength(2);
    expect(mock.requests.filter((r) => r.path === "/o/items").map(bearerOf)).toEqual(["tok-1", "tok-2"]);
  });

  it("a token endpoint that refuses the client fails the resource with a clear error and sends no API request", async () => {
    let calls = 0;
    mock.route("POST", "/oauth/token", () => {
      calls++;
      return { status: 401, body: { error: "invalid_client" } };
    });
    mock.route("GET", "/o/items", () => ({ body: { data: [{ id: 1 }] } }));
    const { report } = await run(
      { auth: oauth() },
      [{ name: "items", endpoint: { path: "/o/items", paginator: "single_page", error_handler: fast } }],
      {
        client_secret: "very-secret-client-secret",
      },
    );
    const items = report.resources.items!;
    expect(report.status).toBe("failed");
    expect(items.status).toBe("failed");
    expect(items.error).toMatchObject({ code: "http_status", status: 401, url: `${mock.url}/oauth/token` });
    expect(items.error!.message).toMatch(/token/i);
    expect(items.error!.message).toContain("401");
    expect(items.error!.message).toContain(`${mock.url}/oauth/token`);
    expect(JSON.stringify(report)).not.toContain("very-secret-client-secret");
    expect(mock.requests.filter((r) => r.path === "/o/items")).toEqual([]);
    expect(calls).toBe(1);
  });

  it("a token response without access_token fails the resource with an error that says so", async () => {
    mock.route("POST", "/oauth/token", () => ({ body: { token_type: "bearer", expires_in: 3600 } }));
    mock.route("GET", "/o/items", () => ({ body: { data: [{ id: 1 }] } }));
    const { report } = await run(
      { auth: oauth() },
      [{ name: "items", endpoint: { path: "/o/items", paginator: "single_page", error_handler: fast } }],
      { client_secret: "s" },
    );
    expect(report.resources.items!.status).toBe("failed");
    expect(report.resources.items!.error!.message).toMatch(/access_token/);
    expect(mock.requests.filter((r) => r.path === "/o/items")).toEqual([]);
  });

  it("a transient 503 from the token endpoint is retried like any other request", async () => {
    const server = tokenRoute({ expiresIn: 3600 });
    mock.faults.add({ match: "/oauth/token", status: 503, times: 1 });
    protectedRoute(server, "/o/items", () => ({ data: [{ id: 1 }] }));
    const { report } = await run(
      { auth: oauth() },
      [{ name: "items", endpoint: { path: "/o/items", paginator: "single_page", error_handler: fast } }],
      { client_secret: "s" },
    );
    expectCompleted(report, "items");
    expect(mock.requests.filter((r) => r.path === "/oauth/token").map((r) => r.status)).toEqual([503, 200]);
  });
});

// ---------------------------------------------------------------- origins

describe("credentials stay on the API's origin", () => {
  /** Page 1 on `mock` links to page 2 on `other` (same host, another port: another origin). */
  function crossOriginPages() {
    const first: MockRequest[] = [];
    const second: MockRequest[] = [];
    mock.route("GET", "/items", (req) => {
      first.push(req);
      return { body: { data: [{ id: 1 }], next: `${other.url}/items?page=2` } };
    });
    other.route("GET", "/items", (req) => {
      second.push(req);
      return { body: { data: [{ id: 2 }], next: null } };
    });
    return { first, second };
  }
  const resources: Resources = [
    { name: "items", endpoint: { path: "/items", paginator: { type: "json_link" }, error_handler: fast } },
  ];

  const cases: Array<[string, Client["auth"], (req: MockRequest) => string | undefined]> = [
    [
      "api_key header",
      { type: "api_key", name: "api_key", api_key: secrets["api_key"] },
      (req) => req.headers["api_key"],
    ],
    [
      "api_key Authorization header",
      { type: "api_key", api_key: secrets["api_key"] },
      (req) => req.headers["authorization"],
    ],
    [
      "api_key query",
      { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "query" },
      (req) => req.query["api_key"],
    ],
    [
      "api_key cookie",
      { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "cookie" },
      (req) => req.headers["cookie"],
    ],
    ["bearer", { type: "bearer", token: secrets["api_key"] }, (req) => req.headers["authorization"]],
    [
      "http_basic",
      { type: "http_basic", username: "user", password: secrets["api_key"] },
      (req) => req.headers["authorization"],
    ],
  ];

  it.each(cases)("%s: a json_link next on another origin gets no credentials", async (_name, auth, credential) => {
    const { first, second } = crossOriginPages();
    const { report, pipeline } = await run({ auth }, resources, { api_key: "origin-bound-key" });
    expectCompleted(report, "items");
    expect(await pipeline.count("items")).toBe(2);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(credential(first[0]!)).toBeTruthy();
    expect(credential(second[0]!)).toBeUndefined();
    const leaked = JSON.stringify({ headers: second[0]!.headers, query: second[0]!.query });
    expect(leaked).not.toContain("origin-bound-key");
    expect(leaked).not.toContain(Buffer.from("user:origin-bound-key").toString("base64"));
    expect(second[0]!.headers["authorization"]).toBeUndefined();
    expect(second[0]!.headers["api_key"]).toBeUndefined();
  });

  it("oauth2: the bearer token is not sent to another origin", async () => {
    const server = tokenRoute({ expiresIn: 3600 });
    const { first, second } = crossOriginPages();
    const { report } = await run({ auth: oauth() }, resources, { client_secret: "s" });
    expectCompleted(report, "items");
    expect(server.calls).toHaveLength(1);
    expect(first[0]!.headers["authorization"]).toBe("Bearer tok-1");
    expect(second[0]!.headers["authorization"]).toBeUndefined();
  });

  it("client headers holding a secret stay on the base origin", async () => {
    const { first, second } = crossOriginPages();
    const { report } = await run({ headers: { "X-Api-Token": secrets["api_key"] } }, resources, {
      api_key: "origin-bound-key",
    });
    expectCompleted(report, "items");
    expect(first[0]!.headers["x-api-token"]).toBe("origin-bound-key");
    expect(second[0]!.headers["x-api-token"]).toBeUndefined();
  });

  it("a redirect to another origin does not carry the api_key header along", async () => {
    const second: MockRequest[] = [];
    mock.route("GET", "/moved", () => ({ status: 302, headers: { location: `${other.url}/items` } }));
    other.route("GET", "/items", (req) => {
      second.push(req);
      return { body: { data: [{ id: 2 }] } };
    });
    await run(
      { auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"] } },
      [{ name: "moved", endpoint: { path: "/moved", paginator: "single_page", error_handler: { max_retries: 0 } } }],
      { api_key: "origin-bound-key" },
    );
    // Whether the client follows the redirect or refuses it, the other origin must not see the key.
    for (const req of second) expect(req.headers["api_key"]).toBeUndefined();
    expect(JSON.stringify(other.requests)).not.toContain("origin-bound-key");
  });
});
