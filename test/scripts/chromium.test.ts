import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../scripts/chromium.mjs", import.meta.url));
let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(tmpdir(), "restsync-chromium-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A bin folder holding a fake apt-get that logs its arguments and, on install, puts a "chromium" where Debian's would be. */
function fakeApt(options: { fails?: boolean } = {}): { bin: string; log: string } {
  const bin = path.join(dir, "bin");
  const log = path.join(dir, "apt.log");
  mkdirSync(bin);
  const aptGet = path.join(bin, "apt-get");
  writeFileSync(
    aptGet,
    [
      "#!/bin/sh",
      `echo "$DEBIAN_FRONTEND $*" >> ${JSON.stringify(log)}`,
      options.fails ? 'echo "E: Unable to locate package chromium" >&2; exit 100' : "",
      `case "$*" in *install*) printf '#!/bin/sh\\n' > "$RESTSYNC_DEBIAN_CHROMIUM"; /bin/chmod +x "$RESTSYNC_DEBIAN_CHROMIUM";; esac`,
    ].join("\n"),
  );
  chmodSync(aptGet, 0o755);
  return { bin, log };
}

/** Runs the pretest check as npm would, with only `env` (no inherited CHROMIUM_PATH or PATH). */
function check(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [script], {
    env: { RESTSYNC_DEBIAN_CHROMIUM: path.join(dir, "usr-bin-chromium"), ...env },
    encoding: "utf8",
  });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe("npm test's Chromium check (scripts/chromium.mjs, the pretest)", () => {
  it("passes silently when Debian's Chromium is there", () => {
    writeFileSync(path.join(dir, "usr-bin-chromium"), "#!/bin/sh\n");
    chmodSync(path.join(dir, "usr-bin-chromium"), 0o755);
    const { bin, log } = fakeApt();
    expect(check({ PATH: bin, RESTSYNC_ASSUME_ROOT: "1" })).toEqual({ code: 0, stderr: "", stdout: "" });
    expect(existsSync(log)).toBe(false);
  });

  it("as root with apt-get: installs Debian's chromium (lists first, non-interactive), says so in one line, and passes", () => {
    const { bin, log } = fakeApt();
    const result = check({ PATH: bin, RESTSYNC_ASSUME_ROOT: "1" });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "npm test: installing Debian's Chromium for the browser suite (apt-get install chromium, about 20 s)\n",
    );
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "noninteractive update -qq",
      "noninteractive install -y -qq chromium",
    ]);
    expect(existsSync(path.join(dir, "usr-bin-chromium"))).toBe(true);
  });

  it.each([
    ["without apt-get on PATH", () => ({ PATH: path.join(dir, "empty"), RESTSYNC_ASSUME_ROOT: "1" })],
    ["when not root", () => ({ PATH: fakeApt().bin, RESTSYNC_ASSUME_ROOT: "0" })],
  ])("%s: stops before anything runs with the one line that says what to install", (_, env) => {
    const result = check(env());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `npm test: the browser suite needs Chromium and there is none at ${path.join(dir, "usr-bin-chromium")}: install Debian's Chromium (as root: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary\n`,
    );
    expect(existsSync(path.join(dir, "apt.log"))).toBe(false);
  });

  it("when apt-get fails: shows its error and the same instruction, exit 1", () => {
    const { bin } = fakeApt({ fails: true });
    const result = check({ PATH: bin, RESTSYNC_ASSUME_ROOT: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("E: Unable to locate package chromium\n");
    expect(result.stderr.trim().split("\n").at(-1)).toBe(
      "npm test: installing Chromium with apt-get failed (above): install Debian's Chromium (as root: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary",
    );
  });

  it("CHROMIUM_PATH that is not an executable: stops and says so, installing nothing (Debian's would not be used)", () => {
    const { bin, log } = fakeApt();
    const result = check({ PATH: bin, RESTSYNC_ASSUME_ROOT: "1", CHROMIUM_PATH: "/nonexistent" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `npm test: CHROMIUM_PATH=/nonexistent is not an executable: point it at a Chromium or Chrome binary, or unset it to use Debian's at ${path.join(dir, "usr-bin-chromium")}\n`,
    );
    expect(existsSync(log)).toBe(false);
  });

  it("CHROMIUM_PATH at an executable: passes without looking for Debian's", () => {
    const { bin, log } = fakeApt();
    expect(check({ PATH: bin, RESTSYNC_ASSUME_ROOT: "1", CHROMIUM_PATH: process.execPath }).code).toBe(0);
    expect(existsSync(log)).toBe(false);
  });
});
