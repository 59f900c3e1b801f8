/**
 * dlt tests/sources/rest_api/configurations/source_configs.py: the configs
 * dlt must accept and the ones it must refuse. Python objects are given their
 * TypeScript spelling: a built-in paginator or auth class instance is its dict
 * form (`SinglePagePaginator()` → `"single_page"`, `HttpBasicAuth(u, p)` →
 * `{ type: "http_basic", username: u, password: p }`), `dlt.sources.incremental`
 * is the `{ type: "incremental", … }` param, a subclass is a custom object
 * implementing restsync's `CustomPaginator`/`CustomAuth`, a `@dlt.resource` is a
 * records function resource (`dltResource`).
 */
import type { CustomAuth, CustomPaginator } from "restsync";
import type { DltConfig } from "./_case";

/** dlt's CustomPaginator: a HeaderLinkPaginator following rel="prev", as a restsync `CustomPaginator`. */
export function headerLinkPrevPaginator(): CustomPaginator {
  let next: string | undefined;
  return {
    initRequest: () => {},
    updateState(response) {
      next = /<([^>]+)>;\s*rel="prev"/.exec(response.headers.get("link") ?? "")?.[1];
    },
    updateRequest(request) {
      if (next) request.url = next;
    },
    get hasNextPage() {
      return next !== undefined;
    },
  };
}

/** dlt's CustomOAuthAuth(access_token="X"): a restsync `CustomAuth` that sets the bearer header. */
export function customOAuth(accessToken: string): CustomAuth & { access_token: string } {
  return {
    access_token: accessToken,
    apply(request) {
      request.headers.set("Authorization", `Bearer ${accessToken}`);
    },
  };
}

/**
 * A `@dlt.resource` generator as a restsync records function resource: named as dlt names it
 * (the function's name), its decorator arguments beside `records`.
 */
export function dltResource(
  records: (...args: never[]) => AsyncGenerator<unknown> | Generator<unknown>,
  hints: DltConfig = {},
): DltConfig {
  return { name: records.name, records, ...hints };
}

/** dlt's seed `@dlt.resource(name="repositories", selected=False)`. */
export function repositoriesResource(): DltConfig {
  return dltResource(
    async function* repositories() {
      yield [{ name: "dlt" }, { name: "verified-sources" }, { name: "dlthub-education" }];
    },
    { selected: false },
  );
}

/** [id fragment dlt's error names, config]. */
export const INVALID_CONFIGS: [string, DltConfig][] = [
  ["resources", { client: { base_url: "" } }],
  ["client", { resources: [] }],
  ["API_KEY", { client: { base_url: "https://api.example.com", auth: "api_key" }, resources: ["posts"] }],
  ["API_KEY", { client: { base_url: "https://api.example.com", auth: { type: "api_key" } }, resources: ["posts"] }],
  [
    "API_KEY",
    {
      client: { base_url: "https://api.example.com", auth: { type: "api_key", location: "header" } },
      resources: ["posts"],
    },
  ],
  ["invalid_key", { client: { base_url: "https://api.example.com", invalid_key: "value" }, resources: ["posts"] }],
  [
    "paginator",
    { client: { base_url: "https://api.example.com", paginator: "invalid_paginator" }, resources: ["posts"] },
  ],
  [
    "issuess",
    {
      client: { base_url: "https://github.com/api/v2" },
      resources: [
        "issues",
        {
          name: "comments",
          endpoint: {
            path: "issues/{id}/comments",
            params: { id: { type: "resolve", resource: "issuess", field: "id" } },
          },
        },
      ],
    },
  ],
  [
    "{org}",
    {
      client: { base_url: "https://github.com/api/v2" },
      resources: [
        { name: "issues", endpoint: { path: "{org}/{repo}/issues/" } },
        {
          name: "comments",
          endpoint: {
            path: "{org}/{repo}/issues/{id}/comments",
            params: { id: { type: "resolve", resource: "issues", field: "id" } },
          },
        },
      ],
    },
  ],
];

const resolve = (resource: string, field: string) => ({ type: "resolve", resource, field });

export function validConfigs(): DltConfig[] {
  return [
    {
      client: { base_url: "https://api.example.com" },
      resources: [
        "posts",
        {
          name: "post_comments",
          endpoint: { path: "posts/{post_id}/comments", params: { post_id: resolve("posts", "id") } },
        },
      ],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: ["posts", { name: "post_comments", endpoint: { path: "posts/{resources.posts.id}/comments" } }],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: ["posts", { name: "post_comments", endpoint: "posts/{resources.posts.id}/comments" }],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: [{ name: "posts", endpoint: { path: "posts", params: { limit: 100 }, paginator: "json_link" } }],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: [{ name: "posts", endpoint: { path: "posts", params: { limit: 1 }, paginator: "single_page" } }],
    },
    { client: { base_url: "https://example.com", auth: { type: "bearer", token: "X" } }, resources: ["users"] },
    { client: { base_url: "https://example.com", auth: { token: "X" } }, resources: ["users"] },
    {
      client: { base_url: "https://example.com", paginator: headerLinkPrevPaginator(), auth: customOAuth("X") },
      resource_defaults: {
        table_name: (event: Record<string, unknown>) => event.type,
        endpoint: {
          paginator: headerLinkPrevPaginator(),
          params: { since: { type: "incremental", cursor_path: "user_id" } },
        },
      },
      resources: [
        {
          name: "users",
          endpoint: {
            paginator: headerLinkPrevPaginator(),
            params: { since: { type: "incremental", cursor_path: "user_id" } },
          },
        },
      ],
    },
    {
      client: {
        base_url: "https://example.com",
        paginator: "header_link",
        auth: { type: "http_basic", username: "my-secret", password: "" },
      },
      resources: ["users"],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "posts",
          endpoint: {
            path: "posts",
            params: {
              limit: 100,
              since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-01-25T11:21:28Z" },
            },
            paginator: "json_link",
          },
        },
      ],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: [
        {
          name: "posts",
          endpoint: {
            path: "posts",
            params: { limit: 100 },
            paginator: "json_link",
            incremental: {
              start_param: "since",
              end_param: "until",
              cursor_path: "updated_at",
              initial_value: "2024-01-25T11:21:28Z",
            },
          },
        },
      ],
    },
    {
      client: { base_url: "https://api.example.com", headers: { "X-Test-Header": "test42" } },
      resources: ["users", { name: "users_2" }, { name: "users_list", endpoint: "users_list" }],
    },
    {
      client: { base_url: "https://api.example.com" },
      resources: [
        "posts",
        {
          name: "post_comments",
          table_name: (item: Record<string, unknown>) => item.type,
          endpoint: { path: "posts/{post_id}/comments", params: { post_id: resolve("posts", "id") } },
        },
      ],
    },
    {
      client: { base_url: "https://github.com/api/v2" },
      resources: [
        { name: "issues", endpoint: { path: "{org}/{repo}/issues/", params: { org: "dlt-hub", repo: "dlt" } } },
        {
          name: "comments",
          endpoint: {
            path: "{org}/{repo}/issues/{id}/comments",
            params: { org: "dlt-hub", repo: "dlt", id: resolve("issues", "id") },
          },
        },
      ],
    },
    {
      client: { base_url: "https://github.com/api/v2" },
      resources: [
        {
          name: "issues",
          endpoint: { path: "dlt-hub/{repository}/issues/", params: { repository: resolve("repositories", "name") } },
        },
        repositoriesResource(),
      ],
    },
    {
      client: { base_url: "https://github.com/api/v2" },
      resources: [
        { name: "issues", endpoint: { path: "dlt-hub/{resources.repositories.name}/issues/" } },
        repositoriesResource(),
      ],
    },
    {
      client: { base_url: "https://github.com/api/v2" },
      resources: [
        {
          name: "issues",
          endpoint: { path: "user/repos", auth: { type: "http_basic", username: "", password: "BASIC_AUTH_TOKEN" } },
        },
      ],
    },
  ];
}
