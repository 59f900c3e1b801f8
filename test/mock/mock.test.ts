import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MockApi } from "./api-types.js";
import { createDataset } from "./data.js";
import { seedRequestCount } from "./expected.js";
import { referenceSync } from "./reference-client.js";
import { SEED_RESOURCE_NAMES } from "./seed-resources.js";
import { startMockApi } from "./server.js";
import { get, getData, type Json, sortById } from "./test-helpers.js";

describe("seed endpoints over HTTP", () => {
  let api: MockApi;
  beforeAll(async () => {
    api = await startMockApi({ datasetOptions: { size: "small" } });
  });
  afterAll(() => api.close());
  beforeEach(() => api.clearLog());

  it("a full seed sync collects exactly expected() for all 24 resources, in seedRequestCount requests", async () => {
    const { records, requests } = await referenceSync({ url: api.url, apiKey: api.apiKey, concurrency: 6 });
    for (const name of SEED_RESOURCE_NAMES) {
      expect(sortById(records[name]), name).toEqual(sortById(api.expected(name)));
      expect(records[name].length, name).toBeGreaterThan(0);
    }
    expect(requests).toBe(seedRequestCount(api.dataset).total);
    expect(api.stats()).toMatchObject({ requests, byStatus: { 200: requests } });
    expect(api.stats().maxConcurrent).toBeLessThanOrEqual(6);
  });

  it("wraps lists and the two singletons under data, with JSON, Date and CORS headers", async () => {
    const res = await get(api, "/v1/epics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Number.isNaN(Date.parse(res.headers.get("date") ?? ""))).toBe(false);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")).toBe("link, retry-after, date, x-next-cursor");
    const body = (await res.json()) as { data: Json[] };
    expect(body.data).toHaveLength(api.dataset.epics.length);

    const member = await getData<Json>(api, "/v1/member");
    expect(Array.isArray(member)).toBe(false);
    expect(member["id"]).toBe(api.dataset.current_member_id);
    const workflow = await getData<Json>(api, "/v1/epic-workflow");
    expect(workflow["entity_type"]).toBe("epic-workflow");
    expect(Array.isArray(workflow["epic_states"])).toBe(true);
  });

  it("serves child endpoints from the relationships", async () => {
    const story = api.dataset.stories[0]!;
    const epicStories = await getData(api, `/v1/epics/${story.epic_id}/stories`);
    expect(epicStories.map((s) => s["id"])).toContain(story.id);
    expect(epicStories.every((s) => s["epic_id"] === story.epic_id)).toBe(true);
    const groupStories = await getData(api, `/v1/groups/${story.group_id}/stories`);
    expect(groupStories.map((s) => s["id"])).toContain(story.id);
    const history = await getData(api, `/v1/stories/${story.id}/history`);
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((h) => h["primary_id"] === story.id && !("updated_at" in h))).toBe(true);
    const category = api.dataset.categories[0]!;
    const milestones = await getData<{ categories: { id: number }[] }[]>(
      api,
      `/v1/categories/${category.id}/milestones`,
    );
    expect(milestones.every((m) => m.categories.some((c) => c.id === category.id))).toBe(true);
    const emptyEpic = api.dataset.epics[api.dataset.epics.length - 1]!;
    expect(await getData(api, `/v1/epics/${emptyEpic.id}/stories`)).toEqual([]);
  });

  it("answers unknown parents and unknown paths with 404", async () => {
    for (const path of [
      "/v1/epics/999999/comments",
      "/v1/categories/1/milestones",
      "/v1/stories/abc/history",
      "/v1/groups/00000000-0000-4000-8000-000000000000/stories",
      "/v1/nope",
      "/v1",
      "/v1/epics/",
    ]) {
      const res = await get(api, path);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: "not found" });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
    }
    expect((await get(api, "/elsewhere", {})).status).toBe(404);
    const post = await fetch(`${api.url}/v1/epics`, { method: "POST", headers: { api_key: api.apiKey } });
    expect(post.status).toBe(405);
  });

  it("requires the api_key header on /v1", async () => {
    const attempts: Record<string, string>[] = [{}, { api_key: "wrong" }, { authorization: `Bearer ${api.apiKey}` }];
    for (const headers of attempts) {
      const res = await get(api, "/v1/epics", headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "unauthorized" });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("date")).toBeTruthy();
    }
    api.setOptions({ apiKey: "rotated" });
    try {
      expect(api.apiKey).toBe("rotated");
      expect((await get(api, "/v1/epics", { api_key: "test-key" })).status).toBe(401);
      expect((await get(api, "/v1/epics", { api_key: "rotated" })).status).toBe(200);
    } finally {
      api.setOptions({ apiKey: "test-key" });
    }
  });

  it("answers CORS preflights without auth", async () => {
    const res = await fetch(`${api.url}/v1/epics`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "GET",
        "access-control-request-headers": "api_key",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["*", "api_key", "authorization", "content-type"]));
    expect(res.headers.get("access-control-expose-headers")).toContain("retry-after");
    expect(res.headers.get("date")).toBeTruthy();
  });
});

describe("URL-decoded path segments", () => {
  it("finds parents whose ids need encoding", async () => {
    const dataset = createDataset({ size: "small" });
    const [spaced, slashed, plain] = dataset.groups;
    for (const story of dataset.stories) {
      if (story.group_id === spaced!.id) story.group_id = "a b";
      else if (story.group_id === slashed!.id) story.group_id = "x/y";
    }
    spaced!.id = "a b";
    slashed!.id = "x/y";
    const api = await startMockApi({ dataset });
    try {
      const spacedStories = await getData(api, "/v1/groups/a%20b/stories");
      expect(spacedStories.length).toBeGreaterThan(0);
      expect(spacedStories.every((s) => s["group_id"] === "a b")).toBe(true);
      expect(await getData(api, "/v1/groups/x%2Fy/stories")).toEqual(
        dataset.stories.filter((s) => s.group_id === "x/y"),
      );
      expect((await get(api, `/v1/groups/${plain!.id}/stories`)).status).toBe(200);
      expect((await get(api, "/v1/groups/%E0%A4%A/stories")).status).toBe(400);
      expect(api.requests[0]!.path).toBe("/v1/groups/a b/stories");
    } finally {
      await api.close();
    }
  });
});

describe("/v1/search/epics cursor pagination", () => {
  let api: MockApi;
  beforeAll(async () => {
    api = await startMockApi({ datasetOptions: { size: "small", sizes: { epics: 60 } } });
  });
  afterAll(() => api.close());

  type Page = { data: Json[]; response: { next: string | null } };
  const page = async (query: string): Promise<Page> => {
    const res = await get(api, `/v1/search/epics${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  it("defaults to 25 per page and walks all epics in id order at limit 1", async () => {
    const first = await page("");
    expect(first.data).toHaveLength(25);
    expect(typeof first.response.next).toBe("string");
    const ids: unknown[] = [];
    let next: string | null = null;
    let requests = 0;
    do {
      const current: Page = await page(`?limit=1${next ? `&next=${encodeURIComponent(next)}` : ""}`);
      requests++;
      expect(current.data.length).toBeLessThanOrEqual(1);
      ids.push(...current.data.map((e) => e["id"]));
      next = current.response.next;
    } while (next);
    expect(requests).toBe(60);
    expect(ids).toEqual(api.dataset.epics.map((e) => e.id).sort((a, b) => a - b));
    const all = await page("?limit=250");
    expect(all.data).toHaveLength(60);
    expect(all.response.next).toBeNull();
  });

  it("rejects bad limits and unknown or garbled tokens with 400", async () => {
    for (const query of [
      "?limit=0",
      "?limit=251",
      "?limit=abc",
      "?limit=2.5",
      "?next=garbage",
      "?next=eyJhZnRlciI6MTAwMX0.AAAAAAAAAAAAAAAA",
    ]) {
      const res = await get(api, `/v1/search/epics${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as Json)["error"]).toEqual(expect.any(String));
    }
    const { response } = await page("?limit=2");
    const tampered = `${response.next!.slice(0, 3)}${response.next![3] === "A" ? "B" : "A"}${response.next!.slice(4)}`;
    expect((await get(api, `/v1/search/epics?next=${encodeURIComponent(tampered)}`)).status).toBe(400);
  });

  it("keeps a stable order while epics are inserted mid-walk", async () => {
    const before = api.dataset.epics.map((e) => e.id);
    const first = await page("?limit=10");
    api.mutate({ updates: 2, inserts: 2, tie: false });
    const seen = first.data.map((e) => e["id"]);
    let next = first.response.next;
    while (next) {
      const current = await page(`?limit=10&next=${encodeURIComponent(next)}`);
      seen.push(...current.data.map((e) => e["id"]));
      next = current.response.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(before));
    expect(seen).toHaveLength(api.dataset.epics.length);
  });
});

describe("throughput", () => {
  it("serves a full seed sync of the default dataset at concurrency 6", async () => {
    const api = await startMockApi();
    try {
      const started = performance.now();
      const { records, requests } = await referenceSync({ url: api.url, apiKey: api.apiKey, concurrency: 6 });
      const elapsed = performance.now() - started;
      expect(requests).toBe(seedRequestCount(api.dataset).total);
      expect(requests).toBe(5808);
      expect(records.stories_comments.length).toBe(api.expected("stories_comments").length);
      expect(elapsed).toBeLessThan(20_000);
    } finally {
      await api.close();
    }
  });
});
