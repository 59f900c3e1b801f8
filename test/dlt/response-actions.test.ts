/**
 * dlt tests/sources/rest_api/integration/test_response_actions.py, case by case.
 * dlt's callable response actions (requests hooks) are functions given
 * restsync's `{ status, headers, url, text }` and returning it changed, an
 * action ("ignore", "retry"), or nothing.
 */
import type { HookResponse } from "restsync";
import { expect } from "vitest";
import { API, type DltConfig, dltCase, expectedEntriesExist, runDlt } from "./_case";
import { useDltMock } from "./_server";

const mock = useDltMock();
const F = "test_response_actions";

const withDependent = (path: string, responseActions: unknown[]): DltConfig => ({
  client: { base_url: API },
  resources: [
    "posts",
    {
      name: "post_details",
      endpoint: {
        path,
        params: { post_id: { type: "resolve", resource: "posts", field: "id" } },
        response_actions: responseActions,
      },
    },
  ],
});

/** dlt's `res[:5]` over posts and post_details: the one detail that was not ignored, then the posts. */
async function expectOnlyFirstDetail(config: DltConfig): Promise<void> {
  const run = await runDlt(mock, config, { resources: ["posts", "post_details"], addLimit: 1 });
  expect(await run.rows("post_details")).toEqual([{ id: 0, body: "Post body 0" }]);
  expect((await run.rows("posts")).slice(0, 4)).toEqual([0, 1, 2, 3].map((i) => ({ id: i, title: `Post ${i}` })));
}

dltCase(`${F}::test_ignoring_endpoint_returning_404`, () =>
  expectOnlyFirstDetail(withDependent("posts/{post_id}/some_details_404", [{ status_code: 404, action: "ignore" }])),
);

dltCase(`${F}::test_ignoring_endpoint_returning_404_others_422`, async () => {
  const path = "posts/{post_id}/some_details_404_others_422";
  await expectOnlyFirstDetail(
    withDependent(path, [
      { status_code: 422, action: "ignore" },
      { status_code: 404, action: "ignore" },
    ]),
  );
  // The order of response_actions does not change the result.
  await expectOnlyFirstDetail(
    withDependent(path, [
      { status_code: 404, action: "ignore" },
      { status_code: 422, action: "ignore" },
    ]),
  );
});

dltCase(`${F}::test_response_action_ignore_on_content`, async () => {
  const run = await runDlt(
    mock,
    {
      client: { base_url: API },
      resources: [
        {
          name: "post_details",
          endpoint: {
            path: "posts/0/some_details_404",
            response_actions: [{ content: "Post body 0", action: "ignore" }],
          },
        },
      ],
    },
    { resources: ["post_details"] },
  );
  expect(await run.rows("post_details")).toEqual([]);
});

dltCase(`${F}::test_ignoring_endpoint_returning_204`, () =>
  expectOnlyFirstDetail(withDependent("posts/{post_id}/some_details_204", [{ status_code: 204, action: "ignore" }])),
);

dltCase(`${F}::test_empty_response_actions_raise_on_404_by_default`, async () => {
  const run = await runDlt(
    mock,
    {
      client: { base_url: API },
      resources: [{ name: "post_details", endpoint: { path: "posts/1/some_details_404" } }],
    },
    { resources: ["post_details"] },
  );
  // dlt: ResourceExtractionError "404 Client Error".
  expect(run.report.resources.post_details!.error).toMatchObject({ code: "http_status", status: 404 });
});

dltCase(`${F}::test_non_empty_response_actions_raise_on_error_by_default`, async () => {
  const run = await runDlt(
    mock,
    withDependent("posts/{post_id}/some_details_404_others_422", [{ status_code: 404, action: "ignore" }]),
    { resources: ["posts", "post_details"], addLimit: 1 },
  );
  expect(run.report.resources.post_details!.error).toMatchObject({ code: "http_status", status: 422 });
});

/** A counting hook (dlt's mocker.Mock(side_effect=…)). */
function hook(body: (response: HookResponse) => unknown = (response) => response) {
  const fn = (response: HookResponse) => {
    fn.calls++;
    return body(response);
  };
  fn.calls = 0;
  return fn;
}

dltCase(`${F}::test_response_action_on_status_code`, async () => {
  // dlt's hook raises IgnoreResponseException; the TypeScript hook answers "ignore".
  const ignore = hook(() => "ignore");
  await runDlt(
    mock,
    {
      client: { base_url: API },
      resources: [
        {
          name: "post_details",
          endpoint: { path: "posts/1/some_details_404", response_actions: [{ status_code: 404, action: ignore }] },
        },
      ],
    },
    { resources: ["post_details"], addLimit: 1 },
  );
  expect(ignore.calls).toBe(1);
});

dltCase(`${F}::test_response_action_on_every_response`, async () => {
  const every = hook();
  await runDlt(
    mock,
    { client: { base_url: API }, resources: [{ name: "posts", endpoint: { response_actions: [every] } }] },
    { resources: ["posts"], addLimit: 1 },
  );
  expect(every.calls).toBe(1);
});

dltCase(`${F}::test_multiple_response_actions_on_every_response`, async () => {
  const first = hook();
  const second = hook();
  await runDlt(
    mock,
    { client: { base_url: API }, resources: [{ name: "posts", endpoint: { response_actions: [first, second] } }] },
    { resources: ["posts"], addLimit: 1 },
  );
  expect(first.calls).toBe(1);
  expect(second.calls).toBe(1);
});

dltCase(`${F}::test_response_actions_called_in_order`, async () => {
  // dlt's first hook sets the response encoding and the second asserts it: here a marker header. Hooks get
  // restsync's { status, headers, url, text } and return it changed.
  const setEncoding = hook((response) => {
    expect(response.headers.get("x-encoding")).not.toBe("windows-1252");
    const headers = new Headers(response.headers);
    headers.set("x-encoding", "windows-1252");
    return { ...response, headers };
  });
  const addField = hook((response) => {
    expect(response.headers.get("x-encoding")).toBe("windows-1252");
    const payload = JSON.parse(response.text) as { data: Record<string, unknown>[] };
    for (const record of payload.data) record.custom_field = "foobar";
    return { ...response, text: JSON.stringify(payload) };
  });
  const run = await runDlt(
    mock,
    {
      client: { base_url: API },
      resources: [
        { name: "posts", endpoint: { response_actions: [setEncoding, { status_code: 200, action: addField }] } },
      ],
    },
    { resources: ["posts"], addLimit: 1 },
  );
  expect(setEncoding.calls).toBe(1);
  expect(addField.calls).toBe(1);
  const rows = await run.rows("posts");
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((record) => record.custom_field === "foobar")).toBe(true);
});

dltCase(`${F}::test_auth_overwrites_for_specific_endpoints`, async () => {
  // dlt's hook reads the request's Authorization header; here the mock's log does.
  const seen = hook();
  await runDlt(
    mock,
    {
      client: { base_url: API, auth: { type: "bearer", token: "T" } },
      resources: [
        {
          name: "posts",
          endpoint: { auth: { type: "http_basic", username: "U", password: "P" }, response_actions: [seen] },
        },
      ],
    },
    { resources: ["posts"], addLimit: 1 },
  );
  expect(seen.calls).toBe(1);
  expect(mock.history[0]!.headers.authorization).toBe(`Basic ${btoa("U:P")}`);
});

expectedEntriesExist(F);
