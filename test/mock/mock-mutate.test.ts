import { afterEach, describe, expect, it } from "vitest";
import type { MockApi } from "./api-types.js";
import { createDataset } from "./data.js";
import { mutateDataset } from "./mutate.js";
import { referenceSync } from "./reference-client.js";
import { SEED_RESOURCE_NAMES } from "./seed-resources.js";
import { startMockApi } from "./server.js";
import { getData, type Json, maxUpdatedAt, sortById } from "./test-helpers.js";

const servers: MockApi[] = [];
async function start(): Promise<MockApi> {
  const api = await startMockApi({ datasetOptions: { size: "small" } });
  servers.push(api);
  return api;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((api) => api.close()));
});

const storyParentPath = (story: Json): string =>
  story["epic_id"] !== null
    ? `/v1/epics/${story["epic_id"]}/stories`
    : story["group_id"] !== null
      ? `/v1/groups/${story["group_id"]}/stories`
      : `/v1/iterations/${story["iteration_id"]}/stories`;

describe("mutate()", () => {
  it("updates, inserts and ties records, visible over HTTP", async () => {
    const api = await start();
    const clockBefore = api.dataset.clock;
    const labelsBefore = await getData(api, "/v1/labels");
    const labelCursor = maxUpdatedAt(labelsBefore);
    const storiesBefore = new Map(api.expected("epics_stories").map((s) => [s["id"], s]));

    const result = api.mutate();
    expect(result.updated).toHaveLength(5);
    expect(new Set(result.updated.map((u) => u.entity)).size).toBeGreaterThanOrEqual(4);
    expect(result.inserted).toHaveLength(3);
    expect(api.dataset.clock > clockBefore).toBe(true);
    expect(result.clock).toBe(api.dataset.clock);

    // The classic boundary tie: a new label stamped with the previous max updated_at.
    expect(result.tied).toMatchObject({ entity: "labels", updated_at: labelCursor });
    const labelsAfter = await getData(api, "/v1/labels");
    const tiedLabel = labelsAfter.find((l) => l["id"] === result.tied!.id)!;
    expect(tiedLabel["updated_at"]).toBe(labelCursor);
    expect(labelsAfter.filter((l) => String(l["updated_at"]) > labelCursor).map((l) => l["id"])).not.toContain(
      tiedLabel["id"],
    );
    expect(labelsAfter.filter((l) => String(l["updated_at"]) >= labelCursor).map((l) => l["id"])).toContain(
      tiedLabel["id"],
    );

    // A child changed while its parent's updated_at did not.
    const [first] = result.updated;
    expect(first!.entity).toBe("story_comments");
    const comment = api.dataset.story_comments.find((c) => c.id === first!.id)!;
    const served = await getData(api, `/v1/stories/${comment.story_id}/comments`);
    const servedComment = served.find((c) => c["id"] === comment.id)!;
    expect(String(servedComment["updated_at"]) > clockBefore).toBe(true);
    expect(servedComment["text"]).toContain("(edited)");
    const parentBefore =
      storiesBefore.get(comment.story_id) ??
      api
        .expected("groups_stories")
        .concat(api.expected("iterations_stories"))
        .find((s) => s["id"] === comment.story_id)!;
    const parentNow = (await getData(api, storyParentPath(parentBefore))).find((s) => s["id"] === comment.story_id)!;
    expect(parentNow["updated_at"]).toBe(parentBefore["updated_at"]);

    // Updated records carry the new clock time.
    const epicRef = result.updated.find((u) => u.entity === "epics")!;
    const epic = (await getData(api, "/v1/epics")).find((e) => e["id"] === epicRef.id)!;
    const epicUpdatedAt = String(epic["updated_at"]);
    expect(epicUpdatedAt > clockBefore && epicUpdatedAt <= api.dataset.clock).toBe(true);

    // An updated story gets a history entry at its new updated_at.
    const storyRef = result.updated.find((u) => u.entity === "stories")!;
    const story = api.dataset.stories.find((s) => s.id === storyRef.id)!;
    const history = await getData(api, `/v1/stories/${story.id}/history`);
    expect(history.some((h) => h["changed_at"] === story.updated_at)).toBe(true);
    expect(result.history.length).toBeGreaterThanOrEqual(2); // updated story + inserted story

    // An inserted story is reachable through its epic, with a "create" history entry.
    const newStoryRef = result.inserted.find((i) => i.entity === "stories")!;
    const newStory = api.dataset.stories.find((s) => s.id === newStoryRef.id)!;
    const epicStories = await getData(api, `/v1/epics/${newStory.epic_id}/stories`);
    expect(epicStories.map((s) => s["id"])).toContain(newStory.id);
    expect(newStory.created_at > clockBefore).toBe(true);
    expect(await getData(api, `/v1/stories/${newStory.id}/history`)).toHaveLength(1);
  });

  it("keeps the HTTP answers equal to expected() after several mutations", async () => {
    const api = await start();
    for (let i = 0; i < 3; i++) api.mutate({ updates: 8, inserts: 6 });
    const { records } = await referenceSync({ url: api.url, apiKey: api.apiKey });
    for (const name of SEED_RESOURCE_NAMES) expect(sortById(records[name]), name).toEqual(sortById(api.expected(name)));
  });

  it("rotates the tie across entities, each at that resource's previous maximum", async () => {
    const api = await start();
    const resources = {
      labels: "labels",
      epic_comments: "epics_comments",
      story_comments: "stories_comments",
    } as const;
    for (const entity of ["labels", "epic_comments", "story_comments"] as const) {
      const boundary = maxUpdatedAt(api.expected(resources[entity]));
      const { tied } = api.mutate({ updates: 2, inserts: 1 });
      expect(tied).toMatchObject({ entity, updated_at: boundary });
      expect(api.expected(resources[entity]).some((r) => r["id"] === tied!.id && r["updated_at"] === boundary)).toBe(
        true,
      );
    }
    expect(api.mutate({ tie: false }).tied).toBeNull();
    expect(api.mutate({ tieEntity: "epics" }).tied?.entity).toBe("epics");
  });

  it("is deterministic and only advances the clock when asked for nothing", () => {
    const a = createDataset({ size: "small" });
    const b = createDataset({ size: "small" });
    expect(mutateDataset(a)).toEqual(mutateDataset(b));
    expect(mutateDataset(a, { updates: 7, inserts: 4 })).toEqual(mutateDataset(b, { updates: 7, inserts: 4 }));
    expect(a).toEqual(b);
    const c = createDataset({ size: "small" });
    const before = structuredClone(c);
    const result = mutateDataset(c, { updates: 0, inserts: 0, tie: false });
    expect(result).toMatchObject({ updated: [], inserted: [], tied: null, history: [] });
    expect(c.clock > before.clock).toBe(true);
    expect({ ...c, clock: before.clock, mutations: 0 }).toEqual(before);
  });
});
