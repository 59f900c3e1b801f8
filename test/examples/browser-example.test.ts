import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, SEED_RESOURCE_NAMES, type SeedResourceName, startMockApi } from "../mock/index";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Where the screenshots go (printed by the test): outside the repository, kept after the run for a look. */
const shotsDir = join(tmpdir(), "restsync-browser-example");

let vite: ViteDevServer;
let pageUrl: string;

beforeAll(async () => {
  vite = await createServer({
    root: fileURLToPath(new URL("../../examples/browser", import.meta.url)),
    configFile: fileURLToPath(new URL("../../examples/browser/vite.config.ts", import.meta.url)),
    server: { host: "127.0.0.1", port: 0, strictPort: false },
    logLevel: "silent",
  });
  await vite.listen();
  pageUrl = vite.resolvedUrls!.local[0]!;
}, 60_000);
afterAll(() => vite?.close());

/** A browser profile that outlives its pages, as a user's does: IndexedDB persists across tabs. */
async function openProfile(): Promise<{ context: BrowserContext; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "restsync-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    args,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  return { context, done: async () => (await context.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function openExample(context: BrowserContext, mock: MockApi): Promise<Page> {
  const page = await context.newPage();
  // A missing element fails with the selector named, well before the test's own timeout.
  page.setDefaultTimeout(15_000);
  await page.goto(`${pageUrl}?api=${encodeURIComponent(mock.url)}&key=${encodeURIComponent(mock.apiKey)}`);
  return page;
}

async function waitForRunEnd(page: Page): Promise<string> {
  await page.waitForFunction(() => !["idle", "running"].includes(document.getElementById("status")!.dataset.status!));
  return page.$eval("#status", (el) => (el as HTMLElement).dataset.status!);
}

async function syncToEnd(page: Page): Promise<string> {
  await page.click("#sync");
  return waitForRunEnd(page);
}

interface ShownRow {
  name: string;
  status: string;
  written: number;
  pages: number;
  stored: string | undefined;
  bar: { value: number; max: number } | undefined;
}

/** The per-resource table as the page shows it. */
function shownRows(page: Page): Promise<ShownRow[]> {
  return page.$$eval("#resources tbody tr", (rows) =>
    rows.map((row) => {
      const text = (column: string) => row.querySelector(`[data-column="${column}"]`)!.textContent!;
      const bar = row.querySelector("progress");
      return {
        name: (row as HTMLElement).dataset.resource!,
        status: text("status"),
        written: Number(text("written")),
        pages: Number(text("pages")),
        stored: text("stored") || undefined,
        bar: bar ? { value: bar.value, max: bar.max } : undefined,
      };
    }),
  );
}

/** Until the table shows at least `pages` pages fetched in all. */
async function waitForPages(page: Page, pages: number): Promise<void> {
  await page.waitForFunction(
    (pages) =>
      [...document.querySelectorAll("#resources [data-column=pages]")].reduce(
        (n, cell) => n + Number(cell.textContent),
        0,
      ) >= pages,
    pages,
  );
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  const path = join(shotsDir, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`browser example screenshot: ${path}`);
}

/** Every record in the example's IndexedDB by resource, read directly (not through restsync). */
function storedInIndexedDb(page: Page): Promise<Record<string, unknown[]>> {
  return page.evaluate(
    async (names) => {
      const open = indexedDB.open("restsync-example");
      const db = await new Promise<IDBDatabase>(
        (resolve, reject) => ((open.onsuccess = () => resolve(open.result)), (open.onerror = () => reject(open.error))),
      );
      const all = await new Promise<Array<[unknown, unknown]>>((resolve, reject) => {
        const tx = db.transaction("records");
        const keys = tx.objectStore("records").getAllKeys();
        const values = tx.objectStore("records").getAll();
        tx.oncomplete = () => resolve(keys.result.map((k, i) => [k, values.result[i]]));
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      const byResource: Record<string, unknown[]> = {};
      for (const [key, value] of all) {
        const table = decodeURIComponent(String((key as string[])[0]).split("/")[1]!);
        if ((names as string[]).includes(table)) (byResource[table] ??= []).push(value);
      }
      return byResource;
    },
    [...SEED_RESOURCE_NAMES],
  );
}

/** The data browser after its latest load: the summary line and one column of the rows shown. */
async function browsed(
  page: Page,
  column: string,
): Promise<{ summary: string; total: number; values: string[]; next: boolean }> {
  // Settled: ready, empty, or an error the summary then shows.
  await page.waitForFunction(() => document.getElementById("records-summary")!.dataset.state !== "loading");
  return page.evaluate((column) => {
    const summary = document.getElementById("records-summary")!;
    const heads = [...document.querySelectorAll("#records thead th")].map((th) => th.textContent);
    const at = heads.indexOf(column);
    const values = [...document.querySelectorAll("#records tbody tr")].map(
      (tr) => (tr as HTMLTableRowElement).cells[at]!.textContent!,
    );
    return {
      summary: summary.textContent!,
      total: Number(summary.dataset.total),
      values,
      next: !(document.getElementById("next") as HTMLButtonElement).disabled,
    };
  }, column);
}

/** Every string, number and boolean in a value, however deep: what "contains" searches. */
const scalars = (value: unknown): string[] =>
  value === null || value === undefined
    ? []
    : typeof value === "object"
      ? Object.values(value).flatMap(scalars)
      : [String(value)];

/** The seed's child resources and the parents they are fetched for. */
const SEED_PARENTS: Record<string, SeedResourceName[]> = {
  categories_milestones: ["categories"],
  categories_objectives: ["categories"],
  epics_comments: ["epics"],
  epics_stories: ["epics"],
  groups_stories: ["groups"],
  iterations_stories: ["iterations"],
  milestones_epics: ["milestones"],
  objectives_epics: ["objectives"],
  // A story under an epic, a group and an iteration is one parent.
  stories_comments: ["epics_stories", "groups_stories", "iterations_stories"],
  story_history: ["epics_stories", "groups_stories", "iterations_stories"],
};
const parentCount = (mock: MockApi, child: string) =>
  new Set(SEED_PARENTS[child]!.flatMap((parent) => mock.expected(parent).map((r) => r.id))).size;

describe("examples/browser in Chromium", () => {
  let mock: MockApi;
  /** One browser profile for both tests, as one user's: the second starts from what the first stored. */
  let profile: Awaited<ReturnType<typeof openProfile>>;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small", seed: 11 }, latencyMs: 3 });
    profile = await openProfile();
  });
  afterAll(async () => {
    await profile?.done();
    await mock?.close();
  });

  it("shows a live per-resource table while it syncs, and browses, pages and filters what it stored", async () => {
    // Slow enough that the child resources (one request per parent) take a second or two.
    mock.setOptions({ latencyMs: 40 });
    const page = await openExample(profile.context, mock);
    try {
      expect(await page.textContent("#resources-empty")).toMatch(/Press Sync/);
      expect(await browsed(page, "id")).toMatchObject({
        summary: "No categories records stored yet: run a sync.",
        values: [],
      });
      await page.click("#sync");

      // Mid-sync: some resources done, and a child of several parents (stories) part-way through them.
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll<HTMLTableRowElement>("#resources tbody tr")];
        const partial = rows.some((row) => {
          const bar = row.querySelector("progress");
          return (
            row.dataset.resource === "story_history" &&
            row.dataset.status === "running" &&
            bar !== null &&
            bar.value >= 5 &&
            bar.value < bar.max
          );
        });
        return partial && rows.some((row) => row.dataset.status === "completed");
      });
      const mid = await shownRows(page);
      const midStatus = await page.$eval("#status", (el) => [(el as HTMLElement).dataset.status, el.textContent]);
      await screenshot(page, "mid-sync.png");
      // The rest at full speed.
      mock.setOptions({ latencyMs: 0 });
      expect(midStatus[0]).toBe("running");
      expect(midStatus[1]).toMatch(/^Syncing: \d+ of 24 resources done, \d+ pages, \d+ records written$/);
      expect(mid.length).toBeGreaterThan(0);
      const partial = mid.filter(
        (row) => row.status === "running" && row.bar && row.bar.value > 0 && row.bar.value < row.bar.max,
      );
      expect(partial.length).toBeGreaterThan(0);
      // A bar for each child, over its parents (counted on the page from the stored parents); one page per parent.
      for (const row of mid.filter((r) => r.bar)) expect(row.bar!.max, row.name).toBe(parentCount(mock, row.name));
      for (const row of partial) expect(row.bar!.value, row.name).toBe(row.pages);
      for (const row of mid.filter((r) => r.status === "completed" && r.stored !== undefined))
        expect(Number(row.stored), row.name).toBe(mock.expected(row.name as never).length);

      // After it: every resource completed, and what the table says is stored is what IndexedDB holds and the API has.
      expect(await waitForRunEnd(page)).toBe("completed");
      expect(await page.textContent("#status")).toMatch(/^Completed: \d+ records written, \d+ requests in [\d.]+ s\.$/);
      await page.waitForFunction(() =>
        [...document.querySelectorAll("#resources [data-column=stored]")].every((cell) => cell.textContent !== ""),
      );
      await screenshot(page, "after-sync.png");
      const after = await shownRows(page);
      const stored = await storedInIndexedDb(page);
      expect(after.map((row) => row.name).sort()).toEqual([...SEED_RESOURCE_NAMES].sort());
      for (const row of after) {
        const expected = mock.expected(row.name as never).length;
        expect(row.status, row.name).toBe("completed");
        expect(Number(row.stored), row.name).toBe(stored[row.name]?.length ?? 0);
        expect(Number(row.stored), row.name).toBe(expected);
        // Written counts upserts: an epic under two objectives is written twice and stored once.
        expect(row.written, row.name).toBeGreaterThanOrEqual(expected);
        if (SEED_PARENTS[row.name])
          expect(row.bar, row.name).toEqual({ value: parentCount(mock, row.name), max: parentCount(mock, row.name) });
        else expect(row.bar, row.name).toBeUndefined();
      }

      // The data browser pages through a resource's records from IndexedDB: each once, all of them.
      const stories = mock.expected("epics_stories");
      await page.selectOption("#resource", "epics_stories");
      let view = await browsed(page, "id");
      expect(view.summary).toBe(`epics_stories: 1–20 of ${stories.length} records`);
      expect(await page.$eval("#prev", (b) => (b as HTMLButtonElement).disabled)).toBe(true);
      const seen = [...view.values];
      while (view.next) {
        await page.click("#next");
        view = await browsed(page, "id");
        seen.push(...view.values);
      }
      expect(view.summary).toMatch(new RegExp(`^epics_stories: \\d+–${stories.length} of ${stories.length} records$`));
      expect([...seen].sort()).toEqual(stories.map((s) => String(s.id)).sort());

      // Filtered by a field: the epic with the most stories.
      const epicIds = stories.map((s) => String(s.epic_id));
      const epic = epicIds.reduce((best, id, _, all) =>
        all.filter((x) => x === id).length > all.filter((x) => x === best).length ? id : best,
      );
      const ofEpic = stories.filter((s) => String(s.epic_id) === epic);
      await page.fill("#field", "epic_id");
      await page.fill("#value", epic);
      await page.click("#browse-form button[type=submit]");
      view = await browsed(page, "epic_id");
      expect(view.total).toBe(ofEpic.length);
      expect(view.values).toEqual(ofEpic.slice(0, 20).map(() => epic));
      expect(view.summary).toBe(
        `epics_stories: 1–${Math.min(20, ofEpic.length)} of ${ofEpic.length} records where epic_id = ${epic}`,
      );
      await screenshot(page, "data-browser.png");

      // Free text, in any field and any case; then text nothing contains; then no filter.
      const word = String(stories[0]!.name).split(" ")[0]!.toLowerCase();
      const containing = stories.filter((s) => scalars(s).some((v) => v.toLowerCase().includes(word)));
      await page.fill("#field", "");
      await page.fill("#value", word.toUpperCase());
      await page.click("#browse-form button[type=submit]");
      view = await browsed(page, "id");
      expect(containing.length).toBeGreaterThan(0);
      expect(view.total).toBe(containing.length);
      // In the store's key order, as the unfiltered pages showed them.
      expect(view.values).toEqual(
        containing
          .map((s) => String(s.id))
          .sort((a, b) => seen.indexOf(a) - seen.indexOf(b))
          .slice(0, 20),
      );
      await page.fill("#value", "no such text anywhere");
      await page.click("#browse-form button[type=submit]");
      view = await browsed(page, "id");
      expect(view).toMatchObject({
        summary: "No epics_stories record where any field contains “no such text anywhere”.",
        values: [],
      });
      await page.click("#clear");
      await page.waitForFunction(() =>
        document.getElementById("records-summary")!.textContent!.startsWith("epics_stories: 1–20 of"),
      );
      expect((await browsed(page, "id")).total).toBe(stories.length);
    } finally {
      mock.setOptions({ latencyMs: 3 });
      await page.close();
    }
  });

  it("stops cleanly on Abort, survives a tab closed mid-sync, and ends equal to the API", async () => {
    // Abort part-way: the run ends "partial", no resource is left running.
    const first = await openExample(profile.context, mock);
    await first.click("#sync");
    await waitForPages(first, 20);
    await first.click("#abort");
    expect(await waitForRunEnd(first)).toBe("partial");
    expect(await first.textContent("#status")).toMatch(/^Aborted: \d+ records written/);
    const aborted = await shownRows(first);
    expect(aborted.some((row) => row.status === "aborted")).toBe(true);
    expect(aborted.filter((row) => row.status === "running")).toEqual([]);
    expect(await first.$eval("#sync", (b) => (b as HTMLButtonElement).disabled)).toBe(false);

    // Sync again, and close the tab part-way through.
    await first.click("#sync");
    await waitForPages(first, 40);
    await first.close();
    const requestsBefore = mock.stats().requests;

    // The API changes, a new tab opens, and one sync brings the store level with it
    // (a run without a budget fetches every resource, whatever an interrupted run had done).
    mock.mutate({ updates: 6, inserts: 4, tie: true, seed: 9 });
    const second = await openExample(profile.context, mock);
    try {
      expect(await syncToEnd(second)).toBe("completed");
      expect(mock.stats().requests).toBeGreaterThan(requestsBefore);
      await second.waitForFunction(() =>
        [...document.querySelectorAll("#resources [data-column=stored]")].every((cell) => cell.textContent !== ""),
      );
      const rows = await shownRows(second);
      for (const name of SEED_RESOURCE_NAMES)
        expect(Number(rows.find((row) => row.name === name)?.stored), name).toBe(mock.expected(name).length);

      // Nothing lost or duplicated: every record equals the API's, read back from IndexedDB in the page.
      const stored = await storedInIndexedDb(second);
      for (const name of SEED_RESOURCE_NAMES) {
        const byId = (records: unknown[]) =>
          new Map(records.map((r) => [String((r as { id: unknown }).id), JSON.stringify(r)]));
        expect(stored[name]?.length ?? 0, `${name}: records in IndexedDB`).toBe(mock.expected(name).length);
        expect(byId(stored[name] ?? []), name).toEqual(byId(mock.expected(name)));
      }
    } finally {
      await second.close();
    }
  });
});
