import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPipeline, restApiSource } from "restsync";
import { fsAdapter } from "restsync/adapters/fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withBaseUrl } from "../../examples/seed/config";
import { diffStoreAgainstApi } from "../_helpers/store-vs-api";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, lines, seedConfigModule, smallJsonConfig, workDir } from "./_harness";

let mock: MockApi;
const work = workDir();
beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small", seed: 3 } });
  work.file("seed.ts", seedConfigModule(mock.url));
  work.file("small.json", smallJsonConfig(mock.url, [{ name: "labels", endpoint: { path: "/v1/labels" } }]));
});
afterAll(async () => {
  await mock.close();
  work.cleanup();
});

const env = () => ({ API_KEY: mock.apiKey });
const SEED_RESOURCES = 24;

/** What the store in `dir` holds, against what the API serves now: [] when they agree. */
async function storeVsApi(dir: string, name: string, resources?: Parameters<typeof diffStoreAgainstApi>[2]) {
  const store = fsAdapter(`${work.dir}/${dir}`);
  try {
    return await diffStoreAgainstApi(createPipeline({ name, store }), mock, resources);
  } finally {
    await store.close?.();
  }
}

/** Records of every seed resource in the fs store at `dir` (absolute). */
async function storedCount(dir: string): Promise<number> {
  const store = fsAdapter(dir);
  try {
    const pipeline = createPipeline({ name: "seed", store });
    let count = 0;
    for (const { name } of restApiSource(withBaseUrl(mock.url)).resources) count += await pipeline.count(name);
    return count;
  } finally {
    await store.close?.();
  }
}

/** The summary table's total row: [status, written, unchanged, requests, retries]. */
function totalRow(stdout: string) {
  const row = lines(stdout).find((line) => line.startsWith("total "))!;
  const [, status, ...numbers] = row.trim().split(/\s+/);
  return {
    status,
    written: Number(numbers[0]),
    unchanged: Number(numbers[1]),
    requests: Number(numbers[2]),
    retries: Number(numbers[3]),
  };
}

describe("restsync run", () => {
  it("syncs a TypeScript config: a plain line per resource, the summary table, exit 0; again: nothing new; --full-refresh: everything again", async () => {
    const first = await cli(["run", "seed.ts", "--store", "seed-store"], { cwd: work.dir, env: env() });
    expect(first.code).toBe(0);
    const done = lines(first.stderr).filter((line) => line.startsWith("✓ "));
    expect(done).toHaveLength(SEED_RESOURCES);
    expect(first.stderr).toMatch(/^✓ epics: 20 written, 0 unchanged, 1 request, \d+ ms$/m);
    expect(first.stderr).not.toContain("\x1b[");
    expect(first.stdout).toMatch(/^resource\s+status\s+written\s+unchanged\s+requests\s+retries\s+ms$/m);
    expect(first.stdout).toMatch(/^epics\s+completed\s+20\s+0\s+1\s+0\s+\d+$/m);
    const total = totalRow(first.stdout);
    expect(total).toMatchObject({ status: "completed", retries: 0 });
    expect(total.written).toBeGreaterThan(500);
    expect(first.stdout).toContain(`Sync complete: ${total.written} records written.`);
    expect(await storeVsApi("seed-store", "seed")).toEqual([]);

    const again = await cli(["run", "seed.ts", "--store", "seed-store"], { cwd: work.dir, env: env() });
    expect(again.code).toBe(0);
    expect(totalRow(again.stdout)).toMatchObject({ status: "completed", written: 0 });

    const refreshed = await cli(["run", "seed.ts", "--store", "seed-store", "--full-refresh"], {
      cwd: work.dir,
      env: env(),
    });
    expect(refreshed.code).toBe(0);
    // Fewer stored than written: a record listed twice in a run (a story under two epics) is written twice, stored once.
    const forgot = Number(
      /full refresh: forgot (\d+) records and the cursors of 24 resources/.exec(refreshed.stderr)?.[1],
    );
    expect(forgot).toBeGreaterThan(500);
    expect(forgot).toBeLessThanOrEqual(total.written);
    expect(totalRow(refreshed.stdout)).toMatchObject({ status: "completed", written: total.written, unchanged: 0 });
    expect(await storeVsApi("seed-store", "seed")).toEqual([]);
  });

  it("--max-requests stops a run part-way (exit 2); the next budgeted run resumes the cycle and completes it", async () => {
    const partial = await cli(["run", "seed.ts", "--store", "budget-store", "--max-requests", "40"], {
      cwd: work.dir,
      env: env(),
    });
    expect(partial.code).toBe(2);
    expect(totalRow(partial.stdout)).toMatchObject({ status: "partial", requests: 40 });
    expect(partial.stdout).toMatch(
      /Stopped at the --max-requests budget: \d+ of 24 resources complete\. Run again with --max-requests to resume the sync cycle\./,
    );
    expect(partial.stderr).toMatch(/^… \w+: stopped before the end .*; the next budgeted run resumes it$/m);

    const rest = await cli(["run", "seed.ts", "--store", "budget-store", "--max-requests", "1000"], {
      cwd: work.dir,
      env: env(),
    });
    expect(rest.code).toBe(0);
    expect(totalRow(rest.stdout).status).toBe("completed");
    expect(rest.stdout).toMatch(/^\w+\s+completed\*/m);
    expect(rest.stdout).toContain("* in an earlier run of this sync cycle, not fetched again until the cycle ends");
    expect(await storeVsApi("budget-store", "seed")).toEqual([]);
  });

  it("an interrupted run (Ctrl-C aborts the signal) stops cleanly with exit 2, and the next run completes the sync", async () => {
    const controller = new AbortController();
    const onStderr = (chunk: string) => void (chunk.includes("✓ epics:") && controller.abort());
    const stopped = await cli(["run", "seed.ts", "--store", "abort-store"], {
      cwd: work.dir,
      env: env(),
      signal: controller.signal,
      onStderr,
    });
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toContain(
      "stopping at the next request boundary; what is stored stays (Ctrl-C again to quit now)",
    );
    expect(stopped.stderr).toMatch(/^✗ \w+: interrupted \(.*\); what it stored stays$/m);
    expect(stopped.stdout).toMatch(
      /^Interrupted: \d+ of 24 resources complete; what is stored stays\. Run again to sync the rest \(with --max-requests it resumes where this run stopped\)\.$/m,
    );

    const rest = await cli(["run", "seed.ts", "--store", "abort-store"], { cwd: work.dir, env: env() });
    expect(rest.code).toBe(0);
    expect(await storeVsApi("abort-store", "seed")).toEqual([]);
  });

  // Unbudgeted runs start afresh after a kill; budgeted ones resume from the position saved with the pages
  // (with every page here, so the resume path is what the kills hit).
  const killModes = [
    { label: "runs without a budget", store: "killed-store", flags: [] as string[] },
    {
      label: "budgeted runs resuming their saved progress",
      store: "killed-budget-store",
      flags: ["--max-requests", "100000", "--progress-interval", "0"],
    },
  ];
  it.each(killModes)(
    "a run killed with SIGKILL at any point loses nothing: three kills, then one run, and the store equals the API ($label)",
    async ({ store: storeName, flags }) => {
      // The built CLI in its own process, as a user runs it; the fs store commits pages together, up to a second apart.
      const bin = fileURLToPath(new URL("../../dist/cli/index.js", import.meta.url));
      const config = fileURLToPath(new URL("../../examples/seed/restsync.config.ts", import.meta.url));
      const store = `${work.dir}/${storeName}`;
      const storedAfterKills: number[] = [];
      mock.setOptions({ latencyMs: 80 }); // about 5 s for the whole sync
      try {
        for (const delayMs of [1500, 300, 1200]) {
          const child = spawn(process.execPath, [bin, "run", config, "--store", store, "--name", "seed", ...flags], {
            env: { ...process.env, API_KEY: mock.apiKey, API_BASE_URL: mock.url },
            stdio: ["ignore", "ignore", "pipe"],
          });
          const exited = new Promise((resolve) => child.on("exit", resolve));
          // Killed some time after it reports a resource done (a commit comes at most a second after a write).
          await Promise.race([
            new Promise<void>((resolve) =>
              child.stderr.on("data", (chunk: Buffer) => void (chunk.toString().includes("✓ ") && resolve())),
            ),
            exited,
          ]);
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          child.kill("SIGKILL");
          await exited;
          storedAfterKills.push(await storedCount(store));
        }
      } finally {
        mock.setOptions({ latencyMs: 0 });
      }
      const rest = await cli(["run", "seed.ts", "--store", storeName, "--name", "seed", ...flags], {
        cwd: work.dir,
        env: env(),
      });
      expect(rest.code).toBe(0);
      expect(totalRow(rest.stdout).status).toBe("completed");
      expect(await storeVsApi(storeName, "seed")).toEqual([]);
      const all = await storedCount(store);
      console.log(
        `records stored after each kill (${flags.join(" ") || "no budget"}): ${storedAfterKills.join(", ")} of ${all}`,
      );
      // The first kill came mid-sync: pages were committed before it, not all of them.
      expect(storedAfterKills[0]).toBeGreaterThan(0);
      expect(storedAfterKills[0]).toBeLessThan(all);
    },
  );

  it("a wrong key is one 401 and one message naming the environment variable to check, not a line per resource", async () => {
    mock.clearLog();
    const result = await cli(["run", "seed.ts", "--store", "wrong-key-store"], {
      cwd: work.dir,
      env: { API_KEY: "not-the-key" },
    });
    expect(result.code).toBe(1);
    expect(mock.requests).toHaveLength(1);
    const said = (text: string) => lines(text).filter((line) => line.includes("rejected the credential"));
    expect(said(result.stderr)).toEqual([
      expect.stringContaining('check secrets["api_key"] (from the environment variable API_KEY)'),
    ]);
    expect(said(result.stdout)).toHaveLength(1);
    expect(lines(result.stderr).filter((line) => line.includes("401"))).toHaveLength(2);
    expect(result.stderr + result.stdout).not.toContain("not-the-key");
  });

  it("a missing secret stops before any request or change (exit 3), even with --full-refresh", async () => {
    const ok = await cli(["run", "small.json", "--store", "secret-store"], { cwd: work.dir, env: env() });
    expect(ok.code).toBe(0);
    mock.clearLog();
    const missing = await cli(["run", "small.json", "--store", "secret-store", "--full-refresh"], {
      cwd: work.dir,
      env: {},
    });
    expect(missing.code).toBe(3);
    // The names dlt would read it under too (the pipeline's name is the source's section).
    expect(missing.stderr).toContain(
      'client.auth.api_key: secret "api_key" is not set: set API_KEY or SOURCES__REST_API__SMALL__API_KEY or SOURCES__REST_API__API_KEY or SOURCES__SMALL__API_KEY or SOURCES__API_KEY in the environment or .dlt/secrets.toml, or map another variable with --secret api_key=ENV_VAR',
    );
    expect(mock.requests).toHaveLength(0);
    expect(await storeVsApi("secret-store", "small", ["epics", "epics_comments", "labels"])).toEqual([]);

    const unset = await cli(["run", "small.json", "--secret", "api_key=SHORTCUT_TOKEN"], { cwd: work.dir, env: env() });
    expect(unset.code).toBe(3);
    expect(unset.stderr).toContain("--secret api_key=SHORTCUT_TOKEN: environment variable SHORTCUT_TOKEN is not set");
  });

  it("runs a JSON config with --secret, --name and --resources; --json prints the report", async () => {
    const result = await cli(
      [
        "run",
        "small.json",
        "--store",
        "json-store",
        "--name",
        "shortcut",
        "--resources",
        "epics_comments",
        "--secret",
        "api_key=SHORTCUT_TOKEN",
        "--json",
      ],
      {
        cwd: work.dir,
        env: { SHORTCUT_TOKEN: mock.apiKey },
      },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ pipeline: "shortcut", status: "completed" });
    expect(Object.keys(report.resources)).toEqual(["epics", "epics_comments"]);
    expect(report.resources.epics).toMatchObject({ stored: false, records: 0 });
    expect(result.stderr).toContain("✓ epics (feeds children, not stored):");
    expect(await storeVsApi("json-store", "shortcut", ["epics_comments"])).toEqual([]);

    const unknown = await cli(["run", "small.json", "--resources", "epics,nope"], { cwd: work.dir, env: env() });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(
      '--resources: unknown resource "nope" (the config has epics, epics_comments, labels)',
    );
  });

  it("--full-refresh with --resources forgets only those resources", async () => {
    expect((await cli(["run", "small.json", "--store", "scoped-store"], { cwd: work.dir, env: env() })).code).toBe(0);
    const refreshed = await cli(
      ["run", "small.json", "--store", "scoped-store", "--full-refresh", "--resources", "labels"],
      { cwd: work.dir, env: env() },
    );
    expect(refreshed.code).toBe(0);
    expect(refreshed.stderr).toContain("full refresh: forgot 8 records and the cursors of 1 resource");
    expect(refreshed.stdout).toMatch(/^labels\s+completed\s+8\s+0\s+1\s/m);
    expect(refreshed.stdout).not.toMatch(/^epics/m);

    const after = await cli(["run", "small.json", "--store", "scoped-store"], { cwd: work.dir, env: env() });
    expect(after.stdout).toMatch(/^epics\s+completed\s+0\s+20\s/m); // its cursor was kept: nothing new
    expect(await storeVsApi("scoped-store", "small", ["epics", "epics_comments", "labels"])).toEqual([]);
  });

  it("shows retries and errors; a failed resource makes the run partial (exit 2), nothing completed makes it failed (exit 1)", async () => {
    mock.faults.add({ match: "/v1/labels", status: 503, times: 1 });
    mock.faults.add({ match: "/v1/epics", status: 400, times: 1 });
    const partial = await cli(["run", "small.json", "--store", "fault-store"], { cwd: work.dir, env: env() });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/^↻ labels: retry 1 in \d+ ms \(HTTP 503\)$/m);
    expect(partial.stderr).toMatch(/^✓ labels: 8 written, 0 unchanged, 2 requests, 1 retry, \d+ ms$/m);
    expect(partial.stderr).toMatch(/^✗ epics: failed \(0 written, .*\): .*400/m);
    expect(partial.stderr).toMatch(/^- epics_comments: skipped: .*parent epics did not complete$/m);
    expect(totalRow(partial.stdout)).toMatchObject({ status: "partial", retries: 1 });
    expect(partial.stdout).toMatch(/^error: epics: .*400/m);

    work.file(
      "broken-path.json",
      JSON.stringify({
        client: { base_url: mock.url, auth: { type: "api_key", name: "api_key", api_key: 'secrets["api_key"]' } },
        resources: [{ name: "nope", endpoint: { path: "/v1/nope" } }],
      }),
    );
    const failed = await cli(["run", "broken-path.json", "--store", "fault-store"], { cwd: work.dir, env: env() });
    expect(failed.code).toBe(1);
    expect(totalRow(failed.stdout).status).toBe("failed");
    expect(failed.stdout).toMatch(/^error: nope: .*404/m);
  });

  it("an invalid config is reported with every issue before anything runs (exit 3)", async () => {
    work.file(
      "invalid.json",
      JSON.stringify({
        client: { base_url: mock.url },
        resources: [{ name: "epics", endpoint: { path: "/v1/epics", paginator: { type: "cursr" } } }],
      }),
    );
    const result = await cli(["run", "invalid.json"], { cwd: work.dir, env: env() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("resources[0].endpoint.paginator.type");
  });
});
