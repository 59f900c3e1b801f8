#!/usr/bin/env node
// @ts-check
/**
 * Makes sure the browser suite has a Chromium before `npm test` runs anything
 * (npm runs this as `pretest`; `.ci/run` runs `npm test` too, so both install
 * it the same way and only once).
 *
 * - CHROMIUM_PATH set: it must be an executable, else stop (installing Debian's
 *   would not help: the tests would still look at CHROMIUM_PATH).
 * - Otherwise Debian's `/usr/bin/chromium` (what vitest.config.ts drives); when it
 *   is missing and this process is root with apt-get on PATH, install it
 *   (`apt-get install chromium`, about 20 s); else stop with one line that says
 *   what to install.
 *
 * Plain Node, no dependencies: it runs before anything is built. Two environment
 * variables exist only for its tests: RESTSYNC_DEBIAN_CHROMIUM (where Debian's
 * package puts the binary) and RESTSYNC_ASSUME_ROOT ("1" or "0").
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

const env = process.env;
const debianPath = env.RESTSYNC_DEBIAN_CHROMIUM || "/usr/bin/chromium";
const isRoot = env.RESTSYNC_ASSUME_ROOT ? env.RESTSYNC_ASSUME_ROOT === "1" : process.getuid?.() === 0;
const instruction = `install Debian's Chromium (as root: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary`;

/** @param {string} file */
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} command */
function onPath(command) {
  return (env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && isExecutable(path.join(dir, command)));
}

/** @param {string} message */
function stop(message) {
  process.stderr.write(`npm test: ${message}\n`);
  process.exit(1);
}

/** @param {string[]} args */
function aptGet(args) {
  const result = spawnSync("apt-get", args, { env: { ...env, DEBIAN_FRONTEND: "noninteractive" }, encoding: "utf8" });
  if (result.status !== 0)
    process.stderr.write(
      `${(result.stderr || result.stdout || String(result.error ?? "")).trim().split("\n").slice(-3).join("\n")}\n`,
    );
  return result.status === 0;
}

if (env.CHROMIUM_PATH) {
  if (!isExecutable(env.CHROMIUM_PATH))
    stop(
      `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable: point it at a Chromium or Chrome binary, or unset it to use Debian's at ${debianPath}`,
    );
} else if (!isExecutable(debianPath)) {
  if (!isRoot || !onPath("apt-get"))
    stop(`the browser suite needs Chromium and there is none at ${debianPath}: ${instruction}`);
  process.stderr.write(
    `npm test: installing Debian's Chromium for the browser suite (apt-get install chromium, about 20 s)\n`,
  );
  // A fresh Debian image has no package lists yet.
  const installed = aptGet(["update", "-qq"]) && aptGet(["install", "-y", "-qq", "chromium"]);
  if (!installed || !isExecutable(debianPath)) stop(`installing Chromium with apt-get failed (above): ${instruction}`);
}
