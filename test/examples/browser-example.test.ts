import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright";
import { createServer, type ViteDevServer } from "vite";
import { startMockApi, SEED_RESOURCE_NAMES, type MockApi } from "../mock/index";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

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
  const context = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath, args, headless: true });
  return { context, done: async () => (await context.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function openExample(context: BrowserContext, mock: MockApi): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${pageUrl}?api=${encodeURIComponent(mock.url)}&key=${encodeURIComponent(mock.apiKey)}`);
  return page;
}

async function syncToEnd(page: Page): Promise<string> {
  await page.click("#sync");
  await page.waitForFunction(() => !["idle", "running"].includes(document.getElementById("status")!.dataset.status!), undefined, { timeout: 60_000 });
  return page.$eval("#status", (el) => (el as HTMLElement).dataset.status!);
}

async function storedCounts(page: Page): Promise<Record<string, number>> {
  return page.$$eval("#resources tbody tr", (rows) => Object.fromEntries(rows.map((row) => [(row as HTMLElement).dataset.resource!, Number(row.querySelector("[data-count]")!.textContent)])));
}

describe("examples/browser in Chromium", () => {
  let mock: MockApi;
  beforeAll(async () => {
    mock = await startMockApi({ datasetOptions: { size: "small", seed: 11 }, latencyMs: 3 });
  });
  afterAll(() => mock?.close());

  it("syncs into IndexedDB with progress, shows per-resource counts, and survives a tab closed mid-sync", async () => {
    const { context, done } = await openProfile();
    try {
      // Close the tab part-way through a sync.
      const first = await openExample(context, mock);
      await first.click("#sync");
      await first.waitForFunction(() => Number(document.getElementById("progress")!.dataset.pages ?? 0) >= 40, undefined, { timeout: 30_000 });
      expect(await first.textContent("#progress")).toMatch(/\d+ pages · \d+ records written · \w+/);
      await first.close();
      const requestsBefore = mock.stats().requests;

      // The API changes, a new tab opens, and it syncs to the end.
      mock.mutate({ updates: 6, inserts: 4, tie: true, seed: 9 });
      const second = await openExample(context, mock);
      // The first sync finishes the interrupted cycle without fetching again what it had completed;
      // the next starts a fresh cycle, which brings what changed meanwhile.
      expect(await syncToEnd(second)).toBe("completed");
      expect(await syncToEnd(second)).toBe("completed");
      expect(mock.stats().requests).toBeGreaterThan(requestsBefore);
      const counts = await storedCounts(second);
      for (const name of SEED_RESOURCE_NAMES) expect(counts[name], name).toBe(mock.expected(name).length);

      // Nothing lost or duplicated: every record equals the API's, read back from IndexedDB in the page.
      const stored = await second.evaluate(async (names) => {
        const open = indexedDB.open("restsync-example");
        const db = await new Promise<IDBDatabase>((resolve, reject) => ((open.onsuccess = () => resolve(open.result)), (open.onerror = () => reject(open.error))));
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
      }, [...SEED_RESOURCE_NAMES]);
      for (const name of SEED_RESOURCE_NAMES) {
        const byId = (records: unknown[]) => new Map(records.map((r) => [String((r as { id: unknown }).id), JSON.stringify(r)]));
        expect(stored[name]?.length ?? 0, `${name}: records in IndexedDB`).toBe(mock.expected(name).length);
        expect(byId(stored[name] ?? []), name).toEqual(byId(mock.expected(name)));
      }
    } finally {
      await done();
    }
  });
});
