import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Miniflare } from "miniflare";
import { parse } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_REQUESTS } from "../../examples/worker/src/d1";
import { type MockApi, SEED_RESOURCE_NAMES, startMockApi } from "../mock/index";
import { totalD1Calls } from "../workers/_d1-calls";
import { bundleWorker, startWorker } from "../workers/_miniflare";
import type { LastD1Calls } from "./_d1-counted";
import { exampleImports } from "./_standalone";

interface WranglerToml {
  main: string;
  triggers: { crons: string[] };
  d1_databases: Array<{ binding: string; database_name: string }>;
  vars: Record<string, string>;
}
type Row = Record<string, unknown>;

const root = fileURLToPath(new URL("../..", import.meta.url));
const folder = path.join(root, "examples/worker");
const wrangler = parse(readFileSync(path.join(folder, "wrangler.d1.toml"), "utf8")) as unknown as WranglerToml;
const main = path.join(folder, wrangler.main);
/** D1 queries per Worker invocation: the free plan's and the paid plan's. */
const FREE_D1_QUERIES = 50;

let mock: MockApi;
let mf: Miniflare;

/**
 * The Worker that `wrangler dev -c wrangler.d1.toml` runs (its `main`, bundled as wrangler
 * would), with its D1 binding counted per invocation (test/examples/_d1-counted.ts).
 */
function bundleCounted(): Promise<string> {
  return bundleWorker({
    contents: `import example from ${JSON.stringify(main)};
import { countedWorker } from ${JSON.stringify(path.join(root, "test/examples/_d1-counted.ts"))};
export default countedWorker(example);`,
  });
}

const get = async (url: string) => {
  const response = await mf.dispatchFetch(`http://worker${url}`);
  return { status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as Row };
};
const calls = async () => (await get("/__d1-calls")).body as unknown as LastD1Calls;
const pick = (record: Row, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, record[k] ?? null]));
const EPIC_COLUMNS = ["id", "name", "state", "created_at", "updated_at"] as const;
const STORY_COLUMNS = ["id", "name", "story_type", "estimate", "created_at", "updated_at"] as const;

/** What GET /epics/:id/stories must answer, from the mock's data: the epic's stories, latest created_at first. */
function expectedStories(epicId: unknown): Row[] {
  return mock
    .expected("epics_stories")
    .filter((story) => story.epic_id === epicId)
    .sort((a, b) => Date.parse(String(b.created_at)) - Date.parse(String(a.created_at)) || Number(b.id) - Number(a.id))
    .map((story) => pick(story, STORY_COLUMNS));
}

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
  expect(wrangler.d1_databases.map((db) => db.binding)).toEqual(["DB"]);
  mf = startWorker(await bundleCounted(), { ...wrangler.vars, API_BASE_URL: mock.url, API_KEY: mock.apiKey });
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await mock?.close();
});

// The tests run in order on one Worker and one database: before any tick, the sync, then what it left.
describe("examples/worker, D1 variant (wrangler.d1.toml)", () => {
  /** Ticks the cron until the sync cycle completes; returns the D1 calls of each tick. */
  const tickUntilComplete = async () => {
    const worker = (await mf.getWorker()) as unknown as {
      scheduled(options: { cron: string }): Promise<{ outcome: string }>;
    };
    const perTick: number[] = [];
    for (;;) {
      mock.clearLog();
      expect((await worker.scheduled({ cron: wrangler.triggers.crons[0]! })).outcome).toBe("ok");
      expect(mock.requests.length).toBeLessThanOrEqual(Number(wrangler.vars.MAX_REQUESTS ?? MAX_REQUESTS));
      perTick.push(totalD1Calls((await calls()).scheduled));
      if ((await get("/")).body.cycleComplete) return perTick;
      expect(perTick.length).toBeLessThan(60);
    }
  };

  it("answers 503, not 500, before the first tick has written anything", async () => {
    const epics = await get("/epics");
    expect(epics.status).toBe(503);
    expect(epics.body.error).toMatch(/not synced yet/);
  });

  it("the cron syncs the seed into D1 within the free plan's 50 D1 queries a tick, and the routes answer from the views", async () => {
    expect(wrangler.triggers.crons).toHaveLength(1);
    const firstCycle = await tickUntilComplete();
    expect(firstCycle.length).toBeGreaterThan(1);
    for (const n of firstCycle) expect(n).toBeLessThanOrEqual(FREE_D1_QUERIES);
    console.log(`D1 calls per tick, first cycle (${firstCycle.length} ticks): ${firstCycle.join(", ")}`);

    const status = await get("/");
    expect(status.status).toBe(200);
    const resources = status.body.resources as Record<string, { records: number; cursor: unknown }>;
    for (const name of SEED_RESOURCE_NAMES) expect(resources[name]!.records, name).toBe(mock.expected(name).length);
    expect(resources.epics!.cursor).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    // The status route fits the free plan's 50 D1 queries.
    const statusCalls = totalD1Calls((await calls()).fetch);
    expect(statusCalls).toBeLessThanOrEqual(FREE_D1_QUERIES);
    console.log(`D1 calls of GET /: ${statusCalls}`);

    await expectRoutesMatchTheApi();

    // The API changes; the next cycle brings D1 (and the views) up to date.
    const mutation = mock.mutate({ updates: 6, inserts: 4, seed: 5 });
    expect(mutation.updated.length + mutation.inserted.length).toBeGreaterThan(0);
    const secondCycle = await tickUntilComplete();
    for (const n of secondCycle) expect(n).toBeLessThanOrEqual(FREE_D1_QUERIES);
    console.log(`D1 calls per tick, after a mutation (${secondCycle.length} ticks): ${secondCycle.join(", ")}`);
    const after = (await get("/")).body.resources as typeof resources;
    for (const name of SEED_RESOURCE_NAMES) expect(after[name]!.records, name).toBe(mock.expected(name).length);
    await expectRoutesMatchTheApi();
  });

  it("the data answers plain SQL from outside the Worker (the D1 database itself)", async () => {
    const db = await mf.getD1Database("DB");
    expect(await db.prepare("SELECT count(*) AS n FROM epics").first("n")).toBe(mock.expected("epics").length);
    const comments = mock.expected("stories_comments");
    expect(await db.prepare("SELECT count(*) AS n FROM stories_comments").first("n")).toBe(comments.length);
    // Joins across views, as any SQL client would write them.
    const { results } = await db
      .prepare(
        `SELECT s.id AS story, count(c.id) AS comments FROM epics_stories s
         JOIN stories_comments c ON c.story_id = s.id GROUP BY s.id ORDER BY s.id`,
      )
      .all<{ story: number; comments: number }>();
    const inEpics = new Set(mock.expected("epics_stories").map((s) => s.id));
    const byStory = new Map<unknown, number>();
    for (const c of comments) if (inEpics.has(c.story_id)) byStory.set(c.story_id, (byStory.get(c.story_id) ?? 0) + 1);
    expect(results).toEqual(
      [...byStory].sort((a, b) => Number(a[0]) - Number(b[0])).map(([story, comments]) => ({ story, comments })),
    );
  });

  it("bad epic ids are 400 and unknown ones 404, as JSON; request input never becomes SQL", async () => {
    const maxId = Math.max(...mock.expected("epics").map((e) => Number(e.id)));
    const unknown = await get(`/epics/${maxId + 1000}/stories`);
    expect(unknown).toMatchObject({ status: 404, type: expect.stringMatching(/json/) });
    expect(unknown.body.error).toMatch(/no epic/);
    for (const bad of ["abc", "-1", "1.5", "1e3", "1%20OR%201=1", "1;DROP%20VIEW%20epics", "99999999999999999999"]) {
      const response = await get(`/epics/${bad}/stories`);
      expect(response, bad).toMatchObject({ status: 400, type: expect.stringMatching(/json/) });
    }
    expect((await get("/nowhere")).status).toBe(404);
    expect((await mf.dispatchFetch("http://worker/epics", { method: "POST" })).status).toBe(405);
    // Nothing above touched the data.
    expect((await get("/epics")).body.epics).toHaveLength(mock.expected("epics").length);
  });

  it("imports nothing outside its folder but restsync, so it can be copied out", async () => {
    const { inputs, external } = await exampleImports(main);
    expect(inputs.length).toBeGreaterThan(2);
    for (const input of inputs) expect(input.startsWith(`${folder}${path.sep}`), input).toBe(true);
    expect(external).toEqual(new Set(["restsync", "restsync/adapters/d1", "restsync/worker"]));
  });
});

/** GET /epics and every epic's GET /epics/:id/stories against the mock's data. */
async function expectRoutesMatchTheApi() {
  const epics = mock.expected("epics");
  const list = await get("/epics");
  expect(list.status).toBe(200);
  expect(list.body.epics).toEqual(
    [...epics].sort((a, b) => Number(a.id) - Number(b.id)).map((epic) => pick(epic, EPIC_COLUMNS)),
  );
  let ordered = 0;
  for (const epic of epics) {
    const response = await get(`/epics/${epic.id}/stories`);
    expect(response.status).toBe(200);
    expect(response.body.epic).toEqual(pick(epic, ["id", "name"]));
    const stories = response.body.stories as Row[];
    expect(stories, `epic ${epic.id}`).toEqual(expectedStories(epic.id));
    const created = stories.map((s) => String(s.created_at));
    expect(created).toEqual([...created].sort().reverse());
    // Newest first is not just the order of ids.
    if (stories.some((s, i) => i > 0 && Number(s.id) > Number(stories[i - 1]!.id))) ordered++;
  }
  expect(ordered).toBeGreaterThan(0);
}
