import { type ConfigError, isConfigError, type RestApiConfig, restApiSource, secrets } from "restsync";
import { describe, expect, it } from "vitest";
import { seedConfig } from "../examples/seed/config";

const base = { base_url: "https://api.example.com" };

/** The issues a config is rejected with, as `path: message` lines. */
function issuesOf(config: unknown): string[] {
  try {
    restApiSource(config as RestApiConfig);
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error("config was accepted");
}

describe("restApiSource accepts", () => {
  it("the seed config pasted as it is, with every resource and its parents", () => {
    const source = restApiSource(seedConfig);
    expect(source.resources).toHaveLength(24);
    const byName = new Map(source.resources.map((r) => [r.name, r]));
    expect(byName.get("categories_milestones")!.parent!.resources).toEqual(["categories"]);
    expect(byName.get("epics_comments")!.parent!.resources).toEqual(["epics"]);
    expect(byName.get("stories_comments")!.parent!.resources).toEqual([
      "epics_stories",
      "groups_stories",
      "iterations_stories",
    ]);
    expect(byName.get("story_history")!.parent!.fields).toEqual(new Map([["story_id", "id"]]));
    expect(byName.get("search_epics")!.paginator).toEqual({
      type: "cursor",
      limit: 1,
      cursor_param: "next",
      cursor_path: "response.next",
      limit_param: "limit",
      stop_after_empty_page: false,
    });
    expect(byName.get("epics")!.incremental?.cursor_path).toBe("updated_at");
    expect(byName.get("epics")!.writeDisposition).toBe("merge");
    expect(byName.get("epics")!.retry.maxRetries).toBe(3);
    // parents always run before children
    const order = source.resources.map((r) => r.name);
    for (const r of source.resources)
      for (const p of r.parent?.resources ?? []) expect(order.indexOf(p)).toBeLessThan(order.indexOf(r.name));
  });

  it("plain string resources, endpoint strings and paginator names", () => {
    const source = restApiSource({
      client: { ...base, paginator: "header_link" },
      resources: ["users", { name: "teams", endpoint: "/v2/teams" }],
    });
    expect(source.resources.map((r) => [r.name, r.path, r.paginator.type])).toEqual([
      ["users", "users", "header_link"],
      ["teams", "/v2/teams", "header_link"],
    ]);
  });

  it("deep-merges resource_defaults but merges endpoint params one level", () => {
    const source = restApiSource({
      client: base,
      resource_defaults: {
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { params: { per_page: 50, state: "all" }, method: "GET" },
      },
      resources: [{ name: "issues", endpoint: { path: "issues", params: { state: "open" } } }],
    });
    const issues = source.resources[0]!;
    expect(issues.params).toEqual({ per_page: 50, state: "open" });
    expect(issues.primaryKey).toEqual(["id"]);
  });

  it("explicit resolve params and {resources.parent.field} placeholders", () => {
    const source = restApiSource({
      client: base,
      resources: [
        "repos",
        {
          name: "issues",
          endpoint: {
            path: "repos/{repo}/issues",
            params: { repo: { type: "resolve", resource: "repos", field: "full_name" } },
          },
        },
        { name: "pulls", endpoint: { path: "repos/{resources.repos.name}/pulls" } },
        {
          name: "by_query",
          endpoint: { path: "search", params: { owner: "{resources.repos.owner.login}" } },
        },
      ],
    });
    const byName = new Map(source.resources.map((r) => [r.name, r]));
    expect(byName.get("issues")!.parent!.fields).toEqual(new Map([["repo", "full_name"]]));
    expect(byName.get("pulls")!.parent!.fields).toEqual(new Map([["resources.repos.name", "name"]]));
    expect(byName.get("by_query")!.parent!.fields).toEqual(new Map([["resources.repos.owner.login", "owner.login"]]));
  });

  it("dlt's incremental param form", () => {
    const source = restApiSource({
      client: base,
      resources: [
        {
          name: "events",
          endpoint: {
            path: "events",
            params: { since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-01-01" } },
          },
        },
      ],
    });
    expect(source.resources[0]!.incremental).toMatchObject({
      cursor_path: "updated_at",
      start_param: "since",
      initial_value: "2024-01-01",
    });
    expect(source.resources[0]!.params).toEqual({});
  });
});

describe("restApiSource rejects, naming every problem with its path", () => {
  const cases: Array<[string, unknown, RegExp[]]> = [
    ["no client", { resources: ["a"] }, [/^client: /]],
    [
      "a relative base_url",
      { client: { base_url: "api/v1" }, resources: ["a"] },
      [/^client\.base_url: base_url must be an absolute URL/],
    ],
    [
      "an empty resources list",
      { client: base, resources: [] },
      [/^resources: resources must name at least one resource/],
    ],
    [
      "a misspelt paginator type",
      {
        client: base,
        resources: ["a", "b", "c", "d", "e", "f", { name: "g", endpoint: { path: "g", paginator: { type: "cursr" } } }],
      },
      [/^resources\[6\]\.endpoint\.paginator\.type: unknown paginator "cursr" \(expected one of single_page, cursor/],
    ],
    [
      "an unknown paginator name",
      { client: { ...base, paginator: "pages" }, resources: ["a"] },
      [/^client\.paginator: unknown paginator "pages"/],
    ],
    [
      "an unknown key, with a suggestion",
      { client: base, resources: [{ name: "a", endpoint: { path: "a", data_selectr: "data" } }] },
      [/^resources\[0\]\.endpoint\.data_selectr: unknown key "data_selectr" \(did you mean "data_selector"\?\)/],
    ],
    [
      "an unknown top-level key",
      { client: base, resource: ["a"], resources: ["a"] },
      [/^resource: unknown key "resource" \(did you mean "resources"\?\)/],
    ],
    [
      "a JSON body on a GET (fetch cannot send one: it was retried as a network error), also from resource_defaults",
      {
        client: base,
        resource_defaults: { endpoint: { json: { q: "x" } } },
        resources: [
          { name: "a", endpoint: { path: "a", json: { query: "x" } } },
          "b",
          { name: "c", endpoint: { method: "POST" } },
        ],
      },
      [
        /^resources\[0\]\.endpoint\.json: a GET request cannot carry a JSON body .*method: "POST"/,
        /^resources\[1\]\.endpoint\.json: a GET request cannot carry a JSON body/,
      ],
    ],
    [
      "an unknown auth type",
      { client: { ...base, auth: { type: "apikey", api_key: "x" } }, resources: ["a"] },
      [/^client\.auth\.type: unknown auth type "apikey"/],
    ],
    [
      "an api_key auth with an empty key",
      { client: { ...base, auth: { type: "api_key", name: "k", api_key: "" } }, resources: ["a"] },
      [/^client\.auth\.api_key: /],
    ],
    [
      "a bad api_key location",
      { client: { ...base, auth: { type: "api_key", api_key: "x", location: "body" } }, resources: ["a"] },
      [/^client\.auth\.location: location must be "header", "query" or "cookie"/],
    ],
    [
      "an offset paginator without limit",
      { client: base, resources: [{ name: "a", endpoint: { paginator: { type: "offset" } } }] },
      [/^resources\[0\]\.endpoint\.paginator\.limit: /],
    ],
    [
      "a negative max_retries",
      { client: base, resources: [{ name: "a", endpoint: { error_handler: { max_retries: -1 } } }] },
      [/^resources\[0\]\.endpoint\.error_handler\.max_retries: max_retries must not be negative/],
    ],
    [
      "a status outside 100-599 or not a number in retry_on_status_codes",
      {
        client: base,
        resources: [{ name: "a", endpoint: { error_handler: { retry_on_status_codes: [600, "x", 429.5] } } }],
      },
      [
        /^resources\[0\]\.endpoint\.error_handler\.retry_on_status_codes\[0\]: retry_on_status_codes item must be an HTTP status \(an integer from 100 to 599\)$/,
        /^resources\[0\]\.endpoint\.error_handler\.retry_on_status_codes\[1\]: retry_on_status_codes item must be a number$/,
        /^resources\[0\]\.endpoint\.error_handler\.retry_on_status_codes\[2\]: retry_on_status_codes item must be an HTTP status/,
      ],
    ],
    [
      "a fractional burst, a zero timeout and a negative rate",
      { client: { ...base, timeout: 0, rate_limit: { requests_per_second: -1, burst: 0.5 } }, resources: ["a"] },
      [
        /^client\.rate_limit\.burst: burst must be an integer$/,
        /^client\.rate_limit\.burst: burst must be at least 1$/,
        /^client\.rate_limit\.requests_per_second: requests_per_second must be positive$/,
        /^client\.timeout: timeout must be positive$/,
      ],
    ],
    [
      "a fractional offset",
      { client: base, resources: [{ name: "a", endpoint: { paginator: { type: "offset", limit: 10, offset: 1.5 } } }] },
      [/^resources\[0\]\.endpoint\.paginator\.offset: offset must be an integer$/],
    ],
    [
      "a method other than GET or POST",
      { client: base, resources: [{ name: "a", endpoint: { method: "DELETE" } }] },
      [/^resources\[0\]\.endpoint\.method: method must be "GET" or "POST"/],
    ],
    [
      "an unsupported JSONPath (an `or` filter, a union)",
      {
        client: base,
        resources: [
          { name: "a", endpoint: { data_selector: "$.data[?(@.a == 1 || @.b)]" } },
          { name: "b", endpoint: { data_selector: "$.data[0,1]" } },
        ],
      },
      [
        /^resources\[0\]\.endpoint\.data_selector: data_selector is not a supported JSONPath: unsupported filter .*no \|\|/,
        /^resources\[1\]\.endpoint\.data_selector: data_selector is not a supported JSONPath: unsupported selector \[0,1\]/,
      ],
    ],
    [
      "duplicate resource names",
      { client: base, resources: ["a", { name: "a", endpoint: "x" }] },
      [/^resources\[1\]\.name: duplicate resource name "a" \(also resources\[0\]\)/],
    ],
    [
      "a resolve param naming an unknown parent",
      {
        client: base,
        resources: [
          {
            name: "c",
            endpoint: { path: "p/{pid}/c", params: { pid: { type: "resolve", resource: "parents", field: "id" } } },
          },
        ],
      },
      [/^resources\[0\]\.endpoint\.params\.pid\.resource: resource "c" resolves "pid" from unknown resource "parents"/],
    ],
    [
      "a placeholder that cannot be inferred",
      { client: base, resources: ["users", { name: "x", endpoint: "teams/{team_id}/x" }] },
      [
        /cannot tell where \{team_id\} in resource "x" comes from; name its parent with params: \{ "team_id": \{ type: "resolve"/,
      ],
    ],
    [
      "a dependency cycle",
      {
        client: base,
        resources: [
          { name: "a", endpoint: { path: "a/{x}", params: { x: { type: "resolve", resource: "b", field: "id" } } } },
          { name: "b", endpoint: { path: "b/{y}", params: { y: { type: "resolve", resource: "a", field: "id" } } } },
        ],
      },
      [/^resources: dependency cycle: a → b → a/],
    ],
    [
      "merge without a primary key",
      { client: base, resources: [{ name: "a", write_disposition: "merge" }] },
      [/^resources\[0\]\.primary_key: write_disposition "merge" needs a primary_key/],
    ],
    [
      "a bad write disposition",
      { client: base, resources: [{ name: "a", write_disposition: "upsert" }] },
      [/^resources\[0\]\.write_disposition: write_disposition must be "merge", "append" or "replace"/],
    ],
    [
      "a processing step that is not a function",
      { client: base, resources: [{ name: "a", processing_steps: [{ filter: "x > 1" }] }] },
      [/^resources\[0\]\.processing_steps\[0\]\.filter: filter must be a function/],
    ],
    [
      "an incremental placeholder without incremental",
      {
        client: base,
        resources: [{ name: "a", endpoint: { path: "a", params: { since: "{incremental.start_value}" } } }],
      },
      [/^resources\[0\]\.endpoint: \{incremental\.start_value\} needs endpoint\.incremental/],
    ],
    [
      "a bad on_cursor_value_missing",
      {
        client: base,
        resources: [{ name: "a", endpoint: { incremental: { cursor_path: "u", on_cursor_value_missing: "skip" } } }],
      },
      [/^resources\[0\]\.endpoint\.incremental\.on_cursor_value_missing: /],
    ],
  ];

  it.each(cases)("%s", (_label, config, expected) => {
    const issues = issuesOf(config);
    for (const pattern of expected)
      expect(
        issues.some((line) => pattern.test(line)),
        `${pattern} in\n${issues.join("\n")}`,
      ).toBe(true);
  });

  it("lists every problem of a config at once, not just the first", () => {
    const issues = issuesOf({
      client: { base_url: "nope", auth: { type: "bearer", token: 42 } },
      resources: [
        { name: "a", endpoint: { paginator: { type: "cursr" }, methd: "GET" } },
        { name: "b", write_disposition: "upsert" },
      ],
    });
    expect(issues.length).toBeGreaterThanOrEqual(5);
    expect(issues.join("\n")).toMatch(/client\.base_url/);
    expect(issues.join("\n")).toMatch(/client\.auth\.token/);
    expect(issues.join("\n")).toMatch(/resources\[0\]\.endpoint\.paginator\.type/);
    expect(issues.join("\n")).toMatch(
      /resources\[0\]\.endpoint\.methd: unknown key "methd" \(did you mean "method"\?\)/,
    );
    expect(issues.join("\n")).toMatch(/resources\[1\]\.write_disposition/);
  });

  it("puts every issue in the error message, so a thrown error is readable on its own", () => {
    expect(() =>
      restApiSource({ client: base, resources: [{ name: "a", endpoint: { paginator: { type: "cursr" } } }] } as never),
    ).toThrow(/resources\[0\]\.endpoint\.paginator\.type: unknown paginator "cursr"/);
  });

  it("never prints a secret value, only its reference", () => {
    const config = {
      client: { ...base, auth: { type: "bearer", token: secrets["token"] } },
      resources: [{ name: "a", endpoint: { methd: "GET" } }],
    };
    const message = (() => {
      try {
        restApiSource(config as never);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/methd/);
    expect(String(secrets["token"])).toBe('secrets["token"]');
  });
});

describe("known limits are said, not hidden", () => {
  it("warns when an incremental resource pages by offset or page number (a record shifting across a page boundary can be skipped)", () => {
    const source = restApiSource({
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "by_offset",
          endpoint: { paginator: { type: "offset", limit: 50 }, incremental: { cursor_path: "updated_at" } },
        },
        {
          name: "by_page",
          endpoint: {
            paginator: { type: "page_number" },
            params: { since: { type: "incremental", cursor_path: "updated_at" } },
          },
        },
        { name: "by_cursor", endpoint: { paginator: { type: "cursor" }, incremental: { cursor_path: "updated_at" } } },
        { name: "not_incremental", endpoint: { paginator: { type: "offset", limit: 50 } } },
      ],
    });
    const warnings = source.warnings.filter((w) => w.includes("can skip"));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^resources\[0\]\.endpoint\.paginator: by_offset is incremental and pages by offset: .*can skip/,
      ),
      expect.stringMatching(
        /^resources\[1\]\.endpoint\.paginator: by_page is incremental and pages by page number: .*can skip/,
      ),
    ]);
  });
});
