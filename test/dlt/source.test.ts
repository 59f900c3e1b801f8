/**
 * dlt tests/sources/rest_api/test_rest_api_source.py. dlt runs these against
 * the live PokeAPI and httpbingo.org; tests here may only talk to 127.0.0.1, so
 * the mock serves stand-ins with the same shapes (PokeAPI's `count`/`next`/
 * `results` list pages of the table sizes dlt asserts, httpbingo's `/post` echo).
 * dlt's `destination_name` parameter has no counterpart (one store per run).
 */
import { expect } from "vitest";
import { type DltConfig, dltCase, expectConfigError, expectedEntriesExist, expectLoaded, runDlt } from "./_case";
import type { MockReply, MockRequest } from "./_routes";
import { useDltMock } from "./_server";

const POKEMON_COUNTS: Record<string, number> = { pokemon: 1350, berry: 64, location: 1070 };

function standIns(req: MockRequest): MockReply | undefined {
  const url = new URL(req.target, req.origin);
  const list = /^\/api\/v2\/(pokemon|berry|location)\/?$/.exec(url.pathname);
  if (list && req.method === "GET") {
    const kind = list[1]!;
    const count = POKEMON_COUNTS[kind]!;
    const limit = Number(url.searchParams.get("limit") ?? 20);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const page = (o: number) => `${req.origin}/api/v2/${kind}/?offset=${o}&limit=${limit}`;
    const results = [];
    for (let i = offset; i < Math.min(offset + limit, count); i++)
      results.push({ name: `${kind}-${i + 1}`, url: `${req.origin}/api/v2/${kind}/${i + 1}/` });
    return {
      status: 200,
      body: {
        count,
        next: offset + limit < count ? page(offset + limit) : null,
        previous: offset > 0 ? page(Math.max(offset - limit, 0)) : null,
        results,
      },
    };
  }
  const detail = /^\/api\/v2\/pokemon\/([^/]+)\/?$/.exec(url.pathname);
  if (detail && req.method === "GET") {
    const name = decodeURIComponent(detail[1]!);
    const ref = (n: string) => ({ name: n, url: `${req.origin}/x/${n}/` });
    return {
      status: 200,
      body: {
        id: Number(name.split("-").at(-1)),
        name,
        abilities: [{ ability: ref("overgrow"), is_hidden: false, slot: 1 }],
        forms: [ref(name)],
        game_indices: [{ game_index: 1, version: ref("red") }],
        moves: [{ move: ref("tackle"), version_group_details: [{ level_learned_at: 1 }] }],
        past_abilities: [{ abilities: [{ ability: null, is_hidden: true, slot: 3 }], generation: ref("gen-iv") }],
        stats: [{ base_stat: 45, effort: 0, stat: ref("hp") }],
        types: [{ slot: 1, type: ref("grass") }],
      },
    };
  }
  if (url.pathname === "/post" && req.method === "POST") {
    const type = req.headers["content-type"] ?? "";
    const raw = req.body ?? "";
    const form: Record<string, string[]> = {};
    if (type === "application/x-www-form-urlencoded")
      for (const [k, v] of new URLSearchParams(raw)) (form[k] ??= []).push(v);
    const data =
      type === "application/x-www-form-urlencoded"
        ? raw
        : `data:application/octet-stream;base64,${btoa(String.fromCharCode(...new TextEncoder().encode(raw)))}`;
    return { status: 200, body: { args: {}, data, form, headers: {}, method: "POST" } };
  }
  return undefined;
}

const mock = useDltMock(standIns);
const F = "test_rest_api_source";
const pokeapi = () => `${mock.url}/api/v2/`;

dltCase(`${F}::test_rest_api_config_provider`, () => {
  // Skipped (see _expected.ts): dlt.config's TOML provider.
});

for (const invocation of ["deco", "factory"]) {
  dltCase(`${F}::test_rest_api_source[${invocation}]`, async () => {
    const config: DltConfig = {
      client: { base_url: pokeapi() },
      resource_defaults: { endpoint: { params: { limit: 1000 } } },
      resources: [{ name: "pokemon_list", endpoint: "pokemon" }, "berry", "location"],
    };
    const run = await runDlt(mock, config);
    expectLoaded(run);
    expect(Object.keys(run.report.resources).sort()).toEqual(["berry", "location", "pokemon_list"]);
    expect(await run.pipeline.count("pokemon_list")).toBeGreaterThanOrEqual(1350);
    expect(await run.pipeline.count("berry")).toBeGreaterThanOrEqual(64);
    expect(await run.pipeline.count("location")).toBeGreaterThanOrEqual(1070);
  });

  dltCase(`${F}::test_dependent_resource[${invocation}]`, async () => {
    const config: DltConfig = {
      client: { base_url: pokeapi() },
      resource_defaults: { endpoint: { params: { limit: 1000 } } },
      resources: [
        {
          name: "pokemon_list",
          endpoint: { path: "pokemon", paginator: "single_page", data_selector: "results", params: { limit: 2 } },
          selected: false,
        },
        {
          name: "pokemon",
          endpoint: {
            path: "pokemon/{name}",
            params: { name: { type: "resolve", resource: "pokemon_list", field: "name" } },
          },
        },
      ],
    };
    const run = await runDlt(mock, config);
    expectLoaded(run);
    // dlt's child tables (pokemon__types, …) are the nested lists of each stored record.
    expect(await run.pipeline.count("pokemon")).toBe(2);
    const [first] = await run.rows("pokemon");
    for (const nested of ["types", "stats", "moves", "past_abilities", "game_indices", "forms", "abilities"])
      expect(Array.isArray(first![nested]), nested).toBe(true);
  });
}

dltCase(`${F}::test_rest_api_source_with_data_parameter`, async () => {
  const run = await runDlt(mock, {
    client: { base_url: mock.url },
    resources: [
      {
        name: "post_form_test",
        endpoint: {
          path: "post",
          method: "POST",
          data: { field1: "value1", field2: "value2", field3: "test data" },
          paginator: "single_page",
          data_selector: "$",
        },
      },
      {
        name: "post_raw_test",
        endpoint: {
          path: "post",
          method: "POST",
          data: "raw string data",
          paginator: "single_page",
          data_selector: "$",
        },
      },
    ],
  });
  expectLoaded(run);
  expect(await run.pipeline.count("post_form_test")).toBe(1);
  expect(await run.pipeline.count("post_raw_test")).toBe(1);
  const [form] = await run.rows("post_form_test");
  expect(form!.data).toBe("field1=value1&field2=value2&field3=test+data");
  expect(form!.form).toEqual({ field1: ["value1"], field2: ["value2"], field3: ["test data"] });
  const [raw] = await run.rows("post_raw_test");
  expect(raw!.data).toBe("data:application/octet-stream;base64,cmF3IHN0cmluZyBkYXRh");
});

dltCase(`${F}::test_rest_api_data_json_mutual_exclusivity`, () =>
  expectConfigError(
    {
      client: { base_url: "https://httpbin.org" },
      resources: [
        {
          name: "invalid_test",
          endpoint: {
            path: "post",
            method: "POST",
            json: { key: "value" },
            data: { other: "data" },
            paginator: "single_page",
          },
        },
      ],
    },
    "data",
  ),
);

expectedEntriesExist(F);
