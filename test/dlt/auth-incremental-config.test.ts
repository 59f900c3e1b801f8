/**
 * dlt tests/sources/rest_api/configurations/test_auth_config.py and
 * test_incremental_config.py. dlt's `create_auth` / `setup_incremental_object`
 * are checked through what a run sends (a scripted fetch answers) or what the
 * source resolves. dlt injects missing auth fields from its config sections
 * (`SOURCES__REST_API__CREDENTIALS__TOKEN` …, set as environment variables):
 * restsync reads the same names from the environment (issue 12 item 10).
 * dlt's `_mask_secrets` output is internal; its user-facing meaning, checked
 * here, is that a ConfigError never shows the secret.
 */
import type { CustomAuth } from "restsync";
import { describe, expect } from "vitest";
import { type DltConfig, dltCase, expectConfigError, expectedEntriesExist, sourceOf } from "./_case";
import { runScripted, type SeenRequest } from "./_scripted";

const BASE = "https://api.example.com";
const SECTIONS = ["SOURCES__REST_API__CREDENTIALS", "SOURCES__CREDENTIALS", "CREDENTIALS"];

/** dlt's custom_environ: the variables set for the duration of `fn`. */
async function withEnv(vars: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    await fn();
  } finally {
    for (const [k, v] of Object.entries(before))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/** Runs one resource with `auth`; the token endpoint answers a token. Returns the requests. */
async function requestsWithAuth(auth: unknown): Promise<SeenRequest[]> {
  const run = await runScripted({ client: { base_url: BASE, auth }, resources: ["posts"] }, ({ url }) =>
    url.pathname === "/oauth/token" ? { access_token: "issued", expires_in: 3600 } : [],
  );
  expect(run.report.resources.posts?.error?.message).toBeUndefined();
  return run.seen;
}
const apiRequest = (seen: SeenRequest[]) => seen.find((r) => r.url.pathname === "/posts")!;
const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

describe("test_auth_config", () => {
  const F = "test_auth_config";
  for (const authType of ["bearer", "api_key", "http_basic", "oauth2_client_credentials"])
    for (const section of SECTIONS)
      dltCase(`${F}::test_auth_shorthands[${authType}-${section}]`, () =>
        withEnv(
          {
            [`${section}__TOKEN`]: "token",
            [`${section}__API_KEY`]: "api_key",
            [`${section}__USERNAME`]: "username",
            [`${section}__PASSWORD`]: "password",
            [`${section}__ACCESS_TOKEN_URL`]: "https://example.com/oauth/token",
            [`${section}__CLIENT_ID`]: "a_client_id",
            [`${section}__CLIENT_SECRET`]: "a_client_secret",
          },
          async () => {
            const seen = await requestsWithAuth(authType);
            const headers = apiRequest(seen).headers;
            if (authType === "bearer") expect(headers.get("authorization")).toBe("Bearer token");
            if (authType === "api_key") expect(headers.get("authorization")).toBe("api_key");
            if (authType === "http_basic") expect(headers.get("authorization")).toBe(basic("username", "password"));
            if (authType === "oauth2_client_credentials") {
              const token = seen.find((r) => r.url.href === "https://example.com/oauth/token")!;
              const sent = `${token.headers.get("authorization") ?? ""} ${token.body ?? ""}`;
              expect(sent.includes("a_client_id") || sent.includes(btoa("a_client_id:a_client_secret"))).toBe(true);
              expect(headers.get("authorization")).toBe("Bearer issued");
            }
          },
        ),
      );

  const typeConfigs: DltConfig[] = [
    { type: "bearer", token: "token" },
    { type: "api_key", location: "cookie" },
    { type: "http_basic", username: "username" },
    {
      type: "oauth2_client_credentials",
      access_token_url: "https://example.com/oauth/token",
      access_token_request_data: { foo: "bar" },
      default_token_expiration: 60,
    },
  ];
  typeConfigs.forEach((auth, i) => {
    for (const section of SECTIONS)
      dltCase(`${F}::test_auth_type_configs[auth_type_config${i}-${section}]`, () =>
        withEnv(
          {
            [`${section}__API_KEY`]: "api_key",
            [`${section}__NAME`]: "session-cookie",
            [`${section}__PASSWORD`]: "password",
            [`${section}__CLIENT_SECRET`]: "a_client_secret",
            [`${section}__CLIENT_ID`]: "a_client_id",
          },
          async () => {
            const seen = await requestsWithAuth(auth);
            const headers = apiRequest(seen).headers;
            if (auth.type === "bearer") expect(headers.get("authorization")).toBe("Bearer token");
            if (auth.type === "api_key") expect(headers.get("cookie")).toContain("session-cookie=api_key");
            if (auth.type === "http_basic") expect(headers.get("authorization")).toBe(basic("username", "password"));
            if (auth.type === "oauth2_client_credentials") {
              const token = seen.find((r) => r.url.href === "https://example.com/oauth/token")!;
              expect(token.body).toContain("foo=bar");
              expect(headers.get("authorization")).toBe("Bearer issued");
            }
          },
        ),
      );
  });

  for (const section of SECTIONS)
    dltCase(`${F}::test_auth_instance_config[${section}]`, () =>
      withEnv({ [`${section}__API_KEY`]: "api_key", [`${section}__NAME`]: "session-cookie" }, async () => {
        // dlt also lets the injected NAME override the explicit one, which its own TODO calls wrong: not kept.
        const seen = await requestsWithAuth({ type: "api_key", location: "param", name: "token" });
        expect([...apiRequest(seen).url.searchParams.values()]).toContain("api_key");
      }),
    );

  dltCase(`${F}::test_bearer_token_fallback`, async () => {
    expect(apiRequest(await requestsWithAuth({ token: "secret" })).headers.get("authorization")).toBe("Bearer secret");
  });

  dltCase(`${F}::test_error_message_invalid_auth_type`, () =>
    expectConfigError(
      { client: { base_url: BASE, auth: "non_existing_method" }, resources: ["posts"] },
      "non_existing_method",
      "bearer",
      "api_key",
      "http_basic",
      "oauth2_client_credentials",
    ),
  );

  dltCase(`${F}::test_error_message_incorrect_auth_object`, () => {
    class WrongAuth {
      constructor(readonly token: string) {}
    }
    // dlt's requests.auth.AuthBase subclass: a callable that sets a header, without restsync's auth interface.
    const datadogAuthWrong = (request: { headers: Headers }) =>
      request.headers.set("Authorization", "Bearer test-token");
    for (const auth of [new WrongAuth("test-token"), datadogAuthWrong])
      expectConfigError({ client: { base_url: BASE, auth }, resources: ["posts"] }, "client.auth");
  });

  const SECRET = "sensitive-secret";
  const maskingConfigs: DltConfig[] = [
    { type: "bearer", token: SECRET },
    { type: "api_key", api_key: SECRET },
    { type: "http_basic", username: SECRET, password: SECRET },
    { type: "http_basic", username: "", password: SECRET },
    { type: "http_basic", username: SECRET, password: "" },
    { type: "bearer", token: SECRET },
    { type: "api_key", api_key: SECRET },
    { type: "http_basic", username: SECRET, password: SECRET },
    { type: "http_basic", username: SECRET, password: "" },
    { type: "http_basic", username: "", password: SECRET },
    { type: "oauth2_client_credentials", access_token: SECRET, client_id: SECRET, client_secret: SECRET },
  ];
  /** A config refused because of its auth (an unknown key in it): the error must not show the secret. */
  function expectMaskedError(auth: DltConfig): void {
    let message = "";
    try {
      sourceOf({ client: { base_url: BASE, auth: { ...auth, unexpected_key: 1 } }, resources: ["posts"] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("client.auth");
    expect(message).not.toContain(SECRET);
  }
  maskingConfigs.forEach((auth, i) => {
    dltCase(`${F}::test_secret_masking_auth_config[secret_keys${i}-config${i}-masked_secrets${i}]`, () =>
      expectMaskedError(auth),
    );
  });

  dltCase(`${F}::test_secret_masking_oauth`, () =>
    expectMaskedError({
      type: "oauth2_client_credentials",
      access_token_url: "",
      client_id: SECRET,
      client_secret: SECRET,
    }),
  );

  dltCase(`${F}::test_secret_masking_custom_auth`, () => {
    // dlt's AuthConfigBase subclass holding a token: a CustomAuth, in a config refused for another reason.
    const custom: CustomAuth & { token: string } = { token: SECRET, apply() {} };
    let message = "";
    try {
      sourceOf({ client: { base_url: BASE, auth: custom, unexpected_key: 1 }, resources: ["posts"] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("unexpected_key");
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain("client.auth");
  });

  dltCase(`${F}::test_validation_masks_auth_secrets`, () => {
    let message = "";
    try {
      sourceOf({
        client: { base_url: BASE, auth: { type: "bearer", location: "header", token: SECRET } },
        resources: ["posts"],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("location");
    expect(message).not.toContain(SECRET);
  });
});

describe("test_incremental_config", () => {
  const F = "test_incremental_config";
  const incrementalOf = (endpoint: DltConfig) =>
    sourceOf({ client: { base_url: BASE }, resources: [{ name: "posts", endpoint: { path: "posts", ...endpoint } }] })
      .resources[0]!.incremental as Record<string, unknown> | undefined;
  const since = (extra: DltConfig = {}) => ({
    type: "incremental",
    cursor_path: "updated_at",
    initial_value: "2024-01-01T00:00:00Z",
    ...extra,
  });
  const epochToDate = (epoch: unknown) =>
    new Date(Number.parseInt(String(epoch), 10) * 1000).toISOString().slice(0, 10);

  dltCase(`${F}::test_invalid_incremental_type_is_not_accepted`, () =>
    expectConfigError(
      {
        client: { base_url: BASE },
        resources: [{ name: "posts", endpoint: { params: { foo: "bar", since: since({ type: "no_incremental" }) } } }],
      },
      "since",
    ),
  );

  for (const [id, second] of [
    ["test_one_resource_cannot_have_many_incrementals", since({ cursor_path: "created_at" })],
    ["test_one_resource_cannot_have_many_incrementals_2", since()],
  ] as const)
    dltCase(`${F}::${id}`, () =>
      expectConfigError(
        {
          client: { base_url: BASE },
          resources: [
            {
              name: "posts",
              endpoint: { params: { foo: "bar", first_incremental: since(), second_incremental: second } },
            },
          ],
        },
        "first_incremental",
        "second_incremental",
      ),
    );

  dltCase(`${F}::test_constructs_incremental_from_request_param`, () =>
    expect(incrementalOf({ params: { foo: "bar", since: since({ lag: 360.5 }) } })).toMatchObject({
      cursor_path: "updated_at",
      initial_value: "2024-01-01T00:00:00Z",
      lag: 360.5,
      start_param: "since",
    }),
  );

  dltCase(`${F}::test_constructs_incremental_from_request_param_with_incremental_object`, () => {
    const incremental = incrementalOf({ params: { foo: "bar", since: since() } });
    expect(incremental).toMatchObject({
      cursor_path: "updated_at",
      initial_value: "2024-01-01T00:00:00Z",
      start_param: "since",
    });
    expect(incremental?.end_param).toBeUndefined();
  });

  dltCase(`${F}::test_constructs_incremental_from_request_param_with_convert`, () => {
    const convert = (epoch: unknown) => new Date(Number(epoch) * 1000);
    expect(incrementalOf({ params: { since: since({ convert }) } })).toMatchObject({
      cursor_path: "updated_at",
      initial_value: "2024-01-01T00:00:00Z",
      start_param: "since",
      convert,
    });
  });

  dltCase(`${F}::test_does_not_construct_incremental_from_request_param_with_unsupported_incremental`, () => {
    const refused = (params: DltConfig, name: string) =>
      expectConfigError({ client: { base_url: BASE }, resources: [{ name: "posts", endpoint: { params } }] }, name);
    refused({ since: since({ end_value: "2024-06-30T00:00:00Z" }) }, "since");
    refused({ since_2: since({ end_param: "2024-06-30T00:00:00Z" }) }, "since_2");
    refused({ since_3: since({ end_value: "2024-06-30T00:00:00Z" }) }, "since_3");
  });

  const endpointIncremental = {
    start_param: "since",
    end_param: "until",
    cursor_path: "updated_at",
    initial_value: "2024-01-01T00:00:00Z",
  };

  dltCase(`${F}::test_constructs_incremental_from_endpoint_config_incremental`, () =>
    expect(incrementalOf({ incremental: endpointIncremental })).toMatchObject(endpointIncremental),
  );

  dltCase(`${F}::test_constructs_incremental_from_endpoint_config_incremental_with_convert`, () => {
    const convert = (epoch: unknown) => new Date(Number(epoch) * 1000);
    const incremental = { ...endpointIncremental, end_value: "2024-06-30T00:00:00Z", convert };
    expect(incrementalOf({ incremental })).toMatchObject(incremental);
  });

  /** The query of the first request of a run of `incremental`. */
  async function firstQuery(incremental: DltConfig): Promise<Record<string, string>> {
    const run = await runScripted(
      { client: { base_url: BASE }, resources: [{ name: "posts", endpoint: { path: "posts", incremental } }] },
      () => [],
    );
    return Object.fromEntries(run.seen[0]!.url.searchParams);
  }

  dltCase(`${F}::test_calls_convert_from_endpoint_config_incremental`, async () => {
    const calls: unknown[][] = [];
    const convert = (...args: unknown[]) => (calls.push(args), epochToDate(args[0]));
    expect(await firstQuery({ start_param: "since", cursor_path: "updated_at", initial_value: "1", convert })).toEqual({
      since: "1970-01-01",
    });
    expect(calls[0]).toEqual(["1"]);
  });

  dltCase(`${F}::test_calls_convert_from_request_param`, async () => {
    const calls: unknown[][] = [];
    const convert = (...args: unknown[]) => (calls.push(args), epochToDate(args[0]));
    const incremental = {
      start_param: "since",
      end_param: "until",
      cursor_path: "updated_at",
      initial_value: "1",
      end_value: "86400",
      convert,
    };
    expect(await firstQuery(incremental)).toEqual({ since: "1970-01-01", until: "1970-01-02" });
    expect(calls[0]).toEqual(["1"]);
    expect(calls[1]).toEqual(["86400"]);
  });

  dltCase(`${F}::test_default_convert_is_identity`, async () => {
    const incremental = {
      start_param: "since",
      end_param: "until",
      cursor_path: "updated_at",
      initial_value: "1",
      end_value: "86400",
    };
    expect(await firstQuery(incremental)).toEqual({ since: "1", until: "86400" });
  });

  dltCase(`${F}::test_incremental_param_transform_is_deprecated`, () => {
    // dlt's deprecated `transform` still works as `convert` (with a deprecation warning).
    const transform = (epoch: unknown) => new Date(Number(epoch) * 1000);
    const source = sourceOf({
      client: { base_url: BASE },
      resources: [{ name: "posts", endpoint: { path: "posts", params: { since: since({ transform }) } } }],
    });
    expect(source.resources[0]!.incremental).toMatchObject({ start_param: "since", convert: transform });
    expect(source.warnings.join("\n")).toContain("transform");
  });

  dltCase(`${F}::test_incremental_endpoint_config_transform_is_deprecated`, () => {
    const transform = (epoch: unknown) => new Date(Number(epoch) * 1000);
    const source = sourceOf({
      client: { base_url: BASE },
      resources: [
        {
          name: "posts",
          endpoint: {
            path: "posts",
            incremental: { ...endpointIncremental, end_value: "2024-06-30T00:00:00Z", transform },
          },
        },
      ],
    });
    expect(source.resources[0]!.incremental).toMatchObject({
      start_param: "since",
      end_param: "until",
      convert: transform,
    });
    expect(source.warnings.join("\n")).toContain("transform");
  });
});

expectedEntriesExist("test_auth_config");
expectedEntriesExist("test_incremental_config");
