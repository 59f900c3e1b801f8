import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * What an example's entry bundles, with restsync left to the package: the files it takes in
 * (absolute paths) and the module names it imports from outside.
 */
export async function exampleImports(entry: string): Promise<{ inputs: string[]; external: Set<string> }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "browser",
    format: "esm",
    logLevel: "silent",
    external: ["restsync", "restsync/*"],
  });
  return {
    inputs: Object.keys(result.metafile.inputs).map((input) => path.resolve(root, input)),
    external: new Set(Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path))),
  };
}
