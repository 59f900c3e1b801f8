import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, lines, smallJsonConfig, workDir } from "./_harness";

let mock: MockApi;
const work = workDir();
const run = (...argv: string[]) => cli(argv, { cwd: work.dir, env: { API_KEY: mock.apiKey }, columns: 100 });
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small", seed: 4 } });
  work.file("shop.json", smallJsonConfig(mock.url));
  expect((await run("run", "shop.json")).code).toBe(0);
});
afterAll(async () => {
  await mock.close();
  work.cleanup();
});

describe("restsync show", () => {
  it("prints the first 20 records as a table of the fields that fit, and how many there are", async () => {
    const result = await run("show", "epics_comments");
    expect(result.code).toBe(0);
    const [header, rule, ...rest] = lines(result.stdout);
    expect(header).toMatch(/^id\s+entity_type\s+epic_id\s/);
    expect(rule).toMatch(/^-+ {2}-+/);
    expect(header!.length).toBeLessThanOrEqual(100);
    const rows = rest.slice(0, -1);
    expect(rows).toHaveLength(20);
    const total = mock.expected("epics_comments").length;
    expect(rest.at(-1)).toMatch(
      new RegExp(
        `^20 of ${total} records in pipeline "shop"; \\d+ more fields not shown; --json prints whole records$`,
      ),
    );
  });

  it("--json prints every record whole, one per line, as the API sent it", async () => {
    const result = await run("show", "epics", "--json");
    expect(result.code).toBe(0);
    const shown = lines(result.stdout).map((line) => JSON.parse(line) as { id: number });
    expect(shown.sort(byId)).toEqual(mock.expected("epics").sort((a, b) => (a.id as number) - (b.id as number)));
  });

  it("--where keeps the records whose field equals the value (numbers, strings, booleans, null, dotted paths); --limit cuts", async () => {
    const epics = mock.expected("epics");
    const epic = epics[3]!;
    const one = await run("show", "epics", "--json", "--where", `id=${epic.id}`);
    expect(lines(one.stdout).map((line) => JSON.parse(line))).toEqual([epic]);

    const state = String(epic.state);
    const sameState = epics.filter((e) => e.state === state && e.archived === false);
    const filtered = await run("show", "epics", "--json", "--where", `state=${state}`, "--where", "archived=false");
    expect(
      lines(filtered.stdout)
        .map((line) => (JSON.parse(line) as { id: number }).id)
        .sort(),
    ).toEqual(sameState.map((e) => e.id).sort());

    const withoutDeadline = epics.filter((e) => e.deadline === null).length;
    const table = await run("show", "epics", "--where", "deadline=null", "--limit", "2");
    expect(lines(table.stdout).at(-1)).toMatch(
      new RegExp(
        `^${Math.min(2, withoutDeadline)} of ${withoutDeadline} records? where deadline=null in pipeline "shop"`,
      ),
    );

    const firstObjective = (epic.objective_ids as number[])[0];
    const byPath = await run("show", "epics", "--json", "--where", `objective_ids.0=${firstObjective}`);
    const expected = epics.filter((e) => (e.objective_ids as number[])[0] === firstObjective).map((e) => e.id);
    expect(
      lines(byPath.stdout)
        .map((line) => (JSON.parse(line) as { id: number }).id)
        .sort(),
    ).toEqual(expected.sort());

    const limited = await run("show", "epics", "--json", "--limit", "3");
    expect(lines(limited.stdout)).toHaveLength(3);
  });

  it("no match: an empty listing that says so (exit 0)", async () => {
    const result = await run("show", "epics", "--where", "state=nowhere");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('0 of 0 records where state=nowhere in pipeline "shop"\n');
  });

  it("usage errors (exit 3): an unknown resource lists the known ones, a bad --where, several pipelines without --name, no store", async () => {
    const unknown = await run("show", "epic");
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(
      'pipeline "shop" has no stored resource "epic": its resources are epics, epics_comments',
    );

    const badWhere = await run("show", "epics", "--where", "state");
    expect(badWhere.code).toBe(3);
    expect(badWhere.stderr).toContain("--where needs field=value");

    work.file("other.json", smallJsonConfig(mock.url));
    expect((await run("run", "other.json")).code).toBe(0);
    const ambiguous = await run("show", "epics");
    expect(ambiguous.code).toBe(3);
    expect(ambiguous.stderr).toContain(
      "several pipelines in .restsync/other.sqlite, .restsync/shop.sqlite: pass --name <pipeline>",
    );
    expect((await run("show", "epics", "--name", "other", "--limit", "1")).code).toBe(0);

    const noStore = await run("show", "epics", "--store", "nowhere");
    expect(noStore.code).toBe(3);
    expect(noStore.stderr).toContain("no store at nowhere");
  });

  it("--name of a pipeline that has no SQLite store is exit 3", async () => {
    const never = await run("show", "labels", "--name", "shop-lib");
    expect(never.code).toBe(3);
    expect(never.stderr).toContain('no SQLite store for pipeline "shop-lib" in .restsync');
  });
});

describe("a store written in a newer store format", () => {
  it("show and inspect refuse it, naming both formats (exit 1)", async () => {
    const { fsAdapter } = await import("restsync/adapters/fs");
    const { STORE_FORMAT } = await import("restsync");
    const dir = `${work.dir}/newer-store`;
    const store = fsAdapter(dir);
    await store.write({ state: [{ key: "/restsync/format", value: { format: STORE_FORMAT + 1 } }] });
    await store.close?.();
    for (const argv of [
      ["show", "epics", "--name", "shop"],
      ["inspect", "--name", "shop"],
    ]) {
      const result = await run(...argv, "--store", "newer-store");
      expect(result.code, argv[0]).toBe(1);
      expect(result.stderr).toContain(
        `is in store format ${STORE_FORMAT + 1}, written by a newer restsync; this restsync reads store format ${STORE_FORMAT}`,
      );
    }
  });
});
