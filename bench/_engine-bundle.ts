/**
 * The engine as it ships: `src/` and `adapters/` bundled with esbuild into one
 * ESM file and imported. tsx, which runs the benchmarks, compiles sources with
 * `keepNames` (every function and class is wrapped by a `__name` call that sets
 * its name when it is created), which the published build has not: a closure
 * made per request then costs a property definition the shipped code never pays.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { Engine } from "./engine";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Bundles the engine whose sources are under `dir` (default: this working tree) into `out` and imports it. */
export async function loadEngine(dir = root, out?: string): Promise<Engine> {
  if (out === undefined) {
    // Once imported the file is not needed any more.
    const temporary = mkdtempSync(join(tmpdir(), "restsync-engine-"));
    try {
      return await loadEngine(dir, join(temporary, "engine.mjs"));
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  }
  await build({
    stdin: {
      contents:
        'export { createPipeline, restApiSource } from "./src/index.ts"; export { memoryAdapter } from "./adapters/memory/index.ts";',
      resolveDir: dir,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outfile: out,
    nodePaths: [join(root, "node_modules")],
    // Adapters import the core by its package name: the same side's sources, never the built dist/.
    alias: { restsync: join(dir, "src/index.ts") },
    logLevel: "error",
  });
  return (await import(pathToFileURL(out).href)) as Engine;
}
