import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, lines, smallJsonConfig, workDir } from "./_harness";

let mock: MockApi;
const work = workDir();
const run = (...argv: string[]) => cli(argv, { cwd: work.dir, env: { API_KEY: mock.apiKey }, columns: 100 });

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small", seed: 4 } });
  work.file("shop.json", smallJsonConfig(mock.url));
  expect((await run("run", "shop.json")).code).toBe(0);
});
afterAll(async () => {
  await mock.close();
  work.cleanup();
});

describe("restsync run", () => {
  it("says what a run added to the schema, and nothing when nothing changed", async () => {
    const fresh = workDir();
    try {
      fresh.file("shop.json", smallJsonConfig(mock.url));
      const runIn = () => cli(["run", "shop.json"], { cwd: fresh.dir, env: { API_KEY: mock.apiKey }, columns: 100 });
      const first = await runIn();
      expect(first.stdout).toMatch(
        /^Schema: \d+ new tables?, \d+ new columns, 0 variant columns \(restsync schema shows it\)\.$/m,
      );
      expect((await runIn()).stdout).not.toContain("Schema:");
    } finally {
      fresh.cleanup();
    }
  });

  it("stores into .restsync/<pipeline>.sqlite by default", async () => {
    const { existsSync } = await import("node:fs");
    expect(existsSync(path.join(work.dir, ".restsync", "shop.sqlite"))).toBe(true);
  });
});

describe("restsync query", () => {
  it("answers SQL over the views: a count, and columns of a resource", async () => {
    const count = await run("query", "SELECT count(*) AS n FROM epics");
    expect(count.code).toBe(0);
    const epics = mock.expected("epics") as Array<{ id: number; name: string }>;
    expect(lines(count.stdout).slice(-2)).toEqual([String(epics.length), "(1 row)"]);
    const rows = await run("query", "SELECT id, name FROM epics ORDER BY id", "--json");
    expect(rows.code).toBe(0);
    expect(lines(rows.stdout).map((l) => JSON.parse(l))).toEqual(
      [...epics].sort((a, b) => a.id - b.id).map((e) => ({ id: e.id, name: e.name })),
    );
    const comments = await run("query", "SELECT count(*) AS n FROM epics_comments");
    expect(comments.stdout).toContain(String(mock.expected("epics_comments").length));
  });

  it("refuses statements that write (exit 3), and the store stays as it was", async () => {
    for (const sql of [
      "DELETE FROM _restsync_records",
      "CREATE TABLE x (a)",
      "DROP VIEW epics",
      "PRAGMA user_version = 3",
    ]) {
      const result = await run("query", sql);
      expect(result.code, sql).toBe(3);
      expect(result.stderr, sql).toMatch(/read-only|readonly/);
    }
    expect((await run("query", "SELECT count(*) AS n FROM epics", "--json")).stdout).toBe(
      `${JSON.stringify({ n: mock.expected("epics").length })}\n`,
    );
  });

  it("says what is wrong with a query that fails (exit 3)", async () => {
    const result = await run("query", "SELECT nope FROM epics");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("the query failed: no such column: nope");
  });
});

describe("restsync schema", () => {
  it("prints each table of a resource with its columns, types and since when", async () => {
    const result = await run("schema", "epics");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^epics\ncolumn\s+type\s+nullable\s+field\s+since\n/);
    expect(result.stdout).toMatch(/^id\s+bigint\s+no\s+id\s+\d{4}-\d\d-\d\d \d\d:\d\dZ$/m);
    expect(result.stdout).toMatch(/^epics__label_ids — nested list label_ids of epics/m);
    const json = JSON.parse((await run("schema", "--json")).stdout);
    expect(json.map((s: { resource: string }) => s.resource)).toEqual(["epics", "epics_comments"]);
  });
});

describe("an fs store of an earlier restsync in .restsync", () => {
  it("is named in the error, and --store .restsync keeps using it", async () => {
    const legacy = workDir();
    try {
      legacy.file("shop.json", smallJsonConfig(mock.url));
      const cliIn = (...argv: string[]) => cli(argv, { cwd: legacy.dir, env: { API_KEY: mock.apiKey }, columns: 100 });
      expect((await cliIn("run", "shop.json", "--store", ".restsync")).code).toBe(0);
      const missing = await cliIn("show", "epics");
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain("holds an fs store of an earlier restsync: read it with --store .restsync");
      const shown = await cliIn("show", "epics", "--store", ".restsync");
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`of ${mock.expected("epics").length} records in pipeline "shop"`);
    } finally {
      legacy.cleanup();
    }
  });
});
