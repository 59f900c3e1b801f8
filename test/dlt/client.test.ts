/**
 * dlt tests/sources/helpers/rest_client/test_client.py. restsync has no
 * RESTClient: `rest_client.get(path, …)` is a resource on `path` with the
 * single_page paginator, `rest_client.paginate(path, paginator=…)` a resource
 * with that paginator (dlt's assert_pagination kept), both on a client with
 * dlt's `Accept: application/json` header. Redaction checks read the error a
 * failed resource reports.
 */
import { type AuthRequest, type AuthRequestContext, type CustomAuth, registerAuth } from "restsync";
import { describe, expect } from "vitest";
import { API, type DltConfig, dltCase, expectConfigError, expectedEntriesExist, runDlt } from "./_case";
import { posts } from "./_routes";
import { runScripted } from "./_scripted";
import { useDltMock } from "./_server";

const mock = useDltMock();
const C = "test_client::TestRESTClient";
const CLIENT = { base_url: API, headers: { Accept: "application/json" } };

/** rest_client.get(path): one request, its JSON as the records. */
async function get(path: string, client: DltConfig = {}, endpoint: DltConfig = {}) {
  const run = await runDlt(mock, {
    client: { ...CLIENT, ...client },
    resources: [{ name: "one", endpoint: { path, paginator: "single_page", data_selector: "$", ...endpoint } }],
  });
  return { run, report: run.report.resources.one!, rows: await run.rows("one").catch(() => []) };
}

/** rest_client.paginate(path, …) and assert_pagination. */
async function expectPagination(path: string, endpoint: DltConfig = {}, client: DltConfig = {}) {
  const run = await runDlt(mock, {
    client: { ...CLIENT, ...client },
    resources: [{ name: "pages", endpoint: { path, ...endpoint } }],
  });
  expect(run.report.resources.pages!.error?.message).toBeUndefined();
  expect(run.report.resources.pages!.pages).toBe(5);
  expect(await run.rows("pages")).toEqual(posts());
  return run;
}
const jsonLink = { type: "json_link", next_url_path: "next_page" };

/**
 * dlt's OAuth2AuthBase as a restsync CustomAuth: trades `buildAccessTokenRequest()` for a token at
 * `tokenUrl` on first use, sends it as a bearer, and drops it after a 401 (`refresh`).
 */
abstract class TokenAuth implements CustomAuth {
  #token: string | undefined;
  constructor(readonly tokenUrl: string) {}
  abstract buildAccessTokenRequest(): MaybePromise<{ headers: Record<string, string>; data: Record<string, string> }>;
  async apply(request: AuthRequest, context: AuthRequestContext) {
    if (this.#token === undefined) {
      const { headers, data } = await this.buildAccessTokenRequest();
      const response = await fetch(this.tokenUrl, { method: "POST", headers, body: new URLSearchParams(data) });
      this.#token = ((await response.json()) as { access_token: string }).access_token;
    }
    context.secret(this.#token);
    request.headers.set("Authorization", `Bearer ${this.#token}`);
  }
  refresh() {
    this.#token = undefined;
    return true;
  }
}
type MaybePromise<T> = T | Promise<T>;

describe("TestRESTClient", () => {
  dltCase(`${C}::test_get_single_resource`, async () => {
    const { report, rows } = await get("/posts/1");
    expect(report.status).toBe("completed");
    expect(rows).toEqual([{ id: 1, body: "Post body 1" }]);
  });

  dltCase(`${C}::test_pagination`, () => expectPagination("/posts", { paginator: jsonLink }));

  dltCase(`${C}::test_page_context`, async () => {
    // dlt's page context: each next request is the previous page's next link.
    await expectPagination("/posts", { paginator: jsonLink });
    const urls = mock.history.map((r) => r.url);
    for (let page = 1; page < urls.length; page++) expect(urls[page]).toBe(`${mock.url}/posts?page=${page + 1}`);
  });

  dltCase(`${C}::test_default_paginator`, () => expectPagination("/posts"));
  dltCase(`${C}::test_excplicit_paginator`, () => expectPagination("/posts", { paginator: jsonLink }));
  dltCase(`${C}::test_excplicit_paginator_relative_next_url`, () =>
    expectPagination("/posts_relative_next_url", { paginator: jsonLink }),
  );

  dltCase(`${C}::test_paginator_with_null_data_in_final_page`, async () => {
    const run = await runDlt(mock, {
      client: CLIENT,
      resources: [
        {
          name: "users",
          endpoint: {
            path: "/posts_cursor_null_terminated",
            paginator: { type: "cursor", cursor_path: "next_token", cursor_param: "cursor" },
            data_selector: "users",
          },
        },
      ],
    });
    // Three pages: 10 users, 4 users, and a final `users: null` read as an empty page.
    expect(run.report.resources.users!.error?.message).toBeUndefined();
    expect(run.report.resources.users!.pages).toBe(3);
    expect(await run.pipeline.count("users")).toBe(14);
  });

  dltCase(`${C}::test_paginate_with_hooks`, async () => {
    const hook = (response: Response) => (response.status === 404 ? "ignore" : response);
    await expectPagination("/posts", { paginator: jsonLink, response_actions: [hook] });
    const run = await runDlt(mock, {
      client: CLIENT,
      resources: [
        {
          name: "details",
          endpoint: { path: "/posts/1/some_details_404", paginator: "json_link", response_actions: [hook] },
        },
      ],
    });
    expect(run.report.resources.details!.status).toBe("completed");
    expect(await run.rows("details")).toEqual([]);
  });

  const authCases: [string, string, DltConfig][] = [
    [
      "test_basic_auth_success",
      "/protected/posts/basic-auth",
      { type: "http_basic", username: "user", password: "password" },
    ],
    ["test_bearer_token_auth_success", "/protected/posts/bearer-token", { type: "bearer", token: "test-token" }],
  ];
  for (const [id, path, auth] of authCases)
    dltCase(`${C}::${id}`, async () => {
      const { rows } = await get(path, { auth });
      expect((rows[0]!.data as unknown[])[0]).toEqual({ id: 0, title: "Post 0" });
      await expectPagination(path, {}, { auth });
    });

  dltCase(`${C}::test_api_key_auth_success`, async () => {
    const { rows } = await get("/protected/posts/api-key", {
      auth: { type: "api_key", name: "x-api-key", api_key: "test-api-key" },
    });
    expect((rows[0]!.data as unknown[])[0]).toEqual({ id: 0, title: "Post 0" });
  });

  const oauth = (overrides: DltConfig = {}) => ({
    type: "oauth2_client_credentials",
    access_token_url: `${mock.url}/oauth/token`,
    client_id: "test-client-id",
    client_secret: "test-client-secret",
    ...overrides,
  });

  dltCase(`${C}::test_oauth2_client_credentials_flow_auth_success`, async () => {
    const { report } = await get("/protected/posts/bearer-token", { auth: oauth() });
    expect(report.status).toBe("completed");
    expect(mock.history.find((r) => r.path === "/protected/posts/bearer-token")!.headers.authorization).toContain(
      "test-token",
    );
    await expectPagination("/protected/posts/bearer-token", {}, { auth: oauth() });
  });

  for (const [id, wrong] of [
    ["test_oauth2_client_credentials_flow_wrong_client_id", { client_id: "invalid-client-id" }],
    ["test_oauth2_client_credentials_flow_wrong_client_secret", { client_secret: "invalid-client-secret" }],
  ] as const)
    dltCase(`${C}::${id}`, async () => {
      // dlt: HTTPError "401 Client Error" from the token endpoint.
      const { report } = await get("/protected/posts/bearer-token", { auth: oauth(wrong) });
      expect(report.status).toBe("failed");
      expect(report.error).toMatchObject({ status: 401 });
    });

  dltCase(`${C}::test_oauth_token_expired_refresh`, async () => {
    // A token that expires at once is fetched again for the next request.
    const run = await runDlt(mock, {
      client: { ...CLIENT, auth: oauth({ access_token_url: `${mock.url}/oauth/token-expires-now` }) },
      resources: ["first", "second"].map((name) => ({
        name,
        endpoint: { path: "/protected/posts/bearer-token", paginator: "single_page", data_selector: "$" },
      })),
    });
    expect(mock.history.filter((r) => r.path === "/oauth/token-expires-now")).toHaveLength(2);
    expect(((await run.rows("second"))[0]!.data as unknown[])[0]).toEqual({ id: 0, title: "Post 0" });
  });

  dltCase(`${C}::test_oauth_customized_token_request`, async () => {
    // dlt's OAuth2ClientCredentials subclass overriding build_access_token_request, registered by name.
    class OAuth2ClientCredentialsHTTPBasic extends TokenAuth {
      constructor(readonly fields: Record<string, unknown>) {
        super(String(fields.access_token_url));
      }
      buildAccessTokenRequest() {
        return {
          headers: {
            Authorization: `Basic ${btoa(`${this.fields.client_id}:${this.fields.client_secret}`)}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          data: {
            grant_type: "account_credentials",
            ...(this.fields.access_token_request_data as Record<string, string>),
          },
        };
      }
    }
    const fields = {
      access_token_url: `${mock.url}/custom-oauth/token`,
      client_id: "test-account-id",
      client_secret: "test-client-secret",
      access_token_request_data: { account_id: "test-account-id" },
    };
    expect(new OAuth2ClientCredentialsHTTPBasic(fields).buildAccessTokenRequest()).toEqual({
      headers: {
        Authorization: "Basic dGVzdC1hY2NvdW50LWlkOnRlc3QtY2xpZW50LXNlY3JldA==",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      data: { grant_type: "account_credentials", account_id: "test-account-id" },
    });
    registerAuth("oauth2_client_credentials_http_basic", (f) => new OAuth2ClientCredentialsHTTPBasic(f));
    await expectPagination(
      "/protected/posts/bearer-token",
      {},
      { auth: { type: "oauth2_client_credentials_http_basic", ...fields } },
    );
  });

  dltCase(`${C}::test_oauth_jwt_auth_success`, async () => {
    // dlt's OAuthJWTAuth, a library class restsync does not ship: written as a CustomAuth that signs an RS256
    // JWT with WebCrypto (dlt uses PyJWT) and trades it for a token.
    const { privateKey } = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    const base64url = (bytes: Uint8Array) =>
      btoa(String.fromCharCode(...bytes))
        .replace(/=+$/, "")
        .replace(/\+/g, "-")
        .replace(/\//g, "_");
    const encode = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
    class OAuthJWTAuth extends TokenAuth {
      constructor(
        readonly clientId: string,
        readonly scopes: string[],
      ) {
        super(`${mock.url}/oauth/token`);
      }
      async buildAccessTokenRequest() {
        const now = Math.floor(Date.now() / 1000);
        const payload = {
          iss: this.clientId,
          sub: this.clientId,
          aud: this.tokenUrl,
          exp: now + 3600,
          iat: now,
          scope: this.scopes.join(" "),
        };
        const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode(payload)}`;
        const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", privateKey, new TextEncoder().encode(unsigned));
        return {
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          data: {
            grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
            assertion: `${unsigned}.${base64url(new Uint8Array(signature))}`,
          },
        };
      }
    }
    const auth = new OAuthJWTAuth("test-client-id", ["read", "write"]);
    const { report } = await get("/protected/posts/bearer-token", { auth });
    expect(report.status).toBe("completed");
    expect(mock.history.at(-1)!.headers.authorization).toContain("test-token");
    await expectPagination("/protected/posts/bearer-token", {}, { auth });
  });

  dltCase(`${C}::test_custom_session_client`, () => {
    // Skipped (see _expected.ts).
  });

  dltCase(`${C}::test_custom_auth_success`, async () => {
    // dlt's AuthConfigBase subclass setting the header in __call__: a CustomAuth whose apply sets it.
    const bearer = (token: string): CustomAuth & { token: string } => ({
      token,
      apply(request) {
        request.headers.set("Authorization", `Bearer ${token}`);
      },
    });
    for (const auth of [bearer("test-token"), bearer("test-token")]) {
      const { rows } = await get("/protected/posts/bearer-token", { auth });
      expect((rows[0]!.data as unknown[])[0]).toEqual({ id: 0, title: "Post 0" });
      await expectPagination("/protected/posts/bearer-token", {}, { auth });
      expect(mock.history.at(-1)!.headers.authorization).toBe("Bearer test-token");
    }
  });

  dltCase(`${C}::test_send_request_allows_ca_bundle`, () => {
    // Skipped (see _expected.ts).
  });

  dltCase(`${C}::test_paginate_json_body_without_params`, async () => {
    const skip = (5 - 3) * 5;
    const run = await runDlt(mock, {
      client: CLIENT,
      resources: [
        {
          name: "found",
          endpoint: {
            path: "/posts/search",
            method: "POST",
            json: { ids_greater_than: skip - 1, page_size: 5, page_count: 5 },
            paginator: { type: "cursor", cursor_path: "next_page", cursor_body_path: "page" },
          },
        },
      ],
    });
    const rows = await run.rows("found");
    for (let i = 0; i < 15; i++) expect(rows[i]).toEqual({ id: skip + i, title: `Post ${skip + i}` });
  });

  dltCase(`${C}::test_post_json_body_without_params`, async () => {
    const skip = (5 - 2) * 5;
    const { rows } = await get("/posts/search", {}, { method: "POST", json: { ids_greater_than: skip - 1 } });
    const returned = rows[0]!.data as unknown[];
    expect(returned).toHaveLength(5);
    returned.forEach((post, i) => {
      expect(post).toEqual({ id: skip + i, title: `Post ${skip + i}` });
    });
  });

  for (const id of ["test_configurable_timeout", "test_request_kwargs"])
    dltCase(`${C}::${id}`, () => {
      // Skipped (see _expected.ts).
    });

  dltCase(`${C}::test_overwrite_path`, async () => {
    const run = await runScripted(
      {
        client: { base_url: "https://api.example.com" },
        resources: [
          { name: "one", endpoint: { path: "https://completely.different/endpoint", paginator: "single_page" } },
        ],
      },
      () => ({ foo: "bar" }),
    );
    expect(run.seen[0]!.url.href).toBe("https://completely.different/endpoint");
    expect(await run.rows("one")).toEqual([{ foo: "bar" }]);
  });

  dltCase(`${C}::test_overwrite_path_ignores_different_protocol`, async () => {
    const run = await runScripted(
      {
        client: { base_url: "https://api.example.com" },
        resources: [{ name: "one", endpoint: { path: "my://protocol", paginator: "single_page" } }],
      },
      () => ({ foo: "bar" }),
    );
    expect(run.seen[0]!.url.href).toBe("https://api.example.com/my://protocol");
    expect(await run.rows("one")).toEqual([{ foo: "bar" }]);
  });

  dltCase(`${C}::test_overwrite_headers`, async () => {
    const run = await runScripted(
      {
        client: { base_url: "https://api.example.com", headers: { Accept: "application/json" } },
        resources: [
          {
            name: "one",
            endpoint: { path: "https://my.url", headers: { Accept: "my/mimetype" }, paginator: "single_page" },
          },
        ],
      },
      ({ headers }) => ({ Accept: headers.get("accept") }),
    );
    expect(await run.rows("one")).toEqual([{ Accept: "my/mimetype" }]);
  });

  const postData = (path: string, data: unknown) => get(path, {}, { method: "POST", data });
  dltCase(`${C}::test_post_with_data_dict`, async () => {
    const { rows } = await postData("/post_form_data", { key1: "value1", key2: "value2" });
    expect(rows[0]!.data).toEqual({ key1: ["value1"], key2: ["value2"] });
  });
  dltCase(`${C}::test_post_with_list_of_tuples`, async () => {
    const { rows } = await postData("/post_form_data", [
      ["key1", "value1"],
      ["key1", "value2"],
    ]);
    expect(rows[0]!.data).toEqual({ key1: ["value1", "value2"] });
  });
  dltCase(`${C}::test_post_with_data_string`, async () => {
    const { rows } = await postData("/post_raw_data", "raw string data");
    expect(rows[0]!.data).toBe("raw string data");
  });

  const both: DltConfig = {
    client: CLIENT,
    resources: [
      { name: "posts", endpoint: { path: "/posts", method: "POST", json: { key: "value" }, data: { other: "data" } } },
    ],
  };
  dltCase(`${C}::test_json_and_data_mutual_exclusivity`, () => expectConfigError(both, "data"));
  dltCase(`${C}::test_paginate_json_and_data_mutual_exclusivity`, () => expectConfigError(both, "data"));
});

describe("TestSecretRedaction", () => {
  const S = "test_client::TestSecretRedaction";
  /** The error a 404 on `query` reports: dlt's sanitize_url and _dlt_raise_for_status, as a user sees them. */
  /**
   * str() of the HTTPError dlt's _dlt_raise_for_status raises: the message of the error the resource
   * reports. dlt's show_error_body / max_error_body_length are client.http_show_error_body /
   * http_max_error_body_length (restsync's defaults: false, 8192, as dlt's).
   */
  async function errorFor(
    query: Record<string, string>,
    status = 404,
    body = "Resource not found",
    showBody: { http_show_error_body?: boolean; http_max_error_body_length?: number } = {},
  ) {
    const run = await runScripted(
      {
        client: { base_url: "https://api.example.com", ...showBody },
        // dlt calls _dlt_raise_for_status on one response: no retries here.
        resources: [{ name: "r", endpoint: { path: "endpoint", params: query, error_handler: { max_retries: 0 } } }],
      },
      () => new Response(body, { status, statusText: status === 404 ? "Not Found" : "Internal Server Error" }),
    );
    return run.report.resources.r!.error!.message;
  }

  dltCase(`${S}::test_sanitize_url_basic`, async () => {
    const error = await errorFor({ api_key: "secret123", other: "value" });
    expect(error).toContain("endpoint?api_key=***&other=value");
  });
  dltCase(`${S}::test_sanitize_url_multiple_secrets`, async () => {
    const error = await errorFor({ token: "abc123", api_key: "xyz789", data: "public" });
    expect(error).toContain("endpoint?token=***&api_key=***&data=public");
  });
  dltCase(`${S}::test_sanitize_url_case_insensitive`, async () => {
    const error = await errorFor({ API_KEY: "secret", Token: "xyz", ACCESS_TOKEN: "abc" });
    expect(error).toContain("endpoint?API_KEY=***&Token=***&ACCESS_TOKEN=***");
  });
  dltCase(`${S}::test_sanitize_url_no_secrets`, async () => {
    const error = await errorFor({ page: "1", limit: "10", sort: "asc" });
    expect(error).toContain("endpoint?page=1&limit=10&sort=asc");
  });
  dltCase(`${S}::test_sanitize_url_empty_values`, async () => {
    const error = await errorFor({ api_key: "", token: "", other: "value" });
    expect(error).toContain("endpoint?api_key=***&token=***&other=value");
  });
  dltCase(`${S}::test_sanitize_url_fragment_and_path`, async () => {
    // fetch never sends a fragment, so only the path and query can show.
    const run = await runScripted(
      {
        client: { base_url: "https://api.example.com" },
        resources: [{ name: "r", endpoint: { path: "v2/resource/123", params: { api_key: "secret" } } }],
      },
      () => new Response("nope", { status: 404 }),
    );
    const error = JSON.stringify(run.report.resources.r!.error);
    expect(error).toContain("/v2/resource/123?api_key=***");
    expect(error).not.toContain("secret");
  });
  dltCase(`${S}::test_dlt_raise_for_status_with_sanitized_url`, async () => {
    const error = await errorFor({ api_key: "secret123" }, 404, "Resource not found", {
      http_show_error_body: false,
      http_max_error_body_length: 0,
    });
    expect(error).toContain("api_key=***");
    expect(error).not.toContain("api_key=secret123");
    expect(error).toContain("404");
    expect(error).not.toContain("Resource not found");
  });
  dltCase(`${S}::test_dlt_raise_for_status_truncates_long_body`, async () => {
    const error = await errorFor({}, 500, `Error: ${"x".repeat(10000)}`, { http_show_error_body: true });
    expect(error).toContain("(truncated)");
  });
  dltCase(`${S}::test_dlt_raise_for_status_no_error_on_success`, async () => {
    const run = await runScripted(
      {
        client: { base_url: "https://api.example.com" },
        resources: [{ name: "r", endpoint: { path: "endpoint", params: { api_key: "secret" } } }],
      },
      () => [],
    );
    expect(run.report.resources.r!.status).toBe("completed");
  });
  dltCase(`${S}::test_dlt_raise_for_status_with_body_enabled`, async () => {
    const error = await errorFor({}, 500, '{"error": "Database connection failed", "detail": "Connection timeout"}', {
      http_show_error_body: true,
    });
    expect(error).toContain("Database connection failed");
    expect(error).toContain("Connection timeout");
  });
  dltCase(`${S}::test_dlt_raise_for_status_with_body_disabled`, async () => {
    const error = await errorFor({}, 404, '{"error": "Resource not found", "detail": "Item with ID 123 not found"}', {
      http_show_error_body: false,
    });
    expect(error).not.toContain("Resource not found");
    expect(error).not.toContain("Item with ID 123");
    expect(error).toContain("404");
  });
});

expectedEntriesExist("test_client");
