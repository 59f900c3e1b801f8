import type { StoreBatch } from "restsync";
import { SCHEMA_LIMITS } from "restsync/schema";
import { describe, expect, it } from "vitest";
import { SchemaInference } from "../../src/schema/_infer";
import { snakeCase } from "../../src/schema/_names";

const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-02T00:00:00.000Z";

function infer(pages: Array<Array<Record<string, unknown>>>, resource = "epics") {
  const inference = new SchemaInference(resource, undefined, T0);
  for (const page of pages) inference.observe(page);
  return inference;
}
const columns = (inference: SchemaInference, table = 0) =>
  Object.fromEntries(inference.snapshot().tables[table]!.columns.map((c) => [c.name, c.type]));

describe("dlt's snake_case names", () => {
  it("normalises like dlt", () => {
    expect(snakeCase("userName")).toBe("user_name");
    expect(snakeCase("HTTPResponseCode")).toBe("http_response_code");
    expect(snakeCase("2fa enabled")).toBe("_2fa_enabled");
    expect(snakeCase("a+b-c@d|e*f")).toBe("axb_cadlexf");
    expect(snakeCase("trailing__")).toBe("trailingxx");
    expect(snakeCase("x__y")).toBe("x_y");
    expect(snakeCase("  ")).toBe("_empty");
    expect(snakeCase("Ümlaut Größe")).toBe("_mlaut_gr_e");
  });
});

describe("schema inference", () => {
  it("infers types, flattens objects with __, and makes nested lists child tables", () => {
    const inference = infer([
      [
        {
          id: 1,
          name: "a",
          ratio: 0.5,
          done: true,
          updated_at: "2024-05-01T10:00:00Z",
          big: "1152921504606846977",
          owner: { firstName: "x", address: { zip: "0101" } },
          labels: [{ name: "l1", color: 3 }],
          tags: ["t1", "t2"],
        },
      ],
    ]);
    const schema = inference.snapshot();
    expect(columns(inference)).toEqual({
      id: "bigint",
      name: "text",
      ratio: "double",
      done: "bool",
      updated_at: "timestamp",
      big: "bigint",
      owner__first_name: "text",
      owner__address__zip: "text",
      // The lists are child tables, not columns.
    });
    expect(schema.tables.map((t) => [t.name, t.parent, t.path])).toEqual([
      ["epics", undefined, []],
      ["epics__labels", "epics", [["labels"]]],
      ["epics__tags", "epics", [["tags"]]],
    ]);
    expect(columns(inference, 1)).toEqual({ name: "text", color: "bigint" });
    expect(columns(inference, 2)).toEqual({ value: "text" });
    expect(schema.tables[0]!.columns.find((c) => c.name === "owner__address__zip")!.path).toEqual([
      "owner",
      "address",
      "zip",
    ]);
    expect(inference.changes.map((c) => `${c.kind}:${c.table}.${c.column ?? ""}`)).toContain("table:epics__labels.");
  });

  it("adds a column for a new field, nullable, with the run that first saw it", () => {
    const first = infer([[{ id: 1 }, { id: 2 }]]);
    expect(first.snapshot().tables[0]!.columns).toEqual([
      { name: "id", path: ["id"], type: "bigint", nullable: false, since: T0 },
    ]);
    const second = new SchemaInference("epics", first.snapshot(), T1);
    expect(second.observe([{ id: 3, title: "t" }])).toBe(true);
    expect(second.snapshot().tables[0]!.columns[1]).toEqual({
      name: "title",
      path: ["title"],
      type: "text",
      nullable: true,
      since: T1,
    });
    expect(second.changes).toEqual([{ kind: "column", table: "epics", column: "title", type: "text" }]);
    // Nothing new: no change, nothing to save.
    expect(second.observe([{ id: 4, title: "u" }])).toBe(false);
  });

  it("marks a column nullable when a record lacks it or holds null", () => {
    const inference = infer([
      [
        { id: 1, a: "x", b: "y" },
        { id: 2, a: null },
      ],
    ]);
    const byName = Object.fromEntries(inference.snapshot().tables[0]!.columns.map((c) => [c.name, c.nullable]));
    expect(byName).toEqual({ id: false, a: true, b: true });
  });

  it("gives a value of another type a variant column field__v_<type>, and marks the field mixed", () => {
    const inference = infer([[{ points: 3 }, { points: "three" }, { points: 2.5 }, { points: 4 }]]);
    const cols = inference.snapshot().tables[0]!.columns;
    expect(cols.map((c) => [c.name, c.type, c.variant ?? false, c.mixed ?? false])).toEqual([
      ["points", "bigint", false, true],
      ["points__v_text", "text", true, true],
      ["points__v_double", "double", true, true],
    ]);
    expect(inference.changes.filter((c) => c.kind === "variant").map((c) => c.column)).toEqual([
      "points__v_text",
      "points__v_double",
    ]);
  });

  it("takes integers in a double column and any string in a text column (no variant)", () => {
    const inference = infer([[{ x: 1.5, s: "plain" }, { x: 2, s: "2024-01-01" }, { s: "1152921504606846977" }]]);
    expect(columns(inference)).toEqual({ x: "double", s: "text" });
  });

  it("resolves names that collide after normalisation deterministically, in order of appearance", () => {
    const inference = infer([[{ userName: "a", user_name: "b", "user-name": "c", user_name_2: "d" }]]);
    const cols = inference.snapshot().tables[0]!.columns;
    expect(cols.map((c) => [c.path[0], c.name])).toEqual([
      ["userName", "user_name"],
      ["user_name", "user_name_2"],
      ["user-name", "user_name_3"],
      ["user_name_2", "user_name_2_2"],
    ]);
    // A later run keeps who has which name, whatever order its records come in.
    const again = new SchemaInference("epics", inference.snapshot(), T1);
    expect(again.observe([{ user_name_2: "d", "user-name": "c", user_name: "b", userName: "a" }])).toBe(false);
  });

  it("never gives a field a name the views use for their own columns", () => {
    const inference = infer([[{ _dlt_id: "x", items: [{ _dlt_parent_id: 1, _dlt_list_idx: 2 }] }]]);
    expect(Object.keys(columns(inference))).toEqual(["_dlt_id_2"]);
    expect(Object.keys(columns(inference, 1))).toEqual(["_dlt_parent_id_2", "_dlt_list_idx_2"]);
  });

  it("shortens names past 64 characters with a hash tag, distinct for distinct paths", () => {
    const long = "a_very_long_field_name_that_goes_on_and_on_".repeat(4);
    const inference = infer([[{ [`${long}1`]: 1, [`${long}2`]: 2 }]]);
    const names = Object.keys(columns(inference));
    expect(names).toHaveLength(2);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    expect(names[0]).not.toBe(names[1]);
  });

  it("stops at the column limit, says so once, and keeps inferring the other tables", () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i]));
    const inference = infer([[wide, { ...wide, list: [1] }]]);
    const schema = inference.snapshot();
    expect(schema.tables[0]!.columns).toHaveLength(SCHEMA_LIMITS.columns);
    expect(schema.tables[0]!.overflow).toBe(true);
    expect(schema.tables[1]!.name).toBe("epics__list");
    expect(inference.changes.filter((c) => c.kind === "limit").map((c) => c.detail)).toEqual([
      "more schema changes than a report lists",
      "the table has 1000 columns: further fields have none",
    ]);
  });

  it("keeps lists nested past the list depth as json, and lists of lists as json values", () => {
    const inference = infer([[{ a: [{ b: [{ c: [{ d: [{ e: [{ f: 1 }] }] }] }] }], m: [[1, 2]] }]]);
    const names = inference.snapshot().tables.map((t) => t.name);
    expect(names).toEqual(
      ["epics", "epics__a", "epics__m", "epics__a__b", "epics__a__b__c", "epics__a__b__c__d"].sort(
        (x, y) => names.indexOf(x) - names.indexOf(y),
      ),
    );
    const deepest = inference.snapshot().tables.find((t) => t.name === "epics__a__b__c__d")!;
    expect(deepest.columns.map((c) => [c.name, c.type])).toEqual([["e", "json"]]);
    const m = inference.snapshot().tables.find((t) => t.name === "epics__m")!;
    expect(m.columns.map((c) => [c.name, c.type])).toEqual([["value", "json"]]);
  });

  it("ignores NaN, Infinity and null values (JSON stores them as null) and survives lone surrogates", () => {
    const inference = infer([[{ n: Number.NaN, i: Number.POSITIVE_INFINITY, s: "\ud800", "\udc00key": 1 }]]);
    expect(columns(inference)).toEqual({ s: "text", _key: "bigint" });
  });
});

describe("schema inference in a pipeline", () => {
  it("with schema: inferSchemas, any store reports the changes and keeps the schema in the batch of its records", async () => {
    const { memoryAdapter } = await import("restsync/adapters/memory");
    const { inferSchemas } = await import("restsync/schema");
    const { createPipeline } = await import("restsync");
    const { recordsApi, thingsPipeline } = await import("../_helpers/records-api");
    const inner = memoryAdapter();
    const batches: StoreBatch[] = [];
    const store = { ...inner, write: (batch: StoreBatch) => (batches.push(batch), inner.write(batch)) };
    const fetch = recordsApi(() => [{ id: 1, tags: ["a"] }]);
    const { config } = thingsPipeline(store, fetch);
    const pipeline = createPipeline({ name: "t", store, fetch, schema: inferSchemas });
    const report = await pipeline.run(config);
    expect(report.resources.things!.schemaChanges).toEqual([
      { kind: "column", table: "things", column: "id", type: "bigint" },
      { kind: "table", table: "things__tags" },
      { kind: "column", table: "things__tags", column: "value", type: "text" },
    ]);
    const withSchema = batches.filter((b) => b.state?.some((s) => s.key.includes("//schema/")));
    expect(withSchema).toHaveLength(1);
    expect(withSchema[0]!.puts?.map((p) => p.record)).toEqual([{ id: 1, tags: ["a"] }]);
    expect((await pipeline.schema("things"))!.tables.map((t) => t.name)).toEqual(["things", "things__tags"]);

    // Without it (and a store that does not ask for it), nothing is inferred.
    const plain = createPipeline({ name: "p", store: memoryAdapter(), fetch });
    const plainReport = await plain.run(config);
    expect(plainReport.resources.things!.schemaChanges).toBeUndefined();
    expect(await plain.schema("things")).toBeUndefined();
  });
});
