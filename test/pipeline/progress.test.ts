/** Progress: resume, save with pages, commit and clear on failure — the state a resource run keeps. */

import type { ResourceState } from "restsync";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/http/_redact";
import { Progress } from "../../src/pipeline/_progress";

const redactor = new Redactor(["Secret-Key-1"]);
const options = { cycle: "c1", replacing: false, feedsChildren: false, now: 0 };

describe("Progress", () => {
  it("resumes the progress of its own cycle only", () => {
    const state: ResourceState = {
      generation: 0,
      progress: { cycle: "c1", done: ["a"], positions: {}, observed: {}, cursors: { a: null } },
    };
    expect(new Progress(state, options).resumed).toBe(true);
    expect(new Progress(state, options).isDone("a")).toBe(true);
    expect(new Progress(state, { ...options, cycle: "c2" }).resumed).toBe(false);
    expect(new Progress(state, { ...options, cycle: "c2" }).isDone("a")).toBe(false);
  });

  it("saves where each context stands, with no credential in a saved URL, and puts the configured one back on resume", () => {
    const progress = new Progress({ generation: 0 }, options);
    progress.requesting("", {
      url: "https://api.example.com/items?page=2&api_key=Secret-Key-1",
      query: { token: "Secret-Key-1" },
    });
    const saved = progress.snapshot(redactor, "items", 1000);
    expect(JSON.stringify(saved)).not.toContain("Secret-Key-1");
    expect(saved.progress!.positions[""]).toEqual({
      url: "https://api.example.com/items?page=2",
      query: {},
      stripped: ["api_key", "token"],
    });
    const resumed = new Progress(saved, options);
    expect(resumed.position("", { url: "https://api.example.com/items", query: { token: "Secret-Key-1" } })).toEqual({
      url: "https://api.example.com/items?page=2",
      query: { token: "Secret-Key-1" },
    });
  });

  it("marks a context done with the page that ends its chain, so a resumed run does not read that page again", () => {
    const progress = new Progress({ generation: 0 }, options);
    progress.requesting("", { url: "https://api.example.com/items?page=3", query: {} });
    progress.fetched("", 5);
    progress.advance("", undefined, undefined);
    const saved = progress.snapshot(redactor, "items", 0);
    expect(saved.progress).toMatchObject({ done: [""], positions: {}, pages: {} });
  });

  it("counts a chain's pages across runs, and saves only when due", () => {
    const progress = new Progress({ generation: 0 }, { ...options, now: 1000 });
    progress.fetched("p", 0);
    progress.fetched("p", 0);
    expect(progress.pages("p")).toBe(2);
    expect(progress.due(2999, 2000)).toBe(false);
    expect(progress.due(3000, 2000)).toBe(true);
    expect(new Progress(progress.snapshot(redactor, "r", 3000), options).pages("p")).toBe(2);
    expect(progress.due(4000, 2000)).toBe(false);
  });

  it("continues an append table's positions from the last completed cycle; a replace starts a fresh table at 0", () => {
    expect(new Progress({ generation: 3, append_seq: 40 }, options).seq).toBe(40);
    const replace = new Progress({ generation: 3, append_seq: 40 }, { ...options, replacing: true });
    expect([replace.seq, replace.generation]).toEqual([0, 4]);
  });

  it("commits the cursors of finished contexts on completion; on failure keeps them only when asked, and clears progress", () => {
    const progress = new Progress(
      { generation: 0, progress: { cycle: "old", done: [], positions: {}, observed: {}, cursors: {} } },
      options,
    );
    progress.finish('["a"]', undefined);
    const cursorOf = { last_value: 5, boundary_keys: [] };
    (progress as unknown as { finish(c: string, f: unknown): void }).finish('["b"]', { nextState: () => cursorOf });
    expect(progress.completed({ incremental: true, append: false, maxParentCursors: 10, records: 3, at: "t" })).toEqual(
      {
        generation: 0,
        parent_cursors: { '["b"]': cursorOf },
        last_run: { status: "completed", finished_at: "t", records: 3 },
      },
    );
    expect(progress.failed({ keepCursors: true, incremental: true, maxParentCursors: 10 })).toEqual({
      generation: 0,
      parent_cursors: { '["b"]': cursorOf },
    });
    expect(progress.failed({ keepCursors: false, incremental: true, maxParentCursors: 10 })).toEqual({ generation: 0 });
  });
});
