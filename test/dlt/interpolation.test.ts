/**
 * dlt tests/sources/rest_api/test_interpolation.py. dlt's `expand_placeholders`
 * and `_find_expressions` are restsync's template unit (`fillDeep`,
 * `placeholdersDeep`). dlt's `preserve_value_type=False` is how restsync fills
 * a query param or header: the filled template as a string. Its errors and
 * `_expressions_to_resolved_params` are checked where a user meets them: the
 * source a config builds.
 */
import { describe, expect } from "vitest";
import { fillDeep, placeholdersDeep } from "../../src/config/_placeholders";
import { dltCase, expectConfigError, expectedEntriesExist, sourceOf } from "./_case";

const F = "test_interpolation";
type Expand = [id: string, obj: unknown, placeholders: Record<string, unknown>, expected: unknown, preserve: boolean];

const EXPAND: Expand[] = [
  ["string", "posts/{id}", { id: 1 }, "posts/1", true],
  ["string_with_dots", "posts/{resources.posts.id}", { "resources.posts.id": 1 }, "posts/1", true],
  [
    "dict",
    { id: "{id}", name: "{name}", sort: "asc" },
    { id: "1", name: "John" },
    { id: "1", name: "John", sort: "asc" },
    true,
  ],
  [
    "dict_with_dots",
    { id: "{resources.posts.id}", name: "{resources.posts.name}", sort: "asc" },
    { "resources.posts.id": "1", "resources.posts.name": "John" },
    { id: "1", name: "John", sort: "asc" },
    true,
  ],
  [
    "nested_json_body",
    { dict: { b: { c: "{id}" }, list: ["{id}", "{id2}"] } },
    { id: 1, id2: 2 },
    { dict: { b: { c: 1 }, list: [1, 2] } },
    true,
  ],
  [
    "nested_json_body_with_dots",
    { dict: { b: { c: "{posts.id}" }, list: ["{posts.id}", "{posts.id2}"] } },
    { "posts.id": 1, "posts.id2": 2 },
    { dict: { b: { c: 1 }, list: [1, 2] } },
    true,
  ],
  ["string_with_escaped_braces", "posts/{id}/{{not_this}}", { id: 1 }, "posts/1/{not_this}", true],
  [
    "string_with_mixed_braces",
    "posts/{{not_this}}/{id}/{{also_not}}",
    { id: 1 },
    "posts/{not_this}/1/{also_not}",
    true,
  ],
  [
    "nested_dict_with_escaped_braces",
    { path: "posts/{id}/{{not_this}}", nested: { path: "{{not_this}}/{id}/{{also_not}}", value: "{id}" } },
    { id: 1 },
    { path: "posts/1/{not_this}", nested: { path: "{not_this}/1/{also_not}", value: 1 } },
    true,
  ],
  [
    "mixed_structures_with_escaped_braces",
    { list: ["{{not_this}}", "{id}", "{{also_not}}"], dict: { key: "{{not_this}}", value: "{id}" } },
    { id: 1 },
    { list: ["{not_this}", 1, "{also_not}"], dict: { key: "{not_this}", value: 1 } },
    true,
  ],
  ["triple_braces", "posts/{{{id}}}", { id: 1 }, "posts/{1}", true],
  ["double_escaped_braces", "posts/{{{{not_this}}}}/{id}", { id: 1 }, "posts/{{not_this}}/1", true],
  ["escaped_braces_with_placeholder", "posts/{{not_this {id}}}", { id: 1 }, "posts/{not_this 1}", true],
  ["escaped_braces_with_placeholder_no_preserve", "posts/{{not_this {id}}}", { id: 1 }, "posts/{not_this 1}", false],
  ["none", null, {}, null, true],
  ["none_no_preserve", null, {}, null, false],
  ["empty_string_placeholder", "posts/{id}", { id: "" }, "posts/", true],
  ["empty_string_placeholder_no_preserve", "posts/{id}", { id: "" }, "posts/", false],
  ["empty_containers", { empty_list: [], empty_dict: {} }, {}, { empty_list: [], empty_dict: {} }, true],
  [
    "mixed_nested_structures",
    { mixed: [{ id: "{id}" }, 123, ["{value}", true], { nested: { key: "{key}" } }] },
    { id: "test", value: 456, key: "nested" },
    { mixed: [{ id: "test" }, 123, [456, true], { nested: { key: "nested" } }] },
    true,
  ],
  [
    "special_chars_in_placeholders",
    "user/{user@domain}/settings/{setting-name}",
    { "user@domain": "john@example.com", "setting-name": "theme" },
    "user/john@example.com/settings/theme",
    true,
  ],
  [
    "special_chars_in_placeholders_no_preserve",
    "user/{user@domain}/settings/{setting-name}",
    { "user@domain": "john@example.com", "setting-name": "theme" },
    "user/john@example.com/settings/theme",
    false,
  ],
  ["unicode_chars", "{name} ❤️ {id}", { name: "测试", id: "テスト" }, "测试 ❤️ テスト", true],
  ["single_placeholder_no_text", "{id}", { id: 42 }, 42, true],
  ["two_placeholders_no_text", "{id}{id}", { id: 42 }, "4242", true],
  ["two_different_placeholders", "{id}{id2}", { id: 42, id2: 100 }, "42100", true],
  ["two_different_placeholders_no_preserve", "{id}{id2}", { id: 42, id2: 100 }, "42100", false],
  ["two_placeholders_with_text", "{id} {id2}", { id: 42, id2: 100 }, "42 100", true],
  ["single_placeholder_no_text_no_preserve", "{id}", { id: 42 }, "42", false],
  ["single_placeholder_with_dots_no_text", "{resources.posts.id}", { "resources.posts.id": 42 }, 42, true],
  [
    "single_placeholder_with_dots_no_text_no_preserve",
    "{resources.posts.id}",
    { "resources.posts.id": 42 },
    "42",
    false,
  ],
  ["single_placeholder_with_format_spec", "{id:>5}", { id: 42 }, "   42", true],
  ["single_placeholder_with_format_spec_no_preserve", "{id:>5}", { id: 42 }, "   42", false],
  ["single_placeholder_with_conversion", "{id!r}", { id: "42" }, "'42'", true],
  ["single_placeholder_with_conversion_no_preserve", "{id!r}", { id: "42" }, "'42'", false],
  ["single_placeholder_with_leading_text", "prefix{id}", { id: 42 }, "prefix42", true],
  ["single_placeholder_with_leading_text_no_preserve", "prefix{id}", { id: 42 }, "prefix42", false],
  ["single_placeholder_with_trailing_text", "{id}suffix", { id: 42 }, "42suffix", true],
  ["single_placeholder_with_trailing_text_no_preserve", "{id}suffix", { id: 42 }, "42suffix", false],
  ["single_placeholder_none_value", "{id}", { id: null }, null, true],
  ["single_placeholder_none_value_no_preserve", "{id}", { id: null }, "None", false],
  ["single_placeholder_boolean_value", "{id}", { id: true }, true, true],
  ["single_placeholder_boolean_value_no_preserve", "{id}", { id: true }, "True", false],
  ["single_placeholder_float_value", "{id}", { id: 3.14 }, 3.14, true],
  ["single_placeholder_float_value_no_preserve", "{id}", { id: 3.14 }, "3.14", false],
  ["single_placeholder_list_value", "{id}", { id: [1, 2, 3] }, [1, 2, 3], true],
  ["single_placeholder_list_value_no_preserve", "{id}", { id: [1, 2, 3] }, "[1, 2, 3]", false],
  ["single_placeholder_dict_value", "{id}", { id: { key: "value" } }, { key: "value" }, true],
  ["single_placeholder_dict_value_no_preserve", "{id}", { id: { key: "value" } }, "{'key': 'value'}", false],
  ["single_placeholder_empty_string", "{id}", { id: "" }, "", true],
  ["single_placeholder_empty_string_no_preserve", "{id}", { id: "" }, "", false],
  ["single_placeholder_zero", "{id}", { id: 0 }, 0, true],
  ["single_placeholder_zero_no_preserve", "{id}", { id: 0 }, "0", false],
  ["single_placeholder_negative", "{id}", { id: -1 }, -1, true],
  ["single_placeholder_negative_no_preserve", "{id}", { id: -1 }, "-1", false],
  ["single_placeholder_scientific_notation", "{id}", { id: 1e10 }, 1e10, true],
  ["single_placeholder_scientific_notation_no_preserve", "{id}", { id: 1e10 }, "10000000000.0", false],
  [
    "single_placeholder_bytes",
    "{id}",
    { id: new TextEncoder().encode("bytes") },
    new TextEncoder().encode("bytes"),
    true,
  ],
  ["single_placeholder_bytes_no_preserve", "{id}", { id: new TextEncoder().encode("bytes") }, "b'bytes'", false],
];

describe("test_expand_placeholders", () => {
  for (const [id, obj, placeholders, expected, preserve] of EXPAND)
    dltCase(`${F}::test_expand_placeholders[${id}]`, () => {
      const filled = fillDeep(obj, new Map(Object.entries(placeholders)));
      expect(preserve || filled === null ? filled : String(filled)).toEqual(expected);
    });
});

describe("test_expand_placeholders_raises", () => {
  // dlt's KeyError for a placeholder without a value: restsync refuses such a template when the source is built.
  dltCase(`${F}::test_expand_placeholders_raises[missing_placeholder]`, () =>
    expectConfigError(
      { client: { base_url: "https://api.example.com" }, resources: [{ name: "x", endpoint: "posts/{id}" }] },
      "{id}",
    ),
  );
  dltCase(`${F}::test_expand_placeholders_raises[missing_placeholder_with_dots]`, () =>
    expectConfigError(
      {
        client: { base_url: "https://api.example.com" },
        resources: [{ name: "x", endpoint: "posts/{resources.posts.id}" }],
      },
      "posts",
    ),
  );
});

describe("test_find_expressions", () => {
  const graphql = `
                            query Entity {{
                                entity(id: "123") {{
                                    id
                                    name
                                }}
                            }}
                        `;
  const cases: [string, unknown, string[] | null, string[]][] = [
    ["string", "posts/{id}", null, ["id"]],
    ["string_with_dots", "posts/{resources.posts.id}", null, ["resources.posts.id"]],
    ["dict", { id: "{id}", name: "{name}", sort: "asc" }, null, ["id", "name"]],
    ["nested_json_body", { dict: { b: { c: "{id}" }, list: ["{id}", "{id2}"] } }, null, ["id", "id2"]],
    ["string_without_placeholders", "just a string", null, []],
    ["empty_string", "", null, []],
    ["string_with_prefixes", "blog/{r.blog.id}/{not_this}", ["r."], ["r.blog.id"]],
    ["string_with_escaped_braces0", "blog/{r.blog.id}/{{not_this}}", null, ["r.blog.id"]],
    ["string_with_escaped_braces1", "blog/{{not_this}}", null, []],
    ["string_nested_escaped_braces", "{{not_this}} {{ and {{not_that}} }}", null, []],
    ["string_with_escaped_braces_and_prefixes", "blog/{{r.not.this}}/{not_this}", ["r."], []],
    [
      "dict_with_escaped_braces",
      {
        dict: {
          a: { b: "{r.blog.id}" },
          c: "{{r.not.this}}",
          d: "{{r.not.this {{r.nor.this}}}}",
          graphql: { query: graphql },
        },
      },
      null,
      ["r.blog.id"],
    ],
  ];
  for (const [id, obj, prefixes, expected] of cases)
    dltCase(`${F}::test_find_expressions[${id}]`, () => {
      const found = new Set(placeholdersDeep(obj).filter((e) => !prefixes || prefixes.some((p) => e.startsWith(p))));
      expect(found).toEqual(new Set(expected));
    });
});

describe("test_expressions_to_resolved_params", () => {
  const cases: [string, string, string, string][] = [
    ["simple_expression", "resources.posts.id", "posts", "id"],
    ["expression_with_dots1", "resources.posts.blog.id", "posts", "blog.id"],
    ["expression_with_dots2", "resources.a.b.c.d", "a", "b.c.d"],
  ];
  for (const [id, expression, resource, field] of cases)
    dltCase(`${F}::test_expressions_to_resolved_params[${id}]`, () => {
      const child = sourceOf({
        client: { base_url: "https://api.example.com" },
        resources: [resource, { name: "child", endpoint: `items/{${expression}}` }],
      }).resources.find((r) => r.name === "child")!;
      expect(child.parent?.resources).toEqual([resource]);
      expect(child.parent?.fields.get(expression)).toBe(field);
    });
});

dltCase(`${F}::test_expressions_raise_error_for_invalid_format`, () =>
  expectConfigError(
    {
      client: { base_url: "https://api.example.com" },
      resources: ["name", { name: "child", endpoint: "items/{resources.name}" }],
    },
    "resources.name",
  ),
);

expectedEntriesExist(F);
