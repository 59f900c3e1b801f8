import Database from "better-sqlite3";
import { sqliteAdapter } from "restsync/adapters/sqlite";
import { SCHEMA_LIMITS } from "restsync/schema";
import { describe, expect, it } from "vitest";
import { recordsApi, thingsPipeline } from "../_helpers/records-api";

/** Runs `records` through a pipeline into a fresh in-memory SQLite store; returns the database to query. */
async function synced(records: unknown[], body?: string) {
  const db = new Database(":memory:");
  const store = sqliteAdapter(db);
  const { pipeline, config } = thingsPipeline(
    store,
    recordsApi(() => records, body ? () => body : undefined),
  );
  const report = await pipeline.run(config);
  expect(report.status, JSON.stringify(report.resources.things?.error)).toBe("completed");
  const all = (sql: string) => db.prepare(sql).all() as Array<Record<string, unknown>>;
  const columns = (view: string) => all(`PRAGMA table_info("${view}")`).map((c) => c.name as string);
  return { db, pipeline, report, changes: report.resources.things!.schemaChanges ?? [], all, columns };
}

describe("SQLite views over inferred schemas", () => {
  it("names colliding fields apart, in order of appearance, and each column holds its own field", async () => {
    const { all, columns, changes } = await synced([{ id: 1, userName: "a", user_name: "b", "User Name": "c" }]);
    expect(columns("things")).toEqual(["_dlt_id", "id", "user_name", "user_name_2", "user_name_3"]);
    expect(all("SELECT user_name, user_name_2, user_name_3 FROM things")).toEqual([
      { user_name: "a", user_name_2: "b", user_name_3: "c" },
    ]);
    expect(changes.map((c) => c.column)).toEqual(["id", "user_name", "user_name_2", "user_name_3"]);
  });

  it("quotes SQL reserved words, quotes and odd characters in names and JSON paths", async () => {
    const record = {
      id: 1,
      select: 1,
      from: "x",
      order: true,
      group: { by: 2 },
      'we"ird': 3,
      "a.b": 4,
      "c\\d": 5,
      "[0]": 6,
      "it's": 7,
    };
    const { all, columns } = await synced([record]);
    expect(columns("things")).toEqual([
      "_dlt_id",
      "id",
      "select",
      "from",
      "order",
      "group__by",
      "we_ird",
      "a_b",
      "c_d",
      "_0x",
      "it_s",
    ]);
    expect(all(`SELECT "select", "from", "order", group__by, we_ird, a_b, c_d, _0x, it_s FROM things`)).toEqual([
      { select: 1, from: "x", order: 1, group__by: 2, we_ird: 3, a_b: 4, c_d: 5, _0x: 6, it_s: 7 },
    ]);
  });

  it("shortens long names within 64 characters; a name past the key limit gets no column but stays in the record", async () => {
    const long = "field_".repeat(40);
    const absurd = "x".repeat(SCHEMA_LIMITS.keyLength + 1);
    const record = { id: 1, [long]: "long", [absurd]: "absurd" };
    const { all, columns, changes, pipeline } = await synced([record]);
    const names = columns("things");
    expect(names).toHaveLength(3);
    expect(names[2]!.length).toBeLessThanOrEqual(64);
    expect(all(`SELECT "${names[2]}" AS v FROM things`)).toEqual([{ v: "long" }]);
    expect(changes).toContainEqual({
      kind: "limit",
      table: "things",
      detail: expect.stringMatching(/over 1000 characters/),
    });
    expect(await pipeline.get("things", 1)).toEqual(record);
  });

  it("stores a record with 5,000 fields whole; the view has the first 1,000 and the report says why", async () => {
    const record: Record<string, number> = { id: 1 };
    for (let i = 0; i < 5000; i++) record[`field_${i}`] = i;
    const { all, columns, changes, pipeline } = await synced([record]);
    expect(columns("things")).toHaveLength(SCHEMA_LIMITS.columns + 1);
    expect(all("SELECT field_998 FROM things")).toEqual([{ field_998: 998 }]);
    expect(changes).toContainEqual({ kind: "limit", table: "things", detail: expect.stringMatching(/1000 columns/) });
    expect(await pipeline.get("things", 1)).toEqual(record);
  });

  it("puts a value that switches type every record in exactly one column: its first, or a variant", async () => {
    const values = [1, "one", 2.5, true, "2024-05-01T10:00:00Z", "1152921504606846977", { x: 1 }, [1, 2], null, 3];
    const { all, columns, changes } = await synced(values.map((v, i) => ({ id: i, v })));
    expect(columns("things")).toEqual(["_dlt_id", "id", "v", "v__v_text", "v__v_double", "v__v_bool", "v__x"]);
    expect(changes.filter((c) => c.kind === "variant").map((c) => c.column)).toEqual([
      "v__v_text",
      "v__v_double",
      "v__v_bool",
    ]);
    const rows = all("SELECT id, v, v__v_text, v__v_double, v__v_bool, v__x FROM things ORDER BY id");
    const where = rows.map((row) => Object.entries(row).filter(([k, v]) => k !== "id" && v !== null));
    expect(where).toEqual([
      [["v", 1]],
      [["v__v_text", "one"]],
      [["v__v_double", 2.5]],
      [["v__v_bool", 1]],
      // A text column takes any string, timestamps included.
      [["v__v_text", "2024-05-01T10:00:00Z"]],
      // An integer past 2^53 arrives as its digits: a bigint, kept as text.
      [["v", "1152921504606846977"]],
      [["v__x", 1]],
      [], // a list: the child table's rows
      [],
      [["v", 3]],
    ]);
    expect(all("SELECT _dlt_parent_id, _dlt_list_idx, value FROM things__v")).toEqual([
      { _dlt_parent_id: "7", _dlt_list_idx: 0, value: 1 },
      { _dlt_parent_id: "7", _dlt_list_idx: 1, value: 2 },
    ]);
  });

  it("stores NaN-free JSON edge values — huge numbers, lone surrogates, deep nesting — and every view still reads", async () => {
    const body = `[{"id":1,"huge":1e308,"over":1e999,"big":123456789012345678901234567890,"neg":-0,"lone":"\\ud800x","\\udc00key":"k","deep":${"[".repeat(900)}1${"]".repeat(900)}}]`;
    const { all, pipeline, db } = await synced([], body);
    const stored = (await pipeline.get("things", 1))!;
    expect(stored).toMatchObject({
      huge: 1e308,
      big: "123456789012345678901234567890",
      lone: "\ud800x",
      "\udc00key": "k",
    });
    for (const { name } of all("SELECT name FROM sqlite_master WHERE type = 'view'"))
      expect(() => db.prepare(`SELECT * FROM "${name}"`).all(), String(name)).not.toThrow();
    expect(all("SELECT huge, big FROM things")).toEqual([{ huge: 1e308, big: "123456789012345678901234567890" }]);
    // A key with a lone surrogate still reaches its value (the text itself is kept exactly by the record).
    expect(all("SELECT _key FROM things")).toEqual([{ _key: "k" }]);
  });

  it("lists child tables with dlt's link columns, one level deeper per nested list", async () => {
    const { all } = await synced([
      { id: 1, labels: [{ name: "a", tags: ["x", "y"] }, "plain"] },
      { id: 2, labels: [] },
      { id: 3, labels: "not a list" },
    ]);
    expect(all("SELECT _dlt_id, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, name, value FROM things__labels")).toEqual(
      [
        { _dlt_id: "1/0", _dlt_root_id: "1", _dlt_parent_id: "1", _dlt_list_idx: 0, name: "a", value: null },
        { _dlt_id: "1/1", _dlt_root_id: "1", _dlt_parent_id: "1", _dlt_list_idx: 1, name: null, value: "plain" },
      ],
    );
    expect(all("SELECT _dlt_id, _dlt_parent_id, value FROM things__labels__tags")).toEqual([
      { _dlt_id: "1/0/0", _dlt_parent_id: "1/0", value: "x" },
      { _dlt_id: "1/0/1", _dlt_parent_id: "1/0", value: "y" },
    ]);
    expect(all("SELECT id, labels FROM things")).toEqual([
      { id: 1, labels: null },
      { id: 2, labels: null },
      { id: 3, labels: "not a list" },
    ]);
  });

  it("leaves a user's own table of a resource's name alone (no view, no failure)", async () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE things (mine TEXT); INSERT INTO things VALUES ('kept')");
    const { pipeline, config } = thingsPipeline(
      sqliteAdapter(db),
      recordsApi(() => [{ id: 1, labels: ["a"] }]),
    );
    expect((await pipeline.run(config)).status).toBe("completed");
    expect(db.prepare("SELECT * FROM things").all()).toEqual([{ mine: "kept" }]);
    expect(db.prepare("SELECT value FROM things__labels").all()).toEqual([{ value: "a" }]);
  });
});

describe("the views' SQL picks a mixed field's values as the inference does", () => {
  it("agrees with the core on which column each kind of value is in", async () => {
    // Every column type at one field: a timestamp first, then a variant per other kind.
    const starters = ["2024-01-01T00:00:00Z", 1, "x", 2.5, true];
    const probes = [
      0,
      -7,
      1e20,
      1e21,
      0.1,
      -2.5e-7,
      false,
      "",
      "plain",
      "2024-05-01",
      "2024-05-01 10:00:00+02",
      "2024-05-01T10:00:00.123456789Z",
      "Tue, 01 Jan 2030 00:00:00 GMT",
      "9007199254740991",
      "9007199254740992",
      "-9007199254740993",
      "00000000000000000001",
      "12345678901234567890123",
      "123abc",
      "Mon,",
    ];
    const records = [...starters, ...probes].map((v, i) => ({ id: i, v }));
    const { all, columns } = await synced(records);
    const valueColumns = columns("things").filter((c) => c === "v" || c.startsWith("v__"));
    expect(valueColumns).toEqual(["v", "v__v_bigint", "v__v_text", "v__v_double", "v__v_bool"]);
    const rows = all(`SELECT id, ${valueColumns.join(", ")} FROM things ORDER BY id`);
    const sqlChoice = rows.map((row) => valueColumns.filter((c) => row[c] !== null));
    const { Kind, kindOf, ACCEPTS, TYPE_OF } = await import("../../src/schema/_classify");
    const types = ["timestamp", "bigint", "text", "double", "bool"] as const;
    const jsChoice = records.map(({ v }) => {
      const kind = kindOf(v);
      const index = types.findIndex((t) => ACCEPTS[t] & (1 << kind));
      expect(TYPE_OF[kind], String(v)).toBeDefined();
      return kind === Kind.None || index < 0 ? [] : [valueColumns[index]];
    });
    expect(sqlChoice).toEqual(jsChoice);
  });
});
