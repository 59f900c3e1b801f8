/** judgeRecord: what becomes of one record, without a server or a store. */

import { type ResourceConfig, restApiSource } from "restsync";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { IncrementalFilter } from "../../src/pipeline/_incremental";
import { SchemaCheck } from "../../src/pipeline/_schema-check";
import { judgeRecord, type VerdictContext } from "../../src/pipeline/_verdict";

const resourceOf = (config: Partial<ResourceConfig> = {}) =>
  restApiSource({
    client: { base_url: "https://api.example.com" },
    resources: [{ name: "r", primary_key: "id", write_disposition: "merge", ...config }],
  }).resources[0]!;

function context(
  config: Partial<ResourceConfig> = {},
  options: { cursor?: string; include?: Record<string, unknown> } = {},
): VerdictContext {
  const resource = resourceOf(config);
  const filter = resource.incremental
    ? new IncrementalFilter(
        resource.incremental,
        options.cursor ? { last_value: options.cursor, boundary_keys: [] } : undefined,
      )
    : undefined;
  const warnings: string[] = [];
  return {
    resource,
    filter,
    schema: resource.schema ? new SchemaCheck(resource, (w) => warnings.push(w)) : undefined,
    include: options.include ?? {},
    urlOf: () => "https://api.example.com/r",
  };
}

/** The verdict of a record that yields one (every record, without a yield_map). */
const judgeOne = (record: Record<string, unknown>, c: VerdictContext) => {
  const verdicts = judgeRecord(record, c);
  expect(verdicts).toHaveLength(1);
  return verdicts[0];
};

const incremental = { endpoint: { incremental: { cursor_path: "updated_at" } } };

describe("judgeRecord", () => {
  it("puts a record newer than the cursor and leaves out one that is not", () => {
    const c = context(incremental, { cursor: "2024-01-02T00:00:00Z" });
    expect(judgeOne({ id: 1, updated_at: "2024-01-03T00:00:00Z" }, c)).toMatchObject({
      kind: "put",
      identity: "1",
      missingCursor: false,
    });
    expect(judgeOne({ id: 2, updated_at: "2024-01-01T00:00:00Z" }, c)).toMatchObject({
      kind: "unchanged",
      identity: "2",
    });
  });

  it("includes a record without a cursor value, flagged, unless told to exclude or raise", () => {
    expect(judgeOne({ id: 1 }, context(incremental))).toMatchObject({ kind: "put", missingCursor: true });
    const exclude = context({
      endpoint: { incremental: { cursor_path: "updated_at", on_cursor_value_missing: "exclude" } },
    });
    expect(judgeOne({ id: 1 }, exclude)).toMatchObject({ kind: "unchanged", missingCursor: true });
    const raise = context({
      endpoint: { incremental: { cursor_path: "updated_at", on_cursor_value_missing: "raise" } },
    });
    expect(() => judgeRecord({ id: 1 }, raise)).toThrow(
      /record 1 from https:\/\/api\.example\.com\/r has no cursor value at "updated_at"/,
    );
  });

  it("applies processing steps in order, a filter ending the record's way", () => {
    const c = context({
      processing_steps: [
        { map: (r) => ({ ...r, doubled: Number(r.id) * 2 }) },
        { filter: (r) => Number(r.doubled) > 2 },
      ],
    });
    expect(judgeOne({ id: 1 }, c)).toMatchObject({ kind: "filtered" });
    expect(judgeOne({ id: 2 }, c)).toMatchObject({ kind: "put", output: { id: 2, doubled: 4 } });
  });

  it("copies parent fields in before judging, and the schema's output is what is put", () => {
    const c = context(
      {
        include_from_parent: ["name"],
        schema: v.object({ id: v.number(), _p_name: v.string() }),
        on_invalid_record: "drop",
      },
      { include: { _p_name: "parent" } },
    );
    expect(judgeOne({ id: 1, extra: true }, c)).toMatchObject({
      kind: "put",
      record: { id: 1, extra: true, _p_name: "parent" },
      output: { id: 1, _p_name: "parent" },
    });
    expect(judgeOne({ id: "one" }, c)).toMatchObject({ kind: "invalid", issue: expect.stringMatching(/^id: /) });
  });

  it("refuses a record nested past the limit (fail), or drops it without feeding children (drop)", () => {
    let deep: Record<string, unknown> = { id: 1 };
    for (let i = 0; i < 1001; i++) deep = { id: 1, d: deep };
    expect(() => judgeRecord(deep, context())).toThrow(/nested deeper than 1000 levels/);
    expect(judgeOne(deep, context({ on_invalid_record: "drop" }))).toEqual({
      kind: "invalid",
      record: undefined,
      issue: "(record): nested deeper than 1000 levels",
      missingCursor: false,
    });
  });

  it("fails on a record without its primary key, naming the field", () => {
    expect(() => judgeRecord({ name: "x" }, context())).toThrow(/has no primary key "id"/);
  });
});
