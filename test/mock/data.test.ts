import { afterEach, describe, expect, it, vi } from "vitest";
import { createDataset } from "./data.js";
import { COLLECTION_NAMES, type CollectionName, type Dataset, SIZE_PRESETS } from "./dataset-types.js";
import { expectedRecords, seedRequestCount } from "./expected.js";
import { createRng } from "./random.js";
import { SEED_RESOURCE_NAMES } from "./seed-resources.js";

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_ENTITIES = new Set<CollectionName>(["groups", "members", "custom_fields", "story_history"]);

type Row = { id: unknown; updated_at?: string; created_at?: string; changed_at?: string };
const rows = (dataset: Dataset, name: CollectionName): Row[] => dataset[name] as unknown as Row[];

const small = createDataset({ size: "small" });
const full = createDataset();

describe("random", () => {
  it("is deterministic per seed and makes v4 UUIDs", () => {
    const a = createRng(42);
    const b = createRng(42);
    const seqA = Array.from({ length: 5 }, () => a.int(0, 1000));
    expect(Array.from({ length: 5 }, () => b.int(0, 1000))).toEqual(seqA);
    expect(createRng(43).int(0, 1_000_000)).not.toBe(createRng(42).int(0, 1_000_000));
    expect(a.uuid()).toMatch(UUID);
    expect(a.sample([1, 2, 3, 4], 2)).toHaveLength(2);
  });
});

describe("createDataset", () => {
  afterEach(() => vi.useRealTimers());

  it("is deterministic for a seed and independent of the wall clock", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2031-05-05T00:00:00Z"));
    const later = createDataset({ size: "small" });
    expect(later).toEqual(small);
    expect(createDataset({ size: "small", seed: 1 })).toEqual(small);
    expect(createDataset({ size: "small", seed: 2 }).epics).not.toEqual(small.epics);
  });

  it("has the default and small sizes, and accepts overrides", () => {
    for (const [dataset, preset] of [
      [full, SIZE_PRESETS.default],
      [small, SIZE_PRESETS.small],
    ] as const) {
      for (const name of [
        "categories",
        "milestones",
        "objectives",
        "epics",
        "stories",
        "groups",
        "iterations",
        "labels",
        "members",
        "workflows",
        "files",
        "custom_fields",
      ] as const) {
        expect(dataset[name], name).toHaveLength(preset[name]);
      }
    }
    expect(full.epics).toHaveLength(250);
    expect(full.stories).toHaveLength(2500);
    const custom = createDataset({ size: "small", sizes: { epics: 7, comments_per_epic: [2, 2] } });
    expect(custom.epics).toHaveLength(7);
    expect(custom.epic_comments).toHaveLength(14);
  });

  it("comment and history counts stay within their per-parent ranges", () => {
    const perParent = (list: { key: unknown }[]) => {
      const counts = new Map<unknown, number>();
      for (const { key } of list) counts.set(key, (counts.get(key) ?? 0) + 1);
      return Math.max(...counts.values());
    };
    expect(perParent(full.epic_comments.map((c) => ({ key: c.epic_id })))).toBeLessThanOrEqual(4);
    expect(perParent(full.story_comments.map((c) => ({ key: c.story_id })))).toBeLessThanOrEqual(3);
    expect(perParent(full.story_history.map((h) => ({ key: h.primary_id })))).toBeLessThanOrEqual(4);
    expect(new Set(full.story_history.map((h) => h.primary_id)).size).toBe(full.stories.length);
  });

  it("gives unique ids of realistic types", () => {
    for (const name of COLLECTION_NAMES) {
      const ids = rows(full, name).map((r) => r.id);
      expect(new Set(ids).size, name).toBe(ids.length);
      for (const id of ids) {
        if (UUID_ENTITIES.has(name)) expect(id, name).toMatch(UUID);
        else expect(typeof id, name).toBe("number");
      }
    }
  });

  it("stamps records from the logical clock (history has changed_at only)", () => {
    const clock = full.clock;
    expect(clock).toBe("2024-10-27T00:00:00Z");
    for (const name of COLLECTION_NAMES) {
      for (const row of rows(full, name)) {
        if (name === "story_history") {
          expect(row).not.toHaveProperty("updated_at");
          expect(row.changed_at).toMatch(ISO_UTC);
          continue;
        }
        expect(row.updated_at, name).toMatch(ISO_UTC);
        expect(row.created_at, name).toMatch(ISO_UTC);
        expect(row.created_at! <= row.updated_at!, name).toBe(true);
        expect(row.created_at! >= "2024-01-01T00:00:00Z" && row.updated_at! <= clock, name).toBe(true);
      }
    }
  });

  it("has deliberate updated_at ties (including at the maximum) and no id-ordered timestamps", () => {
    for (const name of COLLECTION_NAMES) {
      if (name === "story_history" || rows(full, name).length < 3) continue;
      const stamps = rows(full, name).map((r) => r.updated_at as string);
      expect(new Set(stamps).size, `${name} has ties`).toBeLessThan(stamps.length);
      const max = stamps.reduce((a, b) => (a > b ? a : b));
      expect(stamps.filter((s) => s === max).length, `${name} max is tied`).toBeGreaterThan(1);
      const sortedByTime = [...stamps].sort();
      expect(stamps, `${name} not in updated_at order`).not.toEqual(sortedByTime);
    }
  });

  it("links records: optional parents, multi-parent and orphan stories, empty parents", () => {
    const epicIds = new Set(full.epics.map((e) => e.id));
    const groupIds = new Set(full.groups.map((g) => g.id));
    const iterationIds = new Set(full.iterations.map((i) => i.id));
    for (const story of full.stories) {
      if (story.epic_id !== null) expect(epicIds.has(story.epic_id)).toBe(true);
      if (story.group_id !== null) expect(groupIds.has(story.group_id)).toBe(true);
      if (story.iteration_id !== null) expect(iterationIds.has(story.iteration_id)).toBe(true);
    }
    const parents = (s: Dataset["stories"][number]) =>
      [s.epic_id, s.group_id, s.iteration_id].filter((p) => p !== null).length;
    expect(full.stories.some((s) => parents(s) === 3)).toBe(true);
    expect(full.stories.some((s) => parents(s) === 0)).toBe(true);
    expect(full.stories.some((s) => s.epic_id === null && s.group_id !== null)).toBe(true);
    const usedEpics = new Set(full.stories.map((s) => s.epic_id));
    expect(full.epics.some((e) => !usedEpics.has(e.id))).toBe(true);
    expect(full.epics.some((e) => e.milestone_id === null)).toBe(true);
    expect(full.epics.some((e) => e.objective_ids.length > 1)).toBe(true);
    expect(full.milestones.some((m) => m.categories.length === 0)).toBe(true);
    expect(full.milestones.every((m) => m.categories.every((c) => full.categories.some((k) => k.id === c.id)))).toBe(
      true,
    );
    expect(full.members.some((m) => m.id === full.current_member_id)).toBe(true);
  });
});

describe("expected() and request counts (no HTTP)", () => {
  it("covers all 24 seed resources and excludes unreachable stories' children", () => {
    expect(SEED_RESOURCE_NAMES).toHaveLength(24);
    const orphanIds = new Set(
      full.stories.filter((s) => s.epic_id === null && s.group_id === null && s.iteration_id === null).map((s) => s.id),
    );
    const comments = expectedRecords(full, "stories_comments");
    expect(comments.some((c) => orphanIds.has(c["story_id"] as number))).toBe(false);
    const naive = full.story_comments.filter((c) => !orphanIds.has(c.story_id));
    expect(comments.map((c) => c["id"]).sort()).toEqual(naive.map((c) => c.id).sort());
    expect(expectedRecords(full, "member")).toHaveLength(1);
    expect(expectedRecords(full, "epic_workflow")).toHaveLength(1);
    const reachable = expectedRecords(full, "categories_milestones");
    expect(reachable.length).toBe(full.milestones.filter((m) => m.categories.length > 0).length);
  });

  it("returns deep copies", () => {
    const [first] = expectedRecords(small, "epics");
    first!["name"] = "changed";
    expect(small.epics[0]!.name).not.toBe("changed");
  });

  it("counts the requests of a full seed sync", () => {
    const count = seedRequestCount(full);
    const reachableStories = full.stories.filter(
      (s) => s.epic_id !== null || s.group_id !== null || s.iteration_id !== null,
    ).length;
    expect(count.byResource.search_epics).toBe(250);
    expect(count.byResource.stories_comments).toBe(reachableStories);
    expect(count.total).toBe(13 + 2 * 10 + 2 * 250 + 12 + 30 + 20 + 15 + 2 * reachableStories + 250);
    expect(count.total).toBe(5808);
  });
});
