/**
 * The cursors a resource commits once it completes its cycle: one per parent for
 * an incremental child, and past maxParentCursors one shared cursor at the
 * LOWEST of them — a higher one would hide the changes of the parents below it.
 */

import type { ResourceState } from "restsync";
import { describe, expect, it } from "vitest";
import { commitCursors } from "../src/pipeline/_cursors";

const at = (last_value: string | number, boundary_keys: string[] = []) => ({ last_value, boundary_keys });

describe("commitCursors", () => {
  it("keeps one cursor per parent, and parents not visited keep theirs", () => {
    const state: ResourceState = { generation: 0, parent_cursors: { '["a"]': at(5), '["z"]': at(1) } };
    const next = commitCursors(state, { '["a"]': at(7), '["b"]': at(3), '["c"]': null }, true, 10);
    expect(next.parent_cursors).toEqual({ '["a"]': at(7), '["b"]': at(3), '["z"]': at(1) });
  });

  it("falls back to the lowest cursor of all parents past maxParentCursors, merging the keys tied at it", () => {
    const state: ResourceState = { generation: 0, parent_cursors: { '["old"]': at("2024-03-01T00:00:00Z", ["k1"]) } };
    const next = commitCursors(
      state,
      {
        '["a"]': at("2024-05-01T00:00:00Z", ["x"]),
        '["b"]': at("2024-03-01T00:00:00Z", ["k2"]),
        '["c"]': at("2024-04-01T00:00:00Z"),
      },
      true,
      2,
    );
    expect(next.parent_cursors).toBeUndefined();
    expect(next.cursor?.last_value).toBe("2024-03-01T00:00:00Z");
    expect(new Set(next.cursor?.boundary_keys)).toEqual(new Set(["k1", "k2"]));
  });

  it("lets an earlier shared cursor lower the fallback when it is the lowest", () => {
    const state: ResourceState = { generation: 0, cursor: at(2, ["s"]) };
    const next = commitCursors(state, { '["a"]': at(9), '["b"]': at(4) }, true, 1);
    expect(next.cursor).toEqual(at(2, ["s"]));
  });

  it("leaves a top-level resource's cursor to its single context", () => {
    expect(commitCursors({ generation: 0, cursor: at(1) }, { "": at(8) }, true, 1).cursor).toEqual(at(8));
    expect(commitCursors({ generation: 0, cursor: at(1) }, { "": null }, true, 1).cursor).toEqual(at(1));
  });
});
