/**
 * dlt tests/sources/rest_api/configurations/: test_paginator_config.py,
 * test_custom_paginator_config.py, test_custom_auth_config.py and
 * test_response_actions_config.py. dlt's `create_paginator(config)` is the
 * paginator a source resolves for a resource; `register_paginator` /
 * `register_auth` with a class are `registerPaginator(name, factory)` /
 * `registerAuth(name, factory)` with a factory building an object that
 * implements the interface (issue 12 item 14).
 */
import {
  type CustomAuth,
  type CustomPaginator,
  type PaginatorConfig,
  type PaginatorRequest,
  type PaginatorResponse,
  registerAuth,
  registerPaginator,
} from "restsync";
import { describe, expect } from "vitest";
import { type DltConfig, dltCase, expectConfigError, expectedEntriesExist, sourceOf } from "./_case";

const BASE = "https://api.example.com";
/** The paginator a source resolves when `client.paginator` is `paginator`. */
const paginatorOf = (paginator: unknown) =>
  sourceOf({ client: { base_url: BASE, paginator }, resources: ["posts"] }).resources[0]!.paginator;

describe("test_paginator_config", () => {
  const F = "test_paginator_config";
  const types = [
    "json_link",
    "json_response",
    "header_link",
    "header_cursor",
    "auto",
    "single_page",
    "cursor",
    "offset",
    "page_number",
  ];
  for (const type of types)
    dltCase(`${F}::test_paginator_shorthands[${type}]`, () => {
      // Every paginator name works alone, except offset, which needs a limit: its error says so.
      if (type === "offset")
        expectConfigError({ client: { base_url: BASE, paginator: type }, resources: ["posts"] }, "offset");
      else expect(paginatorOf(type).type).toBe(type === "json_response" ? "json_link" : type);
    });

  const typeConfigs: [DltConfig, Partial<PaginatorConfig>][] = [
    [{ type: "auto" }, { type: "auto" }],
    [{ type: "single_page" }, { type: "single_page" }],
    [
      { type: "page_number", page: 10, base_page: 1, total_path: "response.pages" },
      { type: "page_number", page: 10, base_page: 1, page_param: "page", total_path: "response.pages" },
    ],
    [
      { type: "offset", limit: 100, maximum_offset: 1000 },
      {
        type: "offset",
        offset: 0,
        offset_param: "offset",
        limit: 100,
        limit_param: "limit",
        total_path: "total",
        maximum_offset: 1000,
      },
    ],
    [
      { type: "header_link", links_next_key: "next_page" },
      { type: "header_link", links_next_key: "next_page" },
    ],
    [
      { type: "header_cursor", cursor_key: "X-Next-Cursor", cursor_param: "cursor" },
      { type: "header_cursor", cursor_key: "X-Next-Cursor", cursor_param: "cursor" },
    ],
    [
      { type: "json_link", next_url_path: "response.nex_page_link" },
      { type: "json_link", next_url_path: "response.nex_page_link" },
    ],
    [
      { type: "cursor", cursor_param: "cursor" },
      { type: "cursor", cursor_path: "cursors.next", cursor_param: "cursor" },
    ],
  ];
  typeConfigs.forEach(([config, expected], i) => {
    dltCase(`${F}::test_paginator_type_configs[paginator_type_config${i}]`, () => {
      const paginator = paginatorOf(config);
      expect(paginator).toMatchObject(expected);
      if (paginator.type === "page_number") expect(paginator.maximum_page).toBeUndefined();
    });
  });

  dltCase(`${F}::test_paginator_instance_config`, () => {
    // dlt's `create_paginator(instance) is instance`: a CustomPaginator instance is the one the engine pages with.
    const paginator: CustomPaginator = { updateState() {}, updateRequest() {}, hasNextPage: true };
    const resolved = paginatorOf(paginator);
    expect(resolved.type === "custom" && resolved.create()).toBe(paginator);
  });

  dltCase(`${F}::test_page_number_paginator_creation`, () => {
    sourceOf({
      client: {
        base_url: BASE,
        paginator: {
          type: "page_number",
          page_param: "foobar",
          total_path: "response.pages",
          base_page: 1,
          maximum_page: 5,
        },
      },
      resources: ["posts"],
    });
  });

  dltCase(`${F}::test_allow_deprecated_json_response_paginator`, () => {
    sourceOf({
      client: { base_url: BASE },
      resources: [
        {
          name: "posts",
          endpoint: { path: "posts", paginator: { type: "json_response", next_url_path: "links.next" } },
        },
      ],
    });
  });

  dltCase(`${F}::test_allow_deprecated_json_response_paginator_2`, () => {
    // dlt's JSONResponsePaginator(next_url_path=…) instance, in its dict spelling.
    sourceOf({
      client: { base_url: BASE },
      resources: [
        {
          name: "posts",
          endpoint: { path: "posts", paginator: { type: "json_response", next_url_path: "links.next" } },
        },
      ],
    });
  });

  dltCase(`${F}::test_error_message_invalid_paginator`, () =>
    expectConfigError(
      { client: { base_url: BASE, paginator: "non_existing_method" }, resources: ["posts"] },
      "non_existing_method",
      "json_link",
    ),
  );
});

/** dlt's CustomPaginator: a JSONLinkPaginator reading `next_url_path` (default `$['@odata.nextLink']`). */
class CustomJsonLinkPaginator implements CustomPaginator {
  // As dlt's BasePaginator: there is a next page until a response says otherwise.
  hasNextPage = true;
  readonly nextUrlPath: string;
  #next: unknown;
  constructor(options: Record<string, unknown>) {
    this.nextUrlPath = (options.next_url_path as string | undefined) ?? "$['@odata.nextLink']";
  }
  updateState(response: PaginatorResponse) {
    this.#next = this.nextUrlPath
      .split(".")
      .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], response.body);
    this.hasNextPage = this.#next !== null && this.#next !== undefined;
  }
  updateRequest(request: PaginatorRequest) {
    request.url = new URL(String(this.#next), request.url).href;
  }
}

describe("test_custom_paginator_config", () => {
  const F = "test_custom_paginator_config::TestCustomPaginator";
  const custom = { type: "custom_paginator", next_url_path: "response.next_page_link" };

  dltCase(`${F}::test_creates_builtin_paginator_without_registering`, () =>
    expect(paginatorOf({ type: "json_response", next_url_path: "response.next_page_link" })).toMatchObject({
      type: "json_link",
      next_url_path: "response.next_page_link",
    }),
  );

  dltCase(`${F}::test_not_registering_throws_error`, () =>
    expectConfigError(
      {
        client: { base_url: BASE, paginator: { ...custom, type: "custom_paginator_unregistered" } },
        resources: ["test"],
      },
      "custom_paginator_unregistered",
    ),
  );

  dltCase(`${F}::test_registering_adds_to_PAGINATOR_MAP`, () => {
    registerPaginator("custom_paginator", CustomJsonLinkPaginator);
    // dlt: get_paginator_class(name) is the class. restsync: the name resolves to a paginator made by it.
    const paginator = paginatorOf(custom);
    expect(paginator.type === "custom" && paginator.create()).toBeInstanceOf(CustomJsonLinkPaginator);
  });

  dltCase(`${F}::test_registering_allows_usage`, () => {
    registerPaginator("custom_paginator", CustomJsonLinkPaginator);
    // dlt's create_paginator(config): the paginator the source pages with, built from the config's other keys.
    const resolved = paginatorOf(custom);
    const paginator = (resolved.type === "custom" && resolved.create()) as CustomJsonLinkPaginator;
    expect(paginator.hasNextPage).toBe(true);
    expect(paginator.nextUrlPath).toBe("response.next_page_link");
  });

  dltCase(`${F}::test_registering_not_base_paginator_throws_error`, () => {
    expect(() => registerPaginator("not_a_paginator", {} as never)).toThrow(/not_a_paginator|paginator/);
  });

  dltCase(`${F}::test_test_valid_config_raises_no_error`, () => {
    registerPaginator("custom_paginator", CustomJsonLinkPaginator);
    sourceOf({ client: { base_url: "https://example.com", paginator: custom }, resources: ["test"] });
  });
});

/** dlt's CustomOAuth2: client credentials with the id and secret sent as HTTP basic auth. */
const customOAuth2 = (config: Record<string, unknown>): CustomAuth & Record<string, unknown> => ({
  ...config,
  build_access_token_request: () => ({
    headers: {
      Authorization: `Basic ${btoa(`${config.client_id}:${config.client_secret}`)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    data: config.access_token_request_data,
  }),
  // dlt's class obtains its token in __call__; these cases only build it from a config (no request is sent).
  apply() {},
});

describe("test_custom_auth_config", () => {
  const F = "test_custom_auth_config::TestCustomAuth";
  const customAuth = {
    type: "custom_oauth_2",
    access_token_url: "https://example.com/oauth/token",
    client_id: "test_client_id",
    client_secret: "test_client_secret",
    access_token_request_data: { grant_type: "account_credentials", account_id: "test_account_id" },
  };
  const sourceWithAuth = (auth: unknown) =>
    sourceOf({ client: { base_url: "https://example.com", auth }, resources: ["test"] });

  dltCase(`${F}::test_creates_builtin_auth_without_registering`, () =>
    expect(sourceWithAuth({ type: "api_key", api_key: "test-secret", location: "header" }).client.auth).toMatchObject({
      api_key: "test-secret",
    }),
  );

  dltCase(`${F}::test_not_registering_throws_error`, () =>
    expectConfigError(
      { client: { base_url: BASE, auth: { ...customAuth, type: "custom_oauth_2_unregistered" } }, resources: ["test"] },
      "custom_oauth_2_unregistered",
    ),
  );

  dltCase(`${F}::test_registering_adds_to_AUTH_MAP`, () => {
    registerAuth("custom_oauth_2", customOAuth2);
    expect(() => sourceWithAuth(customAuth)).not.toThrow();
  });

  dltCase(`${F}::test_registering_allows_usage`, () => {
    const made: Record<string, unknown>[] = [];
    registerAuth("custom_oauth_2", (config: Record<string, unknown>) => {
      made.push(config);
      return customOAuth2(config);
    });
    sourceWithAuth(customAuth);
    const auth = customOAuth2(made[0] ?? customAuth) as unknown as {
      build_access_token_request(): { data: Record<string, string> };
    };
    expect(auth.build_access_token_request().data.account_id).toBe("test_account_id");
  });

  dltCase(`${F}::test_registering_not_auth_config_base_throws_error`, () => {
    expect(() => registerAuth("not_an_auth_config_base", {} as never)).toThrow(/not_an_auth_config_base|auth/);
  });

  dltCase(`${F}::test_valid_config_raises_no_error`, () => {
    registerAuth("custom_oauth_2", customOAuth2);
    sourceWithAuth(customAuth);
  });
});

describe("test_response_actions_config", () => {
  const F = "test_response_actions_config";
  const postsWith = (responseActions: unknown[]): DltConfig => ({
    client: { base_url: BASE },
    resources: [{ name: "posts", endpoint: { response_actions: responseActions } }],
  });
  const hook = (response: unknown) => response;

  dltCase(`${F}::test_create_multiple_response_actions`, () => {
    sourceOf(
      postsWith([
        hook,
        { status_code: 404, action: "ignore" },
        { content: "Not found", action: "ignore" },
        { status_code: 200, content: "some text", action: "ignore" },
      ]),
    );
    sourceOf(postsWith([hook, { status_code: 200, action: hook }]));
  });

  dltCase(`${F}::test_response_action_raises_type_error`, () => {
    // dlt: TypeError for an action that is neither a known name nor callable; "ignore" is fine.
    class C {}
    expectConfigError(postsWith([{ status_code: 200, action: new C() }]), "action");
    expectConfigError(postsWith([{ status_code: 200, action: 123 }]), "action");
    sourceOf(postsWith([{ status_code: 200, action: "ignore" }]));
  });

  dltCase(`${F}::test_parses_hooks_from_response_actions`, () => {
    sourceOf(postsWith([{ status_code: 200, action: hook }]));
    sourceOf(postsWith([{ status_code: 200, action: [hook, hook] }]));
  });

  dltCase(`${F}::test_config_validation_for_response_actions`, () => {
    sourceOf(postsWith([{ status_code: 200, action: hook }]));
    sourceOf(postsWith([hook, hook]));
    sourceOf(postsWith([{ status_code: 200, action: [hook, hook] }]));
  });
});

expectedEntriesExist("test_paginator_config");
expectedEntriesExist("test_custom_paginator_config");
expectedEntriesExist("test_custom_auth_config");
expectedEntriesExist("test_response_actions_config");
