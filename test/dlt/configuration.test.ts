/**
 * dlt tests/sources/rest_api/configurations/test_configuration.py. dlt checks
 * its internal merge helpers (`_make_endpoint_resource`, `_merge_resource_endpoints`,
 * `_setup_single_entity_endpoint`) and patches `RESTClient.paginate`; restsync's
 * counterpart is the resolved resource `restApiSource(config).resources[i]`
 * (defaults merged, paginator chosen). Where dlt's helper takes a resource
 * alone, the resource gets a `name` (and a parent for a `{placeholder}`),
 * because restApiSource checks a whole source.
 * Parametrized cases without pytest ids are numbered as pytest numbers them.
 */
import type { CustomPaginator, PaginatorConfig } from "restsync";
import { describe, expect } from "vitest";
import { API, type DltConfig, dltCase, expectedEntriesExist, runDlt, sourceOf } from "./_case";
import { dltResource, INVALID_CONFIGS, repositoriesResource, validConfigs } from "./_configs";
import { useDltMock } from "./_server";

const mock = useDltMock();
const F = "test_configuration";

/** The config error of a source, or of its first run (a missing secret is found when the run starts). */
async function configErrorOf(config: DltConfig): Promise<Error | undefined> {
  try {
    await runDlt(mock, config);
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe("test_invalid_configurations", () => {
  INVALID_CONFIGS.forEach(([fragment, config], i) => {
    dltCase(`${F}::test_invalid_configurations[${i}]`, async () => {
      const error = await configErrorOf(config);
      expect(error?.name).toBe("ConfigError");
      expect(error!.message.toLowerCase()).toContain(fragment.toLowerCase());
    });
  });
});

describe("test_valid_configurations", () => {
  validConfigs().forEach((config, i) => {
    dltCase(`${F}::test_valid_configurations[valid_config${i}]`, () => {
      sourceOf(config);
    });
  });
});

/** dlt's update_dict_nested({}, config): dicts and lists copied, everything else (functions, objects) shared. */
function cloneDicts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneDicts);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneDicts(v)]));
  return value;
}

describe("test_configurations_dict_is_not_modified_in_place", () => {
  validConfigs().forEach((config, i) => {
    dltCase(`${F}::test_configurations_dict_is_not_modified_in_place[config${i}]`, () => {
      const copy = cloneDicts(config);
      sourceOf(config);
      expect(config).toEqual(copy);
    });
  });
});

const resourceOf = (resource: unknown, defaults: DltConfig = {}, extra: unknown[] = []) =>
  sourceOf({ client: { base_url: API }, resource_defaults: defaults, resources: [resource, ...extra] }).resources.find(
    (r) => r.index === 0,
  )!;

dltCase(`${F}::test_resource_expand`, () => {
  expect(resourceOf("path")).toMatchObject({ name: "path", path: "path" });
  expect(resourceOf({ name: "resource", endpoint: "path" })).toMatchObject({ name: "resource", path: "path" });
  expect(resourceOf({ name: "resource" })).toMatchObject({ name: "resource", path: "resource" });
  expect(resourceOf({ name: "resource", endpoint: {} })).toMatchObject({ name: "resource", path: "resource" });
});

dltCase(`${F}::test_resource_endpoint_deep_merge`, () => {
  // dlt also merges `columns` hints; restsync ignores dlt's schema hints (a source warning), so only json/params remain.
  // dlt's config puts `json` on a GET; fetch cannot send a GET body, so restsync refuses that at validation (issue 12
  // item 9). The one change: the defaults say `method: "POST"`; what is merged, and dlt's assertion, stay.
  const resource = resourceOf(
    {
      name: "resources",
      endpoint: { json: { param1: "A", param2: "B" }, params: { param1: "A", param2: "B" } },
    },
    { endpoint: { method: "POST", json: { param1: "X", param3: "Y" }, params: { param1: "X", param3: "Y" } } },
  );
  expect(resource.json).toEqual({ param1: "A", param3: "Y", param2: "B" });
  expect(resource.params).toEqual({ param1: "A", param3: "Y", param2: "B" });
  expect(resource.path).toBe("resources");
});

dltCase(`${F}::test_resource_endpoint_shallow_merge`, () => {
  const resource = resourceOf(
    {
      name: "resources",
      max_table_nesting: 5,
      // dlt's config has strategy "scd2" and no primary_key: restsync refuses scd2 (it keeps one row per key) and a
      // merge without a key (dlt appends then). The same shallow merge with what restsync merges by: upsert on `id`.
      write_disposition: { disposition: "merge", strategy: "upsert" },
      primary_key: "id",
      schema_contract: { tables: "freeze" },
      endpoint: {
        paginator: { type: "cursor", cursor_param: "cursor" },
        incremental: { cursor_path: "$", start_param: "since" },
      },
    },
    {
      max_table_nesting: 1,
      parallelized: true,
      write_disposition: { disposition: "replace" },
      schema_contract: { columns: "freeze" },
      endpoint: {
        paginator: { type: "header_link" },
        incremental: { cursor_path: "response.id", start_param: "since", end_param: "before" },
      },
    },
  );
  expect(resource.writeDisposition).toBe("merge");
  expect(resource.paginator).toMatchObject({ type: "cursor", cursor_param: "cursor" });
  expect(resource.incremental).toMatchObject({ cursor_path: "$", start_param: "since" });
  expect(resource.incremental?.end_param).toBeUndefined();
});

dltCase(`${F}::test_resource_merge_with_objects`, () => {
  const paginator: CustomPaginator = { updateState() {}, updateRequest() {}, hasNextPage: false };
  const resource = resourceOf(
    {
      name: "resource",
      endpoint: {
        path: "path/to",
        paginator,
        params: { since: { type: "incremental", cursor_path: "id", row_order: "asc" } },
      },
    },
    {
      table_name: (item: Record<string, unknown>) => item.type,
      endpoint: {
        paginator: { type: "header_link" },
        params: { since: { type: "incremental", cursor_path: "id", row_order: "desc" } },
      },
    },
  );
  // Objects are taken as they are, not cloned: the engine pages with this very instance.
  expect(resource.paginator.type === "custom" && resource.paginator.create()).toBe(paginator);
  expect(resource.incremental).toMatchObject({ cursor_path: "id", row_order: "asc" });
});

const usersParent = { id: { type: "resolve", resource: "users", field: "id" } };

dltCase(`${F}::test_resource_merge_with_none`, () => {
  // dlt: the merged resource equals the resource as written, its nulls over the defaults. restsync's counterpart is the
  // resolved resource: the same as with no defaults at all (both then get the single-entity path's single_page and `$`).
  const endpointConfig = {
    name: "resource",
    endpoint: { path: "user/{id}", paginator: null, data_selector: null, params: usersParent },
  };
  const resource = resourceOf(endpointConfig, { endpoint: { paginator: "single_page", data_selector: "data" } }, [
    "users",
  ]);
  expect(resource).toEqual(resourceOf(endpointConfig, {}, ["users"]));
  expect(resource.dataSelector).not.toBe("data");
});

dltCase(`${F}::test_setup_for_single_item_endpoint`, () => {
  const single = resourceOf({ name: "user", endpoint: { path: "user/{id}", params: usersParent } }, {}, ["users"]);
  expect(single.dataSelector).toBe("$");
  expect(single.paginator.type).toBe("single_page");
  const list = resourceOf({ name: "messages", endpoint: { path: "user/{id}/messages", params: usersParent } }, {}, [
    "users",
  ]);
  expect(list.dataSelector).toBeUndefined();
  const reset = resourceOf(
    { name: "resource", endpoint: { path: "user/{id}", paginator: null, data_selector: null, params: usersParent } },
    { endpoint: { paginator: "header_link", data_selector: "data" } },
    ["users"],
  );
  expect(reset.dataSelector).toBe("$");
  expect(reset.paginator.type).toBe("single_page");
});

describe("test_resource_schema", () => {
  const configs: DltConfig[] = [
    {
      client: { base_url: API },
      resources: [
        "users",
        {
          name: "user",
          endpoint: { path: "user/{id}", paginator: null, data_selector: null, params: usersParent },
        },
      ],
    },
    {
      client: { base_url: API },
      resources: [
        "users",
        { name: "user", endpoint: { path: "user/{resources.users.id}", paginator: null, data_selector: null } },
      ],
    },
  ];
  configs.forEach((config, i) => {
    dltCase(`${F}::test_resource_schema[config${i}]`, () => {
      const resources = sourceOf(config).resources;
      expect(resources.map((r) => r.name)).toEqual(["users", "user"]);
    });
  });
});

dltCase(`${F}::test_resource_hints_are_passed_to_resource_constructor`, () => {
  const resource = resourceOf({
    name: "posts",
    endpoint: { params: { limit: 100 } },
    table_name: "a_table",
    max_table_nesting: 2,
    write_disposition: "merge",
    columns: { a_text: { name: "a_text", data_type: "text" } },
    primary_key: "a_pk",
    merge_key: "a_merge_key",
    schema_contract: { tables: "evolve" },
    table_format: "iceberg",
    selected: false,
  });
  // The hints a store can honour reach the resource; dlt's warehouse-only hints are accepted (and warned about).
  expect(resource).toMatchObject({ writeDisposition: "merge", primaryKey: ["a_pk"], selected: false });
  expect((resource as unknown as Record<string, unknown>).mergeKey).toEqual(["a_merge_key"]);
});

const issuesDefaults = { primary_key: "id", write_disposition: "merge", endpoint: { params: { per_page: 30 } } };

dltCase(`${F}::test_resource_defaults_params_get_merged`, () => {
  const resource = resourceOf(
    { name: "issues", endpoint: { path: "issues", params: { sort: "updated", direction: "desc", state: "open" } } },
    issuesDefaults,
  );
  expect(resource.params.per_page).toBe(30);
});

dltCase(`${F}::test_resource_defaults_params_get_overwritten`, () => {
  const resource = resourceOf(
    { name: "issues", endpoint: { path: "issues", params: { per_page: 50, sort: "updated" } } },
    issuesDefaults,
  );
  expect(resource.params.per_page).toBe(50);
});

dltCase(`${F}::test_resource_defaults_params_no_resource_params`, () => {
  expect(resourceOf({ name: "issues", endpoint: { path: "issues" } }, issuesDefaults).params.per_page).toBe(30);
});

dltCase(`${F}::test_resource_overrides_with_explicit_none`, () => {
  const resource = resourceOf(
    { name: "issues", endpoint: { paginator: null } },
    { primary_key: "id", write_disposition: "merge", endpoint: { path: "issues", paginator: "json_link" } },
  );
  // None: the default's json_link is dropped and the client's (auto) applies.
  expect(resource.paginator.type).toBe("auto");
});

dltCase(`${F}::test_resource_defaults_no_params`, () => {
  const resource = resourceOf(
    { name: "issues", endpoint: { path: "issues", params: { per_page: 50, sort: "updated" } } },
    { primary_key: "id", write_disposition: "merge" },
  );
  expect(resource.params).toEqual({ per_page: 50, sort: "updated" });
});

const issuesResources: DltConfig[] = [
  {
    name: "issues",
    endpoint: {
      path: "dlt-hub/{repository}/issues/",
      params: { repository: { type: "resolve", resource: "repositories", field: "name" } },
    },
  },
  { name: "issues", endpoint: { path: "dlt-hub/{resources.repositories.name}/issues/" } },
];

describe("test_accepts_DltResource_in_resources", () => {
  issuesResources.forEach((issues, i) => {
    dltCase(`${F}::test_accepts_DltResource_in_resources[issues_resource_config${i}]`, () => {
      const source = sourceOf({
        client: { base_url: "https://github.com/api/v2" },
        resources: [issues, repositoriesResource()],
      });
      expect(source.resources.map((r) => r.name)).toEqual(["repositories", "issues"]);
      expect(source.resources.filter((r) => r.selected).map((r) => r.name)).toEqual(["issues"]);
    });
  });
});

dltCase(`${F}::test_resource_defaults_dont_apply_to_DltResource`, () => {
  async function* repositories() {
    yield [{ name: "dlt" }, { name: "verified-sources" }, { name: "dlthub-education" }];
  }
  const source = sourceOf({
    client: { base_url: "https://github.com/api/v2" },
    resource_defaults: { write_disposition: "replace" },
    resources: [issuesResources[0], dltResource(repositories)],
  });
  const byName = Object.fromEntries(source.resources.map((r) => [r.name, r]));
  expect(byName.issues!.writeDisposition).toBe("replace");
  expect(byName.repositories!.writeDisposition).not.toBe("replace");
});

dltCase(`${F}::test_multiple_dlt_resources`, () => {
  async function* first_resource() {
    yield [{ id: 1, name: "first" }];
  }
  async function* second_resource() {
    yield [{ id: 2, name: "second" }];
  }
  const source = sourceOf({
    client: { base_url: API },
    resources: [
      { name: "endpoint_resource", endpoint: { path: "items", method: "GET" } },
      dltResource(first_resource),
      dltResource(second_resource),
    ],
  });
  const names = source.resources.map((r) => r.name);
  expect(names).toHaveLength(3);
  expect(names).toEqual(expect.arrayContaining(["endpoint_resource", "first_resource", "second_resource"]));
});

/** dlt's three distinct JSONLinkPaginator instances, told apart here by their next_url_path. */
const P: Record<string, PaginatorConfig> = {
  __client_paginator__: { type: "json_link", next_url_path: "client_next" },
  __defaults_paginator__: { type: "json_link", next_url_path: "defaults_next" },
  __endpoint_paginator__: { type: "json_link", next_url_path: "endpoint_next" },
};
type Slot = keyof typeof P | null | undefined;

/** A config with the client/defaults/endpoint paginators of one dlt case (`undefined`: key absent). */
function paginatorConfig(client: Slot, defaults: Slot, endpoint: Slot, single = false): DltConfig {
  const own: DltConfig = { path: single ? "user/{resources.users.id}" : "users" };
  if (endpoint !== undefined) own.paginator = endpoint === null ? null : P[endpoint];
  return {
    client: { base_url: API, ...(client ? { paginator: P[client] } : {}) },
    ...(defaults ? { resource_defaults: { endpoint: { paginator: P[defaults] } } } : {}),
    resources: single ? ["users", { name: "user", endpoint: own }] : [{ name: "users", endpoint: own }],
  };
}

describe("test_paginator_overrides", () => {
  // [client, defaults, endpoint] as configured → dlt's (client paginator, endpoint paginator).
  const cases: [Slot, Slot, Slot, Slot, Slot][] = [
    [undefined, undefined, undefined, null, null],
    ["__client_paginator__", undefined, undefined, "__client_paginator__", null],
    [undefined, "__defaults_paginator__", undefined, null, "__defaults_paginator__"],
    [undefined, undefined, "__endpoint_paginator__", null, "__endpoint_paginator__"],
    ["__client_paginator__", "__defaults_paginator__", undefined, "__client_paginator__", "__defaults_paginator__"],
    ["__client_paginator__", undefined, "__endpoint_paginator__", "__client_paginator__", "__endpoint_paginator__"],
    [undefined, "__defaults_paginator__", "__endpoint_paginator__", null, "__endpoint_paginator__"],
    [
      "__client_paginator__",
      "__defaults_paginator__",
      "__endpoint_paginator__",
      "__client_paginator__",
      "__endpoint_paginator__",
    ],
    ["__client_paginator__", undefined, null, "__client_paginator__", null],
    [undefined, undefined, null, null, null],
    [undefined, "__defaults_paginator__", null, null, null],
    ["__client_paginator__", "__defaults_paginator__", null, "__client_paginator__", null],
  ];
  cases.forEach(([client, defaults, endpoint, expectedClient, expectedEndpoint], i) => {
    dltCase(`${F}::test_paginator_overrides[config${i}]`, () => {
      // The paginator a request uses: the endpoint's when dlt passes one, else the client's, else auto.
      const used = expectedEndpoint ?? expectedClient;
      const resource = sourceOf(paginatorConfig(client, defaults, endpoint)).resources[0]!;
      expect(resource.paginator).toEqual(used ? P[used] : { type: "auto" });
    });
  });
});

describe("test_paginator_overrides_single_entity_paths", () => {
  const cases: [Slot, Slot, Slot, Slot | "single_page"][] = [
    [undefined, undefined, undefined, "single_page"],
    ["__client_paginator__", undefined, undefined, "single_page"],
    [undefined, "__defaults_paginator__", undefined, "__defaults_paginator__"],
    [undefined, undefined, null, "single_page"],
    ["__client_paginator__", "__defaults_paginator__", null, "single_page"],
    ["__client_paginator__", "__defaults_paginator__", undefined, "__defaults_paginator__"],
    [undefined, undefined, "__endpoint_paginator__", "__endpoint_paginator__"],
  ];
  cases.forEach(([client, defaults, endpoint, expected], i) => {
    dltCase(`${F}::test_paginator_overrides_single_entity_paths[config${i}]`, () => {
      const resource = sourceOf(paginatorConfig(client, defaults, endpoint, true)).resources.find(
        (r) => r.name === "user",
      )!;
      expect(resource.paginator).toEqual(expected === "single_page" ? { type: "single_page" } : P[expected!]);
    });
  });
});

expectedEntriesExist(F);
