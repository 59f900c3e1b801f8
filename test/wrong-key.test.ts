/**
 * A wrong key is one clear message, not a storm: the first request with the
 * run's credential goes alone, and once the API refuses it the other resources
 * fail without sending, the run naming once which secret to check.
 */

import { createPipeline, type ProgressEvent, type RestApiConfig, restApiSource, secrets } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { withBaseUrl } from "../examples/seed/config";
import { useMockApis } from "./_helpers/mock-apis";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

describe("a credential the API refuses", () => {
  it("is one 401: the other resources fail without sending, and the run says once which secret to check", async () => {
    const events: ProgressEvent[] = [];
    const pipeline = createPipeline({ name: "wrong-key", store: memoryAdapter(), secrets: { api_key: "not-the-key" } });
    const report = await pipeline.run(restApiSource(withBaseUrl(mock.url)), { onProgress: (e) => events.push(e) });
    expect(report.status).toBe("failed");
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]!.status).toBe(401);
    const rejected = events.filter((e) => e.type === "credential_rejected");
    expect(rejected).toHaveLength(1);
    expect(report.credentialRejected).toMatchObject({
      status: 401,
      message: expect.stringContaining(`check secrets["api_key"] (from the pipeline's secrets.api_key)`),
    });
    const failed = Object.values(report.resources).filter((r) => r.status === "failed");
    const notSent = failed.filter((r) => r.error?.code === "credential_rejected");
    expect(failed.length - notSent.length).toBe(1);
    for (const r of notSent) expect(r.requests).toBe(0);
    expect(JSON.stringify(report)).not.toContain("not-the-key");
  });

  it("names the environment variable a secret came from", async () => {
    process.env.WRONG_KEY_TEST = "not-the-key";
    try {
      const config = {
        ...withBaseUrl(mock.url),
        client: {
          ...withBaseUrl(mock.url).client,
          auth: {
            type: "api_key" as const,
            name: "api_key",
            api_key: secrets["wrong_key_test"],
            location: "header" as const,
          },
        },
      };
      const report = await createPipeline({ name: "wrong-env", store: memoryAdapter() }).run(config);
      expect(report.credentialRejected!.message).toContain(
        `check secrets["wrong_key_test"] (from the environment variable WRONG_KEY_TEST)`,
      );
    } finally {
      delete process.env.WRONG_KEY_TEST;
    }
  });

  const authed = (paths: string[]): RestApiConfig => ({
    client: { base_url: mock.url, auth: { type: "bearer", token: secrets["token"] }, paginator: "single_page" },
    resources: paths.map((path) => ({
      name: path.slice(1),
      primary_key: "id",
      write_disposition: "merge" as const,
      endpoint: { path, error_handler: { max_retries: 0 } },
    })),
  });

  it("a 403 on one endpoint answered first does not stop the others; 403s on two before any success do", async () => {
    mock.route("GET", "/forbidden", () => ({ status: 403, body: { error: "forbidden" } }));
    mock.route("GET", "/also_forbidden", () => ({ status: 403, body: { error: "forbidden" } }));
    mock.route("GET", "/ok", () => ({ body: [{ id: 1 }] }));
    const one = await createPipeline({ name: "one-403", store: memoryAdapter(), secrets: { token: "t0ken" } }).run(
      authed(["/forbidden", "/ok"]),
    );
    expect(one.resources.forbidden!.status).toBe("failed");
    expect(one.resources.ok!.status).toBe("completed");
    expect(one.credentialRejected).toBeUndefined();

    mock.clearLog();
    const two = await createPipeline({ name: "two-403", store: memoryAdapter(), secrets: { token: "t0ken" } }).run(
      authed(["/forbidden", "/also_forbidden", "/ok"]),
    );
    expect(two.credentialRejected).toMatchObject({ status: 403 });
    expect(two.resources.ok).toMatchObject({ status: "failed", requests: 0, error: { code: "credential_rejected" } });
    expect(mock.requests).toHaveLength(2);
  });

  it("an OAuth token the API refuses is refreshed once, then rejected", async () => {
    let tokens = 0;
    mock.route("POST", "/oauth/token", () => ({ body: { access_token: `token-${++tokens}`, expires_in: 3600 } }));
    mock.route("GET", /^\/(a|b|c)$/, () => ({ status: 401, body: {} }));
    const config: RestApiConfig = {
      client: {
        base_url: mock.url,
        auth: {
          type: "oauth2_client_credentials",
          access_token_url: `${mock.url}/oauth/token`,
          client_id: "id",
          client_secret: secrets["client_secret"],
        },
        paginator: "single_page",
      },
      resources: ["a", "b", "c"].map((name) => ({ name, endpoint: { error_handler: { max_retries: 0 } } })),
    };
    const report = await createPipeline({
      name: "oauth-rejected",
      store: memoryAdapter(),
      secrets: { client_secret: "s3cret" },
    }).run(config);
    expect(report.credentialRejected?.message).toContain(`check secrets["client_secret"]`);
    expect(mock.requests.filter((r) => r.method === "GET")).toHaveLength(2);
    expect(tokens).toBe(2);
  });
});
