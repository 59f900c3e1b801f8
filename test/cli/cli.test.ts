import { afterAll, describe, expect, it } from "vitest";
import { cli, workDir } from "./_harness";

const work = workDir();
afterAll(() => work.cleanup());
const run = (...argv: string[]) => cli(argv, { cwd: work.dir });

describe("restsync: help, version and usage errors", () => {
  it("--help lists the commands and documents every exit code", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    for (const text of ["restsync run <config>", "restsync validate <config>", "restsync inspect", "Exit codes:"])
      expect(stdout).toContain(text);
    for (const exit of ["0  done", "1  the run failed", "2  the run is partial", "3  nothing ran"])
      expect(stdout).toContain(exit);
  });

  it("<command> --help and help <command> print the command's options", async () => {
    const run1 = await run("run", "--help");
    expect(run1.code).toBe(0);
    for (const option of ["--store", "--name", "--resources", "--full-refresh", "--max-requests", "--secret"])
      expect(run1.stdout).toContain(option);
    expect((await run("help", "inspect")).stdout).toContain("Usage: restsync inspect");
    expect((await run("validate", "-h")).stdout).toContain("Usage: restsync validate");
  });

  it("--version prints the package version", async () => {
    const { code, stdout } = await run("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("no command prints the help to stderr and exits 3", async () => {
    const { code, stderr } = await run();
    expect(code).toBe(3);
    expect(stderr).toContain("Usage:");
  });

  it("an unknown command or option is a usage error (exit 3) that says what was meant", async () => {
    const unknownCommand = await run("sync", "x.ts");
    expect(unknownCommand.code).toBe(3);
    expect(unknownCommand.stderr).toContain('unknown command "sync": the commands are run, validate, inspect');

    const typo = await run("run", "x.ts", "--max-request", "5");
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain('unknown option --max-request for "restsync run" (did you mean --max-requests?)');
    expect(typo.stderr).toContain('Run "restsync run --help" for usage.');

    expect((await run("run", "x.ts", "--store")).stderr).toContain("option --store needs a value");
    expect((await run("run", "x.ts", "--full-refresh=yes")).stderr).toContain("option --full-refresh takes no value");
    expect((await run("--frobnicate")).stderr).toContain("unknown option --frobnicate");
  });

  it("missing or extra arguments and bad values are usage errors", async () => {
    expect(await run("run")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining('"restsync run" needs <config>'),
    });
    expect(await run("validate", "a.ts", "b.ts")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining('unexpected argument "b.ts"'),
    });
    expect(await run("run", "a.ts", "--max-requests", "0")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("--max-requests must be a positive whole number"),
    });
    expect(await run("run", "a.ts", "--secret", "api_key")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("--secret expects name=ENV_VAR"),
    });
    expect(await run("run", "missing.ts")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("config file not found: missing.ts"),
    });
    work.file("config.yaml", "client: {}");
    expect(await run("validate", "config.yaml")).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("expected a .ts, .mts, .js, .mjs or .json config"),
    });
  });
});
