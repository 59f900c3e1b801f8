/**
 * Extensibility the TypeScript way (dlt's AuthConfigBase / register_auth, endpoint.auth, callable
 * response_actions), on the wire against the reference mock API: a custom auth applies itself to
 * each request, refreshes once after a 401, is redacted like any secret, and keeps "one credential,
 * one rejection".
 */

import {
  type AuthRequest,
  type AuthRequestContext,
  type CustomAuth,
  createPipeline,
  type RestApiConfig,
  registerAuth,
  restApiSource,
  secrets,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const SIGNING_KEY = "sk-live-0123456789abcdef";
let valid = new Set<string>();

beforeEach(() => {
  valid = new Set(["Sig good-1"]);
  const guarded = (data: unknown[]) => (req: { headers: Record<string, string> }) =>
    valid.has(req.headers["x-signature"] ?? "") || req.headers["x-endpoint-key"] === "endpoint-key"
      ? { body: { data } }
      : { status: 401, body: { error: `bad signature ${req.headers["x-signature"]}` } };
  mock.route("GET", "/items", guarded([{ id: 1 }, { id: 2 }]));
  mock.route("GET", "/others", guarded([{ id: "a" }]));
  mock.route("GET", "/public", () => ({ body: { data: [{ id: 9 }] } }));
});

/** Signs requests with a key it holds; its tokens rotate: `refresh` drops the current one. */
class SigningAuth implements CustomAuth {
  applied = 0;
  refreshed = 0;
  #generation = 1;
  constructor(readonly key: string) {}
  apply(request: AuthRequest, context: AuthRequestContext): void {
    this.applied++;
    context.secret(this.key);
    request.headers.set("x-signature", `Sig good-${this.#generation}`);
    request.headers.set("x-key-used", this.key);
  }
  refresh(): boolean {
    this.refreshed++;
    this.#generation++;
    return true;
  }
}

const resource = (name: string, extra: Record<string, unknown> = {}) =>
  ({ name, endpoint: { path: `/${name}`, paginator: "single_page", data_selector: "data", ...extra } }) as Exclude<
    RestApiConfig["resources"][number],
    string
  >;

async function run(
  config: Omit<RestApiConfig, "client"> & { client?: Partial<RestApiConfig["client"]> },
  secretValues?: Record<string, string>,
) {
  const pipeline = createPipeline({
    name: "custom-auth",
    store: memoryAdapter(),
    ...(secretValues ? { secrets: secretValues } : {}),
  });
  const report = await pipeline.run(
    restApiSource({ ...config, client: { base_url: mock.url, ...config.client } } as RestApiConfig),
  );
  return { report, pipeline };
}

describe("custom auth", () => {
  it("an instance in a typed config applies itself to every request", async () => {
    const auth = new SigningAuth(SIGNING_KEY);
    const { report } = await run({ client: { auth }, resources: [resource("items"), resource("others")] });
    expect(report.status).toBe("completed");
    expect(mock.requests.map((r) => r.headers["x-signature"])).toEqual(["Sig good-1", "Sig good-1"]);
    expect(auth.applied).toBe(2);
  });

  it("a plain object implementing it, with fields of its own, is accepted as one (dlt's auth objects hold their token)", async () => {
    const auth: CustomAuth & { token: string } = {
      token: "Sig good-1",
      apply(request: AuthRequest) {
        request.headers.set("x-signature", auth.token);
      },
    };
    const { report } = await run({ client: { auth }, resources: [resource("items")] });
    expect(report.resources.items).toMatchObject({ status: "completed", records: 2 });
  });

  it("a 401 asks it to refresh once and the request is sent again with the fresh credential", async () => {
    valid = new Set(["Sig good-2"]);
    const auth = new SigningAuth(SIGNING_KEY);
    const { report } = await run({ client: { auth }, resources: [resource("items")] });
    expect(report.resources.items).toMatchObject({ status: "completed", records: 2 });
    expect(auth.refreshed).toBe(1);
    expect(mock.requests.map((r) => r.status)).toEqual([401, 200]);
  });

  it("registered by name (dlt's register_auth), its config fields resolved from secrets and given to the factory", async () => {
    registerAuth("signing", (fields) => new SigningAuth(String(fields.key)));
    const { report } = await run(
      { client: { auth: { type: "signing", key: secrets["signing_key"] } as never }, resources: [resource("items")] },
      { signing_key: SIGNING_KEY },
    );
    expect(report.status).toBe("completed");
    expect(mock.requests[0]!.headers["x-key-used"]).toBe(SIGNING_KEY);
    expect(() =>
      restApiSource({ client: { base_url: mock.url, auth: { type: "signin" } as never }, resources: ["a"] }),
    ).toThrow(/client\.auth\.type: unknown auth type "signin" \(expected one of .*signing/);
    expect(() => registerAuth("bearer", () => new SigningAuth("x"))).toThrow(/built-in/);
  });

  it("the secrets it declares are redacted from errors and reports, and a rejected key is one rejection for the run", async () => {
    valid = new Set();
    mock.route("GET", "/items", (req) => ({
      status: 401,
      body: { error: `key ${req.headers["x-key-used"]} revoked` },
    }));
    const auth = new SigningAuth(SIGNING_KEY);
    const { report } = await run({ client: { auth }, resources: [resource("items"), resource("others")] });
    expect(report.status).toBe("failed");
    expect(report.resources.items!.error!.body).toContain("***");
    expect(JSON.stringify(report)).not.toContain(SIGNING_KEY);
    // others is never sent: the credential was rejected (after one refresh) on items.
    expect(report.resources.others!.error!.code).toBe("credential_rejected");
    expect(mock.requests.filter((r) => r.path === "/others")).toHaveLength(0);
    expect(report.credentialRejected).toBeDefined();
  });
});

describe("endpoint.auth", () => {
  it("replaces the client's auth for its resource; null sends none", async () => {
    const auth = new SigningAuth(SIGNING_KEY);
    const { report } = await run({
      client: { auth },
      resources: [
        resource("items"),
        resource("others", { auth: { type: "api_key", name: "X-Endpoint-Key", api_key: "endpoint-key" } }),
        resource("public", { auth: null }),
      ],
    });
    expect(report.status).toBe("completed");
    const by = (path: string) => mock.requests.find((r) => r.path === path)!.headers;
    expect(by("/items")["x-signature"]).toBe("Sig good-1");
    expect(by("/others")["x-signature"]).toBeUndefined();
    expect(by("/others")["x-endpoint-key"]).toBe("endpoint-key");
    expect(by("/public")["x-signature"]).toBeUndefined();
    expect(by("/public")["x-endpoint-key"]).toBeUndefined();
  });

  it("a resource_defaults endpoint.auth applies to every resource that sets none", async () => {
    const { report } = await run({
      resource_defaults: {
        endpoint: { auth: { type: "api_key", name: "X-Endpoint-Key", api_key: "endpoint-key" } },
      } as never,
      resources: [resource("items"), resource("others")],
    });
    expect(report.status).toBe("completed");
    expect(mock.requests.map((r) => r.headers["x-endpoint-key"])).toEqual(["endpoint-key", "endpoint-key"]);
  });
});

describe("callable response_actions (dlt's hooks)", () => {
  it("a function in the list sees every response and may return a modified one, or an action", async () => {
    mock.route("GET", "/items", () => ({ status: 200, body: { payload: [{ id: 1, secret_note: "x" }] } }));
    const seen: number[] = [];
    const { report, pipeline } = await run({
      client: {},
      resources: [
        resource("items", {
          data_selector: "data",
          response_actions: [
            (response: { status: number; text: string }) => {
              seen.push(response.status);
              const body = JSON.parse(response.text) as { payload: Array<Record<string, unknown>> };
              return { ...response, text: JSON.stringify({ data: body.payload.map(({ secret_note: _, ...r }) => r) }) };
            },
          ],
        }),
      ],
    });
    expect(report.resources.items).toMatchObject({ status: "completed", records: 1 });
    expect(seen).toEqual([200]);
    const stored: unknown[] = [];
    for await (const record of pipeline.records("items")) stored.push(record);
    expect(stored).toEqual([{ id: 1 }]);
  });

  it('a function as the action of a status match runs only on that status; returning "ignore" ignores the response', async () => {
    mock.route("GET", "/items", () => ({ status: 404, body: { error: "gone" } }));
    const calls: number[] = [];
    const { report } = await run({
      client: {},
      resources: [
        resource("items", {
          response_actions: [
            { status_code: 500, action: () => void calls.push(500) },
            {
              status_code: 404,
              action: [(r: { status: number }) => void calls.push(r.status), () => "ignore" as const],
            },
          ],
        }),
      ],
    });
    expect(calls).toEqual([404]);
    expect(report.resources.items).toMatchObject({ status: "completed", records: 0 });
  });
});
