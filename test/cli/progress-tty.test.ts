import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, seedConfigModule, workDir } from "./_harness";

let mock: MockApi;
const work = workDir();
beforeAll(async () => {
  // Some latency, so that resources are seen running (and redrawn) before they finish.
  mock = await startMockApi({ datasetOptions: { size: "small", seed: 3 }, latencyMs: 15 });
  work.file("seed.ts", seedConfigModule(mock.url));
});
afterAll(async () => {
  await mock.close();
  work.cleanup();
});

const ESC = "\x1b[";

describe("restsync run on a terminal", () => {
  it("draws a live line per running resource, redrawn in place with ANSI escapes, a bar for children over known parents", async () => {
    const { code, stderr, stdout } = await cli(["run", "seed.ts", "--store", "tty"], {
      cwd: work.dir,
      env: { API_KEY: mock.apiKey },
      isTTY: true,
      columns: 100,
    });
    expect(code).toBe(0);
    expect(stderr).toContain(`${ESC}?25l`); // cursor hidden while drawing...
    expect(stderr.endsWith(`${ESC}?25h`)).toBe(true); // ...and shown again at the end
    const redraws = stderr.match(/\x1b\[\d+A\r\x1b\[0J/g) ?? [];
    expect(redraws.length).toBeGreaterThan(3); // cursor up over the live lines, clear, draw again
    // A running resource: spinner, name, figures; a child whose parents are all known gets a bar.
    expect(stderr).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\x1b\[39m search_epics {2}\d+ written · \d+ requests?/);
    expect(stderr).toMatch(/stories_comments {2}[█░]{20} \d+\/117 parents · \d+ written · \d+ requests?/);
    // Finished resources become permanent lines, coloured.
    expect(stderr).toContain(`${ESC}32m✓${ESC}39m epics: 20 written, 0 unchanged, 1 request,`);
    // No live line is wider than the terminal (a wrapped line would break the redraw).
    const visible = stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").split(/\r|\n/);
    expect(Math.max(...visible.filter((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(l)).map((l) => l.length))).toBeLessThanOrEqual(99);
    // The summary table on stdout stays plain text.
    expect(stdout).not.toContain(ESC);
    expect(stdout).toMatch(/^total\s+completed\s/m);
  });

  it("NO_COLOR turns colour off but keeps the live redraw", async () => {
    const { code, stderr } = await cli(["run", "seed.ts", "--store", "tty", "--resources", "labels"], {
      cwd: work.dir,
      env: { API_KEY: mock.apiKey, NO_COLOR: "1" },
      isTTY: true,
    });
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/\x1b\[\d+m/);
    expect(stderr).toContain(`${ESC}0J`);
    expect(stderr).toMatch(/\r\x1b\[0J✓ labels: 0 written, 8 unchanged, 1 request, \d+ ms\n/);
  });
});
