/**
 * Differences from dlt that porting dlt's own test suite found (issue 12): configs dlt refuses
 * that restsync ran (and reported `completed` with other data), parent records dlt refuses to
 * fan out over, and dlt's error texts. Checked on the wire, against the reference mock API.
 */

import { createPipeline, isConfigError, type RestApiConfig, restApiSource, secrets } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi } from "./mock/index";

let mock: MockApi;
let other: MockApi;
useMockApis(2, (first, second) => ((mock = first), (other = second)));

type Resource = Exclude<RestApiConfig["resources"][number], string>;
type Client = RestApiConfig["client"];

const POSTS = [
  { id: 1, title: "first" },
  { id: 2, title: "second" },
];

beforeEach(() => {
  mock.route("GET", "/posts", () => ({ body: POSTS }));
  mock.route("GET", /^\/posts\/(?<id>[^/]+)\/comments$/, (req) => ({
    body: [{ id: `c${req.params.id}`, post: req.params.id }],
  }));
});

async function run(resources: Resource[], client: Partial<Client> = {}) {
  const pipeline = createPipeline({ name: "dlt-differences", store: memoryAdapter() });
  const report = await pipeline.run(restApiSource({ client: { base_url: mock.url, ...client }, resources }));
  return { report, pipeline };
}

/** The issues of the ConfigError `config` raises (fails when it raises none). */
function issuesOf(config: RestApiConfig): Array<{ path: string; message: string }> {
  try {
    restApiSource(config);
  } catch (error) {
    if (isConfigError(error)) return [...error.issues];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const posts: Resource = { name: "posts", endpoint: { path: "posts", paginator: "single_page" } };

describe("configs dlt refuses", () => {
  it("a resolve param that is not in the path (dlt: resolve params not bound in path)", () => {
    const issues = issuesOf({
      client: { base_url: "https://api.example.com" },
      resources: [
        posts,
        {
          name: "post_details",
          endpoint: { path: "posts", params: { post_id: { type: "resolve", resource: "posts", field: "id" } } },
        },
      ],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("resources[1].endpoint.params.post_id");
    expect(issues[0]!.message).toContain('"post_id" is not in its path "posts"');
    expect(issues[0]!.message).toContain('post_id: "{resources.posts.id}"');
  });

  it("the parent's field in a query param is written {resources.<parent>.<field>}", async () => {
    const { report } = await run([
      posts,
      {
        name: "details",
        endpoint: { path: "posts", paginator: "single_page", params: { post_id: "{resources.posts.id}" } },
      },
    ]);
    expect(report.status).toBe("completed");
    const sent = mock.requests.filter((r) => r.path === "/posts" && r.query.post_id !== undefined);
    expect(sent.map((r) => r.query.post_id).sort()).toEqual(["1", "2"]);
  });

  it("end_value (or end_param) in an incremental param: use endpoint.incremental", () => {
    for (const extra of [{ end_value: "2025-01-01" }, { end_param: "until" }]) {
      const issues = issuesOf({
        client: { base_url: "https://api.example.com" },
        resources: [
          {
            name: "posts",
            endpoint: {
              params: {
                since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-01-01", ...extra },
              } as never,
            },
          },
        ],
      });
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe(`resources[0].endpoint.params.since.${Object.keys(extra)[0]}`);
      expect(issues[0]!.message).toMatch(/only cursor_path, initial_value.* in an incremental param/);
      expect(issues[0]!.message).toContain("endpoint.incremental");
      expect(issues[0]!.message).toContain("end_param");
    }
  });

  it("two incremental params: names both (there is no endpoint.incremental to blame)", () => {
    const issues = issuesOf({
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "posts",
          endpoint: {
            params: {
              since: { type: "incremental", cursor_path: "updated_at" },
              after_id: { type: "incremental", cursor_path: "id" },
            },
          },
        },
      ],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("resources[0].endpoint.params.after_id");
    expect(issues[0]!.message).toContain('two incremental params ("since" and "after_id")');
    expect(issues[0]!.message).not.toContain("endpoint.incremental;");
  });

  it("a header name fetch refuses ({ or } in it) or a value with a line break, naming the header's path", () => {
    const issues = issuesOf({
      client: { base_url: "https://api.example.com", headers: { "X-{tenant}": "a" } },
      resources: [{ name: "posts", endpoint: { headers: { "X-Multi": "one\ntwo", "X-Fine": " ok " } } }],
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'client.headers["X-{tenant}"]',
      'resources[0].endpoint.headers["X-Multi"]',
    ]);
    expect(issues.find((i) => i.path.startsWith("client"))!.message).toContain("not a valid header name");
    expect(issues.find((i) => i.path.startsWith("resources"))!.message).toContain("line break");
  });
});

describe("a secret fetch would refuse as a header value", () => {
  it("is a ConfigError naming the header's path and the secret, before any request (never its value)", async () => {
    const pipeline = createPipeline({
      name: "bad-secret",
      store: memoryAdapter(),
      secrets: { tenant: "t1\nX-Evil: 1" },
    });
    const run = pipeline.run(
      restApiSource({
        client: { base_url: mock.url, headers: { "X-Tenant": secrets["tenant"] } },
        resources: [{ name: "posts", endpoint: { path: "posts", paginator: "single_page" } }],
      }),
    );
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    const { issues, message } = error as { issues: Array<{ path: string; message: string }>; message: string };
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("client.headers.X-Tenant");
    expect(issues[0]!.message).toContain('secret "tenant"');
    expect(issues[0]!.message).toContain("line break");
    expect(message).not.toContain("X-Evil");
    expect(mock.requests.filter((r) => r.path === "/posts")).toHaveLength(0);
  });
});

describe("a secret fetch would refuse in an auth header", () => {
  const attempt = async (auth: Record<string, unknown>) => {
    const pipeline = createPipeline({ name: "bad-token", store: memoryAdapter(), secrets: { token: "abc\ndef" } });
    const source = restApiSource({
      client: { base_url: mock.url, auth: auth as never },
      resources: [{ name: "posts", endpoint: { path: "posts", paginator: "single_page" } }],
    });
    return pipeline.run(source).then(
      () => undefined,
      (e: unknown) => e as { issues?: Array<{ path: string; message: string }>; message: string },
    );
  };

  it.each([
    ["a bearer token", { type: "bearer", token: secrets["token"] }, "client.auth.token"],
    [
      "an api_key sent as a header",
      { type: "api_key", name: "X-Key", api_key: secrets["token"] },
      "client.auth.api_key",
    ],
  ])("%s is a ConfigError naming the secret, not a TypeError at the request", async (_, auth, path) => {
    const error = await attempt(auth);
    expect(isConfigError(error)).toBe(true);
    expect(error!.issues).toEqual([{ path, message: expect.stringContaining('secret "token" does not fit') }]);
    expect(error!.message).not.toContain("def");
  });

  it.each([
    ["a bearer token", { type: "bearer", token: "abc\ndef" }, "client.auth.token"],
    ["an api_key sent as a header", { type: "api_key", name: "X-Key", api_key: "abc\ndef" }, "client.auth.api_key"],
  ])("%s written in the config is refused at validation, naming its path", (_, auth, path) => {
    const issues = (() => {
      try {
        restApiSource({ client: { base_url: mock.url, auth: auth as never }, resources: ["posts"] });
      } catch (error) {
        return (error as { issues?: Array<{ path: string; message: string }> }).issues;
      }
    })();
    expect(issues).toEqual([{ path, message: expect.stringContaining("line break") }]);
  });

  it("an api_key sent in the query may hold any character (it is encoded)", async () => {
    const error = await attempt({ type: "api_key", name: "key", location: "query", api_key: secrets["token"] });
    expect(isConfigError(error)).toBe(false);
  });
});

describe("configs dlt accepts", () => {
  it("table_name as a function (ignored with the schema-hint warning, like a string)", () => {
    const source = restApiSource({
      client: { base_url: "https://api.example.com" },
      resources: [{ name: "posts", table_name: (record: { kind: string }) => record.kind }],
    });
    expect(source.warnings).toContain("resources[0].table_name: dlt schema hint ignored by restsync");
  });
});

describe("paginators as dlt's choose and end", () => {
  it('an endpoint\'s paginator "auto" is the client\'s paginator when there is one (dlt maps "auto" to none)', () => {
    const source = restApiSource({
      client: { base_url: mock.url, paginator: { type: "json_link", next_url_path: "links.next" } },
      resources: [
        { name: "a", endpoint: { path: "a", paginator: "auto" } },
        { name: "b", endpoint: { path: "b", paginator: { type: "auto" } } },
      ],
    });
    for (const resource of source.resources)
      expect(resource.paginator).toEqual({ type: "json_link", next_url_path: "links.next" });
    const alone = restApiSource({
      client: { base_url: mock.url },
      resources: [{ name: "a", endpoint: { path: "a", paginator: "auto" } }],
    });
    expect(alone.resources[0]!.paginator).toEqual({ type: "auto" });
  });

  it("a cursor of 0 ends the chain, as any falsy cursor does in dlt", async () => {
    mock.route("GET", "/zero", (req) =>
      req.query.cursor === undefined
        ? { body: { data: [{ id: 1 }], next: 0 } }
        : { body: { data: [{ id: 2 }], next: null } },
    );
    const { report } = await run([
      {
        name: "zero",
        endpoint: { path: "zero", data_selector: "data", paginator: { type: "cursor", cursor_path: "next" } },
      },
    ]);
    expect(report.resources.zero).toMatchObject({ status: "completed", requests: 1, records: 1 });
  });
});

describe("parent records without the field a child needs (dlt raises)", () => {
  const comments: Resource = {
    name: "comments",
    endpoint: {
      path: "posts/{post_id}/comments",
      paginator: "single_page",
      params: { post_id: { type: "resolve", resource: "posts", field: "id" } },
    },
  };

  it("a parent without the resolved field fails the child, naming resource, parent, field and the parent's keys only", async () => {
    mock.route("GET", "/posts", () => ({ body: [...POSTS, { title: "no id here", email: "jane@example.com" }] }));
    const { report, pipeline } = await run([posts, comments]);
    expect(report.status).toBe("partial");
    expect(report.resources.posts!.status).toBe("completed");
    const child = report.resources.comments!;
    expect(child.status).toBe("failed");
    expect(child.error!.code).toBe("parent_field_missing");
    const message = child.error!.message;
    expect(message).toContain('comments: a record of parent "posts" has no field "id"');
    expect(message).toContain("{post_id}");
    expect(message).toContain('its fields are "title", "email"');
    expect(message).not.toContain("jane@example.com");
    expect(message).not.toContain("no id here");
    expect(await pipeline.count("comments")).toBe(0);
  });

  it("a parent without an include_from_parent field fails the child the same way", async () => {
    mock.route("GET", "/posts", () => ({ body: [...POSTS, { id: 3, body: "untitled" }] }));
    const { report } = await run([posts, { ...comments, include_from_parent: ["title"] }]);
    const child = report.resources.comments!;
    expect(child.status).toBe("failed");
    expect(child.error!.code).toBe("parent_field_missing");
    expect(child.error!.message).toContain('comments: a record of parent "posts" has no field "title"');
    expect(child.error!.message).toContain("include_from_parent");
    expect(child.error!.message).toContain('its fields are "id", "body"');
    expect(child.error!.message).not.toContain("untitled");
  });

  it("with every field present the child runs over every parent", async () => {
    const { report, pipeline } = await run([posts, { ...comments, include_from_parent: ["title"] }]);
    expect(report.status).toBe("completed");
    const stored = [];
    for await (const record of pipeline.records("comments")) stored.push(record);
    expect(stored).toEqual([
      { id: "c1", post: "1", _posts_title: "first" },
      { id: "c2", post: "2", _posts_title: "second" },
    ]);
  });
});

describe("error messages as dlt writes them", () => {
  it("a credential param with an empty value is shown as api_key=*** in error URLs", async () => {
    mock.route("GET", "/missing", () => ({ status: 404, body: { error: "nope" } }));
    const { report } = await run([
      { name: "missing", endpoint: { path: "missing", paginator: "single_page", params: { api_key: "", page: 1 } } },
    ]);
    const message = report.resources.missing!.error!.message;
    expect(message).toContain("api_key=***");
    expect(message).toContain("page=1");
  });

  it("leave the body out unless client.http_show_error_body; then it follows, cut at http_max_error_body_length with dlt's marker", async () => {
    const long = `Error: ${"x".repeat(10_000)}`;
    mock.route("GET", "/broken", () => ({ status: 400, raw: long, headers: { "content-type": "text/plain" } }));
    mock.route("GET", "/db", () => ({
      status: 400,
      body: { error: "Database connection failed", detail: "Connection timeout" },
    }));
    const resources: Resource[] = [
      { name: "broken", endpoint: { path: "broken", paginator: "single_page" } },
      { name: "db", endpoint: { path: "db", paginator: "single_page" } },
    ];

    const hidden = (await run(resources)).report;
    expect(hidden.resources.broken!.error!.message).not.toContain("xxx");
    expect(hidden.resources.db!.error!.message).not.toContain("Database connection failed");

    const shown = (await run(resources, { http_show_error_body: true })).report;
    const broken = shown.resources.broken!.error!.message;
    expect(broken).toContain(`\nResponse: Error: ${"x".repeat(8192 - 7)}… (truncated)`);
    expect(broken).not.toContain("x".repeat(8192 - 6));
    const db = shown.resources.db!.error!.message;
    expect(db).toContain("Database connection failed");
    expect(db).toContain("Connection timeout");
    expect(db).not.toContain("(truncated)");

    const short = (await run(resources, { http_show_error_body: true, http_max_error_body_length: 20 })).report;
    expect(short.resources.broken!.error!.message).toContain(`\nResponse: Error: ${"x".repeat(13)}… (truncated)`);
    // dlt takes 0 too: nothing of the body, only the marker.
    const none = (await run(resources, { http_show_error_body: true, http_max_error_body_length: 0 })).report;
    expect(none.resources.broken!.error!.message).toContain("\nResponse: … (truncated)");
  });

  it("a shown body has the run's secrets redacted", async () => {
    mock.route("GET", "/echo-key", (req) => ({ status: 400, body: { error: `bad key ${req.headers["x-api-key"]}` } }));
    const pipeline = createPipeline({
      name: "body-secrets",
      store: memoryAdapter(),
      secrets: { key: "sk-very-secret" },
    });
    const report = await pipeline.run(
      restApiSource({
        client: {
          base_url: mock.url,
          http_show_error_body: true,
          auth: { type: "api_key", name: "X-Api-Key", api_key: secrets["key"] },
        },
        resources: [{ name: "echo", endpoint: { path: "echo-key", paginator: "single_page" } }],
      }),
    );
    const message = report.resources.echo!.error!.message;
    expect(message).toContain("bad key ***");
    expect(message).not.toContain("sk-very-secret");
  });
});

describe("an endpoint path on another origin (dlt: test_overwrite_headers)", () => {
  it("gets the endpoint's own headers that hold no secret, on its pages there; never client headers, auth or a secret", async () => {
    other.route("GET", "/things", (req) => ({
      body: { data: [{ id: req.query.page ?? "1" }], next: req.query.page ? null : `${other.url}/things?page=2` },
    }));
    const pipeline = createPipeline({ name: "other-origin", store: memoryAdapter(), secrets: { key: "sk-secret-1" } });
    const report = await pipeline.run(
      restApiSource({
        client: {
          base_url: mock.url,
          headers: { "X-Client": "client-wide" },
          auth: { type: "api_key", name: "X-Api-Key", api_key: secrets["key"] },
        },
        resources: [
          {
            name: "things",
            endpoint: {
              path: `${other.url}/things`,
              data_selector: "data",
              paginator: { type: "json_link", next_url_path: "next" },
              headers: {
                Accept: "my/mimetype",
                "X-Tenant": "t1",
                "X-Session-Id": "looks-like-a-credential",
                "X-Secret-Value": secrets["key"],
              },
            },
          },
        ],
      }),
    );
    expect(report.status).toBe("completed");
    const seen = other.requests.filter((r) => r.path === "/things");
    expect(seen).toHaveLength(2);
    for (const req of seen) {
      expect(req.headers["accept"]).toBe("my/mimetype");
      expect(req.headers["x-tenant"]).toBe("t1");
      for (const name of ["x-client", "x-api-key", "authorization", "x-session-id", "x-secret-value"])
        expect(req.headers[name]).toBeUndefined();
    }
  });
});
