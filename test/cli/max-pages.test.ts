import { type RunReport, restApiSource } from "restsync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withBaseUrl } from "../../examples/seed/config";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, seedConfigModule, workDir } from "./_harness";

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

describe("restsync run --max-pages", () => {
  it("<n>: every top-level resource reads at most n pages, and the run completes (exit 0)", async () => {
    const result = await run("run", "seed.ts", "--name", "sample", "--max-pages", "1", "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.status).toBe("completed");
    const source = restApiSource(withBaseUrl(mock.url));
    for (const resource of source.resources.filter((r) => !r.parent))
      expect(report.resources[resource.name]!.pages, resource.name).toBeLessThanOrEqual(1);
    // search_epics pages one record at a time: cut, and said so.
    expect(report.resources.search_epics).toMatchObject({ status: "completed", pages: 1, limited: true });
  });

  it("the summary says which resources the limit cut", async () => {
    const result = await run("run", "seed.ts", "--name", "summary", "--max-pages", "search_epics=1");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--max-pages cut search_epics: stored what those pages held.");
  });

  it("name=n,…: only the resources named", async () => {
    const result = await run("run", "seed.ts", "--name", "named", "--max-pages", "search_epics=2", "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.resources.search_epics).toMatchObject({ pages: 2, limited: true });
    expect(Object.values(report.resources).filter((r) => r.limited)).toHaveLength(1);
  });

  it("refuses what is not a page count or a resource of the config (exit 3)", async () => {
    expect(await run("run", "seed.ts", "--max-pages", "0")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("--max-pages must be a positive whole number or name=n pairs"),
    });
    expect(await run("run", "seed.ts", "--max-pages", "epics=x")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("--max-pages must be a positive whole number or name=n pairs"),
    });
    const unknown = await run("run", "seed.ts", "--max-pages", "epix=1");
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('run.maxPages.epix: unknown resource "epix"');
  });
});
