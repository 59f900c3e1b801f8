/**
 * Templates as dlt reads them (str.format): `{{x}}` is a literal brace, `client.headers` are sent
 * as written, the incremental values fill params, json and endpoint headers, static params fill
 * path placeholders, and empty header values / basic-auth passwords are accepted.
 * Checked on the wire, against the reference mock API.
 */

import { createPipeline, type RestApiConfig, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi } from "./mock/index";
import { runSpellingsScenario, SPELLINGS_EXPECTED } from "./scenarios/spellings";
import { installSpellingsApi } from "./scenarios/spellings-api";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const bodies: unknown[] = [];
beforeEach(() => {
  bodies.length = 0;
  const answer = (req: { body?: unknown }) => {
    bodies.push(req.body);
    return { body: [{ id: 1, updated_at: "2024-05-01T00:00:00Z" }] };
  };
  mock.route("GET", "*", answer);
  mock.route("POST", "*", answer);
});

type Resource = Exclude<RestApiConfig["resources"][number], string>;

async function run(resources: Resource[], client: Partial<RestApiConfig["client"]> = {}) {
  const pipeline = createPipeline({ name: "templates", store: memoryAdapter() });
  const report = await pipeline.run(restApiSource({ client: { base_url: mock.url, ...client }, resources }));
  return { report, pipeline };
}

const incremental = {
  cursor_path: "updated_at",
  initial_value: "2024-01-01T00:00:00Z",
  end_value: "2024-12-31T00:00:00Z",
  lag: 3600,
} as const;

describe("templates as dlt reads them", () => {
  it("{{x}} is a literal brace in path, params, json and headers, not a placeholder", async () => {
    const { report } = await run([
      {
        name: "things",
        endpoint: {
          path: "/things/{{literal}}",
          method: "POST",
          paginator: "single_page",
          params: { q: "{{x}}", both: "{{{{y}}}}" },
          json: { filter: "{{not_this}}" },
          headers: { "X-Tpl": "a{{b}}c" },
        },
      },
    ]);
    expect(report.resources.things!.status).toBe("completed");
    const request = mock.requests[0]!;
    expect(decodeURIComponent(request.path)).toBe("/things/{literal}");
    expect(request.query).toEqual({ q: "{x}", both: "{{y}}" });
    expect(request.headers["x-tpl"]).toBe("a{b}c");
    expect(bodies[0]).toEqual({ filter: "{not_this}" });
  });

  it("client.headers are sent as written, never templated (an endpoint header is)", async () => {
    const { report } = await run(
      [
        {
          name: "items",
          endpoint: {
            path: "/items",
            paginator: "single_page",
            incremental,
            headers: { "X-Since": "{incremental.start_value}" },
          },
        },
      ],
      { headers: { "X-Literal": "{incremental.start_value}", "X-Other": "{{kept}}" } },
    );
    expect(report.resources.items!.status).toBe("completed");
    const headers = mock.requests[0]!.headers;
    expect(headers["x-literal"]).toBe("{incremental.start_value}");
    expect(headers["x-other"]).toBe("{{kept}}");
    expect(headers["x-since"]).toBe("2024-01-01T00:00:00Z");
  });

  it("{incremental.start_value|initial_value|end_value|lag|last_value} fill params, json and endpoint headers", async () => {
    const endpoint = {
      paginator: "single_page" as const,
      incremental,
      params: {
        start: "{incremental.start_value}",
        initial: "{incremental.initial_value}",
        end: "{incremental.end_value}",
        lag: "{incremental.lag}",
        last: "{incremental.last_value}",
      },
      headers: {
        "X-Start": "{incremental.start_value}",
        "X-Initial": "{incremental.initial_value}",
        "X-End": "{incremental.end_value}",
        "X-Lag": "{incremental.lag}",
        "X-Last": "{incremental.last_value}",
      },
    };
    await run([
      { name: "a", endpoint: { path: "/a", ...endpoint } },
      {
        name: "b",
        endpoint: {
          path: "/b",
          method: "POST",
          ...endpoint,
          json: { range: { from: "{incremental.start_value}", lag: "{incremental.lag}" } },
        },
      },
    ]);
    const first = mock.requests.find((r) => r.path === "/a")!;
    expect(first.query).toEqual({
      start: "2024-01-01T00:00:00Z",
      initial: "2024-01-01T00:00:00Z",
      end: "2024-12-31T00:00:00Z",
      lag: "3600",
      last: "2024-01-01T00:00:00Z",
    });
    expect(first.headers).toMatchObject({
      "x-start": "2024-01-01T00:00:00Z",
      "x-initial": "2024-01-01T00:00:00Z",
      "x-end": "2024-12-31T00:00:00Z",
      "x-lag": "3600",
      "x-last": "2024-01-01T00:00:00Z",
    });
    // A whole-value placeholder keeps its type in a JSON body, as dlt's preserve_value_type does.
    expect(bodies.at(-1)).toEqual({ range: { from: "2024-01-01T00:00:00Z", lag: 3600 } });

    // Without end_value the cursor is stored: the next run's start and last are it less the lag; initial stays.
    const { end_value: _, ...open } = incremental;
    const resource = { name: "a", endpoint: { path: "/a", ...endpoint, incremental: open } };
    const pipeline2 = createPipeline({ name: "templates-2", store: memoryAdapter() });
    await pipeline2.run(restApiSource({ client: { base_url: mock.url }, resources: [resource] }));
    mock.requests.length = 0;
    await pipeline2.run(restApiSource({ client: { base_url: mock.url }, resources: [resource] }));
    const second = mock.requests.find((r) => r.path === "/a")!;
    expect(second.query).toMatchObject({
      start: "2024-04-30T23:00:00Z",
      last: "2024-04-30T23:00:00Z",
      initial: "2024-01-01T00:00:00Z",
      end: "",
    });
    expect(second.headers["x-start"]).toBe("2024-04-30T23:00:00Z");
  });

  it("an unknown {incremental.x} in an endpoint header is a ConfigError naming the ones there are", () => {
    expect(() =>
      restApiSource({
        client: { base_url: mock.url },
        resources: [{ name: "a", endpoint: { incremental, headers: { "X-Since": "{incremental.start}" } } }],
      }),
    ).toThrow(
      /resources\[0\]\.endpoint: unknown placeholder \{incremental\.start\} \(expected .*incremental\.last_value/,
    );
  });

  it("static params fill path placeholders and are not sent as query params (/repos/{org}/{repo})", async () => {
    const { report } = await run([
      {
        name: "issues",
        endpoint: {
          path: "/repos/{org}/{repo}/issues",
          paginator: "single_page",
          params: { org: "dlt-hub", repo: "dlt", state: "open" },
        },
      },
    ]);
    expect(report.resources.issues!.status).toBe("completed");
    expect(mock.requests[0]!.path).toBe("/repos/dlt-hub/dlt/issues");
    expect(mock.requests[0]!.query).toEqual({ state: "open" });
  });

  it("an empty header value and an empty basic-auth password are accepted and sent", async () => {
    const { report } = await run(
      [{ name: "items", endpoint: { path: "/items", paginator: "single_page", headers: { "X-Empty": "" } } }],
      { auth: { type: "http_basic", username: "user", password: "" }, headers: { "X-Client-Empty": "" } },
    );
    expect(report.resources.items!.status).toBe("completed");
    const headers = mock.requests[0]!.headers;
    expect(headers["x-empty"]).toBe("");
    expect(headers["x-client-empty"]).toBe("");
    expect(headers.authorization).toBe(`Basic ${btoa("user:")}`);
  });
});

describe("the spellings scenario (also run in Chromium and workerd)", () => {
  it("literal braces, static path params, an empty and a literal client header, custom and endpoint auth, a body-rewriting hook", async () => {
    installSpellingsApi(mock);
    const result = await runSpellingsScenario(createPipeline({ name: "spellings", store: memoryAdapter() }), mock.url);
    expect(result.errors).toEqual([undefined, undefined]);
    expect(result.stored).toEqual(SPELLINGS_EXPECTED);
  });
});
