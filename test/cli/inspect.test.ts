import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, lines, seedConfigModule, workDir } from "./_harness";

let mock: MockApi;
const work = workDir();
beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small", seed: 3 } });
  work.file("seed.ts", seedConfigModule(mock.url));
});
afterAll(async () => {
  await mock.close();
  work.cleanup();
});

const run = (...argv: string[]) => cli(argv, { cwd: work.dir, env: { API_KEY: mock.apiKey } });
/** The cells of a resource's row in an inspect table. */
const row = (stdout: string, resource: string) =>
  lines(stdout)
    .find((l) => l.startsWith(`${resource} `))!
    .trim()
    .split(/\s{2,}/);

describe("restsync inspect", () => {
  it("says there is nothing to inspect before any run (exit 3)", async () => {
    const result = await run("inspect");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no SQLite store in .restsync (run "restsync run <config>" first)');
  });

  it("after a partial run: the cycle in progress and where each resource stands; after the next: counts, cursors, last runs", async () => {
    expect((await run("run", "seed.ts", "--max-requests", "40")).code).toBe(2);
    const during = await run("inspect");
    expect(during.code).toBe(0);
    expect(during.stdout).toContain('pipeline "seed" in .restsync/seed.sqlite (config ');
    expect(during.stdout).toMatch(
      /^last run: partial at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, \d+ records written, 40 requests, stopped: max_requests$/m,
    );
    expect(during.stdout).toMatch(
      /^sync cycle in progress since .*: \d+ of 24 resources done; a run with --max-requests resumes it$/m,
    );
    expect(during.stdout).toMatch(/^resource\s+records\s+cursor\s+last run\s+finished\s+this cycle$/m);
    const states = lines(during.stdout).filter((l) => / (done|part-way|to do)$/.test(l));
    expect(states).toHaveLength(24);
    expect(states.some((l) => l.endsWith(" done")) && states.some((l) => l.endsWith(" to do"))).toBe(true);

    expect((await run("run", "seed.ts")).code).toBe(0);
    const after = await run("inspect", "seed.ts");
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("sync cycle: none in progress");
    expect(after.stdout).toMatch(/^last run: completed at /m);
    const newest = mock
      .expected("epics")
      .map((e) => String(e.updated_at))
      .sort()
      .at(-1)!;
    expect(row(after.stdout, "epics")).toEqual([
      "epics",
      "20",
      newest.length > 32 ? expect.any(String) : newest,
      "completed",
      expect.stringMatching(/Z$/),
    ]);
    const comments = row(after.stdout, "epics_comments");
    expect(comments[1]).toBe(String(mock.expected("epics_comments").length));
    expect(comments[2]).toMatch(/^\d+ per-parent cursors?$/);
    expect(comments[3]).toBe("completed");
  });

  it("--name picks one pipeline; an unknown one is an error (exit 3)", async () => {
    expect((await run("inspect", "--name", "seed")).stdout).toContain('pipeline "seed"');
    const unknown = await run("inspect", "--name", "nope");
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no SQLite store for pipeline "nope" in .restsync');
  });
});
