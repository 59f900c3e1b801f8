/**
 * dlt tests/sources/rest_api/configurations/test_resolve_config.py. dlt's
 * `_bind_path_params` and `process_parent_data_item` helpers are checked here
 * through what a run sends (a scripted fetch plays the parent API);
 * `resources[x]._pipe.parent` is restsync's `source.resources[i].parent`.
 */
import { describe, expect } from "vitest";
import { type DltConfig, dltCase, expectConfigError, expectedEntriesExist, sourceOf } from "./_case";
import { runScripted, type SeenRequest } from "./_scripted";

const F = "test_resolve_config";
const BASE = "https://api.example.com";
const resolve = (resource: string, field: string) => ({ type: "resolve", resource, field });
const parentOf = (config: DltConfig, name: string) =>
  sourceOf(config).resources.find((r) => r.name === name)?.parent?.resources;

/** A source of `issues` (answering `parents`) and the `comments` child described by `endpoint`. */
const withIssues = (endpoint: DltConfig, extra: DltConfig = {}): DltConfig => ({
  client: { base_url: BASE },
  resources: ["issues", { name: "comments", endpoint, ...extra }],
});
const answerIssues =
  (parents: unknown[]) =>
  ({ url }: { url: URL }) =>
    url.pathname === "/issues" ? parents : [{ comment: 1 }];
const childRequests = (seen: SeenRequest[]) => seen.filter((r) => r.url.pathname !== "/issues");

dltCase(`${F}::test_bind_path_param`, async () => {
  const threeParams = (id: unknown, path = "{org}/{repo}/issues/{id}/comments"): DltConfig =>
    withIssues({ path, params: { org: "dlt-hub", repo: "dlt", ...(id === undefined ? {} : { id }) } });
  // Static params are bound into the path (and not sent again); the resolved one is filled per parent.
  let run = await runScripted(threeParams(resolve("issues", "id")), answerIssues([{ id: 7 }]));
  expect(childRequests(run.seen).map((r) => `${r.url.pathname}${r.url.search}`)).toEqual([
    "/dlt-hub/dlt/issues/7/comments",
  ]);
  run = await runScripted(threeParams(12345), answerIssues([]));
  expect(run.seen.map((r) => `${r.url.pathname}${r.url.search}`)).toContain("/dlt-hub/dlt/issues/12345/comments");
  // A path param with no value is refused, naming it.
  expectConfigError(threeParams(undefined), "{id}");
  // Params not in the path stay query params.
  run = await runScripted(threeParams(undefined, "comments"), answerIssues([]));
  expect(run.seen.map((r) => `${r.url.pathname}${r.url.search}`)).toContain("/comments?org=dlt-hub&repo=dlt");
  // A resolve param the path does not bind is an error.
  expectConfigError(threeParams(resolve("issues", "id"), "{org}/{repo}/issues/1234/comments"), "id");
});

dltCase(`${F}::test_process_parent_data_item`, async () => {
  const byObjId = { id: resolve("issues", "obj_id") };
  // Path bound from the parent's field; no params, body or extra fields.
  let run = await runScripted(
    withIssues({ path: "dlt-hub/dlt/issues/{id}/comments", params: byObjId }),
    answerIssues([{ obj_id: 12345 }]),
  );
  let [child] = childRequests(run.seen);
  expect(child!.url.pathname).toBe("/dlt-hub/dlt/issues/12345/comments");
  expect(child!.url.search).toBe("");
  expect(child!.body).toBeUndefined();
  expect(Object.keys((await run.rows("comments"))[0]!)).toEqual(["comment"]);
  // include_from_parent
  run = await runScripted(
    withIssues(
      { path: "dlt-hub/dlt/issues/{id}/comments", params: byObjId },
      { include_from_parent: ["obj_id", "obj_node"] },
    ),
    answerIssues([{ obj_id: 12345, obj_node: "node_1" }]),
  );
  expect((await run.rows("comments"))[0]).toMatchObject({ _issues_obj_id: 12345, _issues_obj_node: "node_1" });
  // Resource field references in path, params, json and headers (json keeps the number's type).
  run = await runScripted(
    withIssues({ path: "dlt-hub/dlt/issues/{resources.issues.obj_id}/comments" }),
    answerIssues([{ obj_id: 12345, obj_node: "node_1" }]),
  );
  expect(childRequests(run.seen)[0]!.url.pathname).toBe("/dlt-hub/dlt/issues/12345/comments");
  run = await runScripted(
    withIssues({
      path: "dlt-hub/dlt/issues/comments",
      method: "POST",
      params: { id: "{resources.issues.obj_id}" },
      json: { id: "{resources.issues.obj_id}" },
      headers: { "X-Id": "{resources.issues.obj_id}" },
    }),
    answerIssues([{ obj_id: 12345, obj_node: "node_1" }]),
  );
  [child] = childRequests(run.seen);
  expect(child!.url.pathname).toBe("/dlt-hub/dlt/issues/comments");
  expect(Object.fromEntries(child!.url.searchParams)).toEqual({ id: "12345" });
  expect(JSON.parse(child!.body!)).toEqual({ id: 12345 });
  expect(child!.headers.get("x-id")).toBe("12345");
  // A nested parent field, also in a header.
  run = await runScripted(
    withIssues({
      path: "dlt-hub/dlt/issues/{id}/comments",
      params: { id: resolve("issues", "some_results.obj_id") },
      headers: { "X-Id": "{id}" },
    }),
    answerIssues([{ some_results: { obj_id: 12345 } }]),
  );
  [child] = childRequests(run.seen);
  expect(child!.url.pathname).toBe("/dlt-hub/dlt/issues/12345/comments");
  expect(child!.headers.get("x-id")).toBe("12345");
  // Several params from one record.
  run = await runScripted(
    {
      client: { base_url: BASE },
      resources: [
        "comments",
        {
          name: "reactions",
          endpoint: {
            path: "dlt-hub/dlt/issues/{issue_id}/comments/{id}",
            params: { issue_id: resolve("comments", "issue"), id: resolve("comments", "id") },
            headers: { "X-Issue": "{issue_id}", "X-Id": "{id}" },
          },
        },
      ],
    },
    ({ url }) => (url.pathname === "/comments" ? [{ issue: 12345, id: 56789 }] : []),
  );
  const reaction = run.seen.find((r) => r.url.pathname !== "/comments")!;
  expect(reaction.url.pathname).toBe("/dlt-hub/dlt/issues/12345/comments/56789");
  expect(reaction.headers.get("x-issue")).toBe("12345");
  expect(reaction.headers.get("x-id")).toBe("56789");
  // A parent record without the field the child binds is an error naming the field (dlt: ValueError).
  run = await runScripted(
    withIssues({ path: "dlt-hub/dlt/issues/{id}/comments", params: byObjId }),
    answerIssues([{ _id: 12345 }]),
  );
  expect(run.report.resources.comments!.status).toBe("failed");
  expect(run.report.resources.comments!.error!.message).toContain("obj_id");
  // …and so is a missing include_from_parent field.
  run = await runScripted(
    withIssues(
      { path: "dlt-hub/dlt/issues/{id}/comments", params: byObjId },
      { include_from_parent: ["obj_id", "node"] },
    ),
    answerIssues([{ obj_id: 12345, obj_node: "node_1" }]),
  );
  expect(run.report.resources.comments!.status).toBe("failed");
  // Incremental values in headers.
  run = await runScripted(
    withIssues({
      path: "dlt-hub/dlt/issues/{id}/comments",
      params: byObjId,
      headers: { "X-Initial": "{incremental.initial_value}", "X-End": "{incremental.end_value}" },
      incremental: { cursor_path: "updated_at", initial_value: "2025-01-01", end_value: "2025-01-02" },
    }),
    answerIssues([{ obj_id: 12345 }]),
  );
  [child] = childRequests(run.seen);
  expect(child!.headers.get("x-initial")).toBe("2025-01-01");
  expect(child!.headers.get("x-end")).toBe("2025-01-02");
});

dltCase(`${F}::test_two_resources_can_depend_on_one_parent_resource`, () => {
  const userId = { user_id: resolve("users", "id") };
  const viaResolve: DltConfig = {
    client: { base_url: BASE },
    resources: [
      "users",
      { name: "user_details", endpoint: { path: "user/{user_id}/", params: userId } },
      { name: "meetings", endpoint: { path: "meetings/{user_id}/", params: userId } },
    ],
  };
  expect(parentOf(viaResolve, "meetings")).toEqual(["users"]);
  expect(parentOf(viaResolve, "user_details")).toEqual(["users"]);
  const viaReference: DltConfig = {
    client: { base_url: BASE },
    resources: [
      "users",
      { name: "user_details", endpoint: { path: "user/{resources.users.id}/" } },
      { name: "meetings", endpoint: { path: "meetings/{resources.users.id}/" } },
    ],
  };
  expect(parentOf(viaReference, "meetings")).toEqual(["users"]);
  expect(parentOf(viaReference, "user_details")).toEqual(["users"]);
});

describe("test_dependent_resource_can_bind_multiple_parameters", () => {
  const configs: DltConfig[] = [
    {
      client: { base_url: BASE },
      resources: [
        "users",
        {
          name: "user_details",
          endpoint: {
            path: "user/{user_id}/{group_id}",
            params: { user_id: resolve("users", "id"), group_id: resolve("users", "group") },
          },
        },
      ],
    },
    {
      client: { base_url: BASE },
      resources: [
        "users",
        { name: "user_details", endpoint: { path: "user/{resources.users.id}/{resources.users.group}" } },
      ],
    },
  ];
  configs.forEach((config, i) => {
    dltCase(`${F}::test_dependent_resource_can_bind_multiple_parameters[config${i}]`, () =>
      expect(parentOf(config, "user_details")).toEqual(["users"]),
    );
  });
});

describe("test_one_resource_cannot_bind_two_parents", () => {
  const configs: DltConfig[] = [
    {
      client: { base_url: BASE },
      resources: [
        "users",
        "groups",
        {
          name: "user_details",
          endpoint: {
            path: "user/{user_id}/{group_id}",
            params: { user_id: resolve("users", "id"), group_id: resolve("groups", "id") },
          },
        },
      ],
    },
    {
      client: { base_url: BASE },
      resources: [
        "users",
        "groups",
        { name: "user_details", endpoint: { path: "user/{resources.users.id}/{resources.groups.id}" } },
      ],
    },
  ];
  configs.forEach((config, i) => {
    dltCase(`${F}::test_one_resource_cannot_bind_two_parents[config${i}]`, () =>
      expectConfigError(config, "user_details", "users", "groups"),
    );
  });
});

describe("test_resource_dependent_dependent", () => {
  const configs: DltConfig[] = [
    {
      client: { base_url: BASE },
      resources: [
        "locations",
        {
          name: "location_details",
          endpoint: { path: "location/{location_id}", params: { location_id: resolve("locations", "id") } },
        },
        {
          name: "meetings",
          endpoint: { path: "/meetings/{room_id}", params: { room_id: resolve("location_details", "room_id") } },
        },
      ],
    },
    {
      client: { base_url: BASE },
      resources: [
        "locations",
        { name: "location_details", endpoint: { path: "location/{resources.locations.id}" } },
        { name: "meetings", endpoint: { path: "/meetings/{resources.location_details.room_id}" } },
      ],
    },
    {
      client: { base_url: BASE },
      resources: [
        "locations",
        { name: "location_details", endpoint: "location/{resources.locations.id}" },
        { name: "meetings", endpoint: "/meetings/{resources.location_details.room_id}" },
      ],
    },
  ];
  configs.forEach((config, i) => {
    dltCase(`${F}::test_resource_dependent_dependent[config${i}]`, () => {
      expect(parentOf(config, "meetings")).toEqual(["location_details"]);
      expect(parentOf(config, "location_details")).toEqual(["locations"]);
    });
  });
});

describe("test_circular_resource_bindingis_invalid", () => {
  const configs: DltConfig[] = [
    {
      client: { base_url: BASE },
      resources: [
        { name: "chicken", endpoint: { path: "chicken/{egg_id}/", params: { egg_id: resolve("egg", "id") } } },
        { name: "egg", endpoint: { path: "egg/{chicken_id}/", params: { chicken_id: resolve("chicken", "id") } } },
      ],
    },
    {
      client: { base_url: BASE },
      resources: [
        { name: "chicken", endpoint: { path: "chicken/{resources.egg.id}/" } },
        { name: "egg", endpoint: { path: "egg/{resources.chicken.id}/" } },
      ],
    },
  ];
  configs.forEach((config, i) => {
    dltCase(`${F}::test_circular_resource_bindingis_invalid[config${i}]`, () =>
      expectConfigError(config, "chicken", "egg"),
    );
  });
});

expectedEntriesExist(F);
