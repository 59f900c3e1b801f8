import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Bundles a Worker entry the way wrangler would (ESM, worker conditions), resolving restsync to its sources:
 * a file, or `{ contents }`, a module's source whose imports resolve from the repository's root.
 */
export async function bundleWorker(entry: string | { contents: string }): Promise<string> {
  const result = await build({
    ...(typeof entry === "string"
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: root, loader: "ts" as const } }),
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    logLevel: "silent",
    tsconfig: `${root}/tsconfig.json`,
  });
  return result.outputFiles[0]!.text;
}

/** A Miniflare (workerd) instance running `script` with a KV namespace `STATE` and a D1 database `DB`. */
export function startWorker(script: string, bindings: Record<string, string>): Miniflare {
  return new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2025-04-01",
    kvNamespaces: ["STATE"],
    d1Databases: ["DB"],
    bindings,
  });
}
