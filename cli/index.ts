#!/usr/bin/env node
/**
 * The `restsync` command: `run`, `validate`, `inspect`, `show`, `query` and `schema` over a
 * config file and a durable store on disk (a SQLite file per pipeline, or `restsync/adapters/fs`). `main` is the whole CLI, for
 * tests and embedding; run as a program, this file wires it to the process.
 */
import { getEventListeners, setMaxListeners } from "node:events";
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isConfigError } from "restsync";
import { version } from "../package.json";
import { HELP } from "./_help";
import { type CliIo, EXIT, UsageError, writeLine } from "./_io";
import { ConfigLoadError } from "./_load-config";
import { inspectCommand } from "./inspect";
import { queryCommand } from "./query";
import { runCommand } from "./run";
import { schemaCommand } from "./schema";
import { showCommand } from "./show";
import { validateCommand } from "./validate";

export type { CliIo } from "./_io";
export { EXIT } from "./_io";

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  run: runCommand,
  validate: validateCommand,
  inspect: inspectCommand,
  show: showCommand,
  query: queryCommand,
  schema: schemaCommand,
};

/**
 * Runs the CLI with `argv` (without the node and script paths) and returns the exit code.
 *
 * @example
 * const code = await main(["run", "shortcut.ts", "--max-requests", "50"], { stdout, stderr, env, cwd, isTTY: false });
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined) {
      writeLine(io.stderr, HELP.main);
      return EXIT.usage;
    }
    if (command === "--help" || command === "-h") {
      writeLine(io.stdout, HELP.main);
      return EXIT.ok;
    }
    if (command === "help") {
      const topic = args[0] === undefined ? "main" : args[0];
      if (!(topic in HELP))
        throw new UsageError(`no help for "${topic}": the commands are ${Object.keys(COMMANDS).join(", ")}`);
      writeLine(io.stdout, HELP[topic as keyof typeof HELP]);
      return EXIT.ok;
    }
    if (command === "--version" || command === "-v") {
      writeLine(io.stdout, version);
      return EXIT.ok;
    }
    const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!handler) {
      throw new UsageError(
        command.startsWith("-")
          ? `unknown option ${command} (options come after the command)`
          : `unknown command "${command}": the commands are ${Object.keys(COMMANDS).join(", ")}`,
      );
    }
    return await handler([...args], io);
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    writeLine(io.stderr, `restsync: ${error.message}`);
    writeLine(io.stderr, `Run "restsync ${error.command ? `${error.command} ` : ""}--help" for usage.`);
    return EXIT.usage;
  }
  if (isConfigError(error) || error instanceof ConfigLoadError) {
    writeLine(io.stderr, `restsync: ${error.message}`);
    return EXIT.usage;
  }
  const e = error as { name?: string; message?: string; stack?: string };
  writeLine(io.stderr, `restsync: ${e?.name ?? "Error"}: ${e?.message ?? String(error)}`);
  if (io.env.RESTSYNC_DEBUG && e?.stack) writeLine(io.stderr, e.stack);
  return EXIT.failed;
}

/** The process's io: stderr decides between live and plain progress; the first Ctrl-C stops the run cleanly. */
function processIo(): CliIo {
  const controller = new AbortController();
  // Each request in flight listens on the signal (removed after it): more than Node's warning threshold of 10 is normal.
  setMaxListeners(0, controller.signal);
  process.once("SIGINT", () => {
    // Nothing to stop cleanly (no run going on): quit as Ctrl-C would.
    if (getEventListeners(controller.signal, "abort").length === 0) process.exit(130);
    controller.abort();
    process.once("SIGINT", () => process.exit(130));
  });
  // A live view hides the cursor; whatever happens, give it back.
  process.once("exit", () => void (process.stderr.isTTY && process.stderr.write("\x1b[?25h")));
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
    rows: process.stderr.rows,
    signal: controller.signal,
  };
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

// No top-level await: Node's require() of this entry (embedding `main`) would refuse it.
if (isEntryPoint()) void main(process.argv.slice(2), processIo()).then((code) => (process.exitCode = code));
