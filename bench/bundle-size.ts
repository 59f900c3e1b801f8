/**
 * Bundle size of what an app ships: each entry is bundled with esbuild the
 * way a browser app's bundler would (minified ESM, es2022, tree-shaken, the
 * "browser" export condition), then gzipped at level 9. Budgets, in gzip
 * bytes, come from package.json `"sizeBudgets"` (`{ "core": 12288, … }`).
 *
 * Code behind a dynamic `import()` is split into chunks, as an app's bundler
 * splits it, and counted apart: an entry's size is what loads up front (its
 * file and the chunks it imports statically, gzipped as one, as Vite or Rollup
 * would put them in one chunk). The worker entry is bundled as wrangler does,
 * into one file with dynamic imports inlined.
 *
 * Run alone: `npx tsx bench/bundle-size.ts` prints the result as JSON;
 * `npx tsx bench/bundle-size.ts --check` prints a table and exits 1 when an
 * entry is over its budget (entries without a budget never fail); add `--all`
 * to list every input of the core bundle, not only the ten biggest.
 *
 * "restsync" resolves through tsconfig.json's `paths` to the sources (src/,
 * adapters/), so no build is needed first: the numbers are those of the code
 * in the working tree.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

/** Each entry's source: what an app imports, re-exported so that nothing is shaken away. */
export const BUNDLE_ENTRIES = {
  core: `export { restApiSource, createPipeline } from "restsync";\nexport { memoryAdapter } from "restsync/adapters/memory";\n`,
  "core + idb": `export { restApiSource, createPipeline } from "restsync";\nexport { memoryAdapter } from "restsync/adapters/memory";\nexport { idbAdapter } from "restsync/adapters/idb";\n`,
  "core + cloudflare-kv": `export { restApiSource, createPipeline } from "restsync";\nexport { memoryAdapter } from "restsync/adapters/memory";\nexport { kvAdapter } from "restsync/adapters/cloudflare-kv";\n`,
  worker: `export { scheduledHandler } from "restsync/worker";\nexport { kvAdapter } from "restsync/adapters/cloudflare-kv";\n`,
  "worker + d1": `export { scheduledHandler } from "restsync/worker";\nexport { d1Adapter } from "restsync/adapters/d1";\n`,
} as const;

export type BundleEntryName = keyof typeof BUNDLE_ENTRIES;

export interface BundleEntrySize {
  /** Minified bundle, bytes. */
  minified: number;
  /** The minified bundle gzipped (level 9), bytes. */
  gzip: number;
  /** From package.json `sizeBudgets[entry]`, gzip bytes; null when none is set. */
  budget: number | null;
  /** gzip <= budget; null when there is no budget. */
  withinBudget: boolean | null;
  /** Chunks behind a dynamic `import()`, loaded only by configs that use them; not in the figures above. */
  lazy: Array<{ inputs: string[]; minified: number; gzip: number }>;
}

export interface BundleContributor {
  /** A package name (`valibot`, `@scope/name`) or a project file (`src/config/_schema.ts`). */
  name: string;
  /** Bytes it adds to the minified bundle (esbuild's bytesInOutput, summed per package). */
  bytes: number;
  /**
   * Bytes it adds to the gzipped bundle: the growth of the gzip stream over its stretches of the
   * minified output (found through the source map), so that the figures add up to the bundle's gzip size.
   */
  gzip: number;
}

export interface BundleSizeResult {
  entries: Record<BundleEntryName, BundleEntrySize>;
  /** The ten biggest inputs of the `core` bundle after minification. */
  coreTopContributors: BundleContributor[];
  /** Every input of the `core` bundle, biggest first; they add up to its minified size less esbuild's glue. */
  coreContributors: BundleContributor[];
  /** Minified bytes of the `core` bundle per area: a dependency, or a folder of the project (`src/config`). */
  coreAreas: BundleContributor[];
  /** True when no entry is over its budget. */
  withinBudget: boolean;
  /** Same as `withinBudget` when at least one budget is set; absent otherwise (nothing to hold the sizes to). */
  met?: boolean;
  esbuild: string;
}

const root = fileURLToPath(new URL("..", import.meta.url));

/** package.json `sizeBudgets`, keeping only numeric entries. */
async function readBudgets(): Promise<Record<string, number>> {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
    sizeBudgets?: unknown;
  };
  const budgets: Record<string, number> = {};
  if (pkg.sizeBudgets && typeof pkg.sizeBudgets === "object") {
    for (const [name, value] of Object.entries(pkg.sizeBudgets))
      if (typeof value === "number" && Number.isFinite(value)) budgets[name] = value;
  }
  return budgets;
}

/** `node_modules/@scope/pkg/dist/x.js` → `@scope/pkg`; project files keep their path. */
function contributorName(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at === -1) return input;
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export async function benchBundleSize(): Promise<BundleSizeResult> {
  const esbuild = await import("esbuild");
  const budgets = await readBudgets();
  const entries = {} as Record<BundleEntryName, BundleEntrySize>;
  let coreContributors: BundleContributor[] = [];
  let coreAreas: BundleContributor[] = [];

  for (const [name, contents] of Object.entries(BUNDLE_ENTRIES) as Array<[BundleEntryName, string]>) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: root, sourcefile: `bundle-size-${name.replace(/\W+/g, "-")}.ts`, loader: "ts" },
      absWorkingDir: root,
      outdir: "bundle-size",
      entryNames: "entry",
      // As an app's bundler does for a browser: code behind a dynamic import() goes to chunks loaded on first use.
      // Wrangler bundles a Worker into one file, dynamic imports inlined: the worker entry counts them.
      splitting: name !== "worker",
      sourcemap: name === "core" ? "external" : false,
      tsconfig: "tsconfig.json",
      bundle: true,
      minify: true,
      treeShaking: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      conditions: ["browser"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const { loaded, lazy } = splitOutputs(result.metafile);
    const fileOf = (path: string) => result.outputFiles.find((file) => file.path === `${root}${path}`)!;
    // Files that load together are gzipped as one: an app's bundler (Vite, Rollup) puts code that the entry
    // imports statically in the entry's own chunk, where esbuild makes a shared chunk of it.
    const sizes = (paths: string[]) => {
      const bytes = Buffer.concat(paths.map((path) => fileOf(path).contents));
      return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    };
    const { minified, gzip } = sizes(loaded);
    const budget = budgets[name] ?? null;
    entries[name] = {
      minified,
      gzip,
      budget,
      withinBudget: budget === null ? null : gzip <= budget,
      lazy: lazy.map((path) => ({ inputs: chunkInputs(result.metafile.outputs[path]!), ...sizes([path]) })),
    };

    if (name === "core") {
      const gzipBytes = gzipShares(
        loaded.map((path) => ({
          code: fileOf(path).contents,
          map: JSON.parse(fileOf(`${path}.map`).text) as SourceMap,
        })),
      );
      const bytes = new Map<string, number>();
      for (const path of loaded) {
        for (const [input, { bytesInOutput }] of Object.entries(result.metafile.outputs[path]!.inputs)) {
          if (input.startsWith("<stdin>") || input.startsWith("bundle-size-")) continue; // the entry's own re-exports
          const key = contributorName(input);
          bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
        }
      }
      const gzipOf = new Map<string, number>();
      for (const [input, size] of gzipBytes)
        gzipOf.set(contributorName(input), (gzipOf.get(contributorName(input)) ?? 0) + size);
      const biggestFirst = (sizes: Map<string, number>, gz: Map<string, number>) =>
        [...sizes]
          .map(([name, size]) => ({ name, bytes: size, gzip: gz.get(name) ?? 0 }))
          .sort((a, b) => b.bytes - a.bytes);
      coreContributors = biggestFirst(bytes, gzipOf);
      const areaOf = (input: string) =>
        input.includes("/") && !input.startsWith("@") ? input.slice(0, input.lastIndexOf("/")) : input;
      const areas = new Map<string, number>();
      const areaGzip = new Map<string, number>();
      for (const [input, size] of bytes) areas.set(areaOf(input), (areas.get(areaOf(input)) ?? 0) + size);
      for (const [input, size] of gzipOf) areaGzip.set(areaOf(input), (areaGzip.get(areaOf(input)) ?? 0) + size);
      coreAreas = biggestFirst(areas, areaGzip);
    }
  }

  const withinBudget = Object.values(entries).every((entry) => entry.withinBudget !== false);
  const anyBudget = Object.values(entries).some((entry) => entry.budget !== null);
  return {
    entries,
    coreTopContributors: coreContributors.slice(0, 10),
    coreContributors,
    coreAreas,
    withinBudget,
    ...(anyBudget ? { met: withinBudget } : {}),
    esbuild: esbuild.version,
  };
}

type Metafile = import("esbuild").Metafile;

/**
 * The entry's output and every chunk it imports statically (what loads up front),
 * and the chunks only a dynamic `import()` reaches (loaded on first use).
 */
function splitOutputs(metafile: Metafile): { loaded: string[]; lazy: string[] } {
  const js = Object.keys(metafile.outputs).filter((path) => path.endsWith(".js"));
  const entry = js.find((path) => metafile.outputs[path]!.entryPoint !== undefined)!;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of metafile.outputs[path]!.imports)
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(entry);
  return { loaded: [...loaded], lazy: js.filter((path) => !loaded.has(path)) };
}

/** A lazy chunk's project files (or packages), biggest first, for the table. */
function chunkInputs(output: Metafile["outputs"][string]): string[] {
  return Object.entries(output.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([input]) => contributorName(input));
}

interface SourceMap {
  sources: string[];
  mappings: string;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes one source-map segment (base64 VLQ) into its numbers. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * Gzip bytes per source: the minified output (the files that load together, one
 * after another) is cut into stretches by the source maps (bytes without a mapping
 * go to the source before them), and each stretch is charged the growth of the gzip
 * stream as it is appended, so the shares add up to the whole.
 */
function gzipShares(files: Array<{ code: Uint8Array; map: SourceMap }>): Map<string, number> {
  let text = "";
  // Where each stretch starts (character offset in the output) and whose it is.
  const starts: Array<[number, string]> = [];
  for (const { code, map } of files) {
    const offset = text.length;
    text += new TextDecoder().decode(code);
    const lineStarts = [offset];
    for (let i = offset; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
    let source = 0;
    let first = true;
    map.mappings.split(";").forEach((line, lineIndex) => {
      let column = 0;
      for (const segment of line.split(",")) {
        if (!segment) continue;
        const [columnDelta = 0, sourceDelta] = decodeSegment(segment);
        column += columnDelta;
        if (sourceDelta === undefined) continue;
        source += sourceDelta;
        const name = map.sources[source]!.replace(/^(\.\.\/)+/, "");
        // A preamble before a file's first mapping goes to that file's first source.
        if (starts.at(-1)?.[1] !== name || first) starts.push([first ? offset : lineStarts[lineIndex]! + column, name]);
        first = false;
      }
    });
  }
  const encoder = new TextEncoder();
  const shares = new Map<string, number>();
  let before = 0;
  starts.forEach(([, name], i) => {
    const end = i + 1 < starts.length ? starts[i + 1]![0] : text.length;
    const after = gzipSync(encoder.encode(text.slice(0, end)), { level: 9 }).length;
    shares.set(name, (shares.get(name) ?? 0) + after - before);
    before = after;
  });
  return shares;
}

/** A plain-text table of the result, for `--check` and for humans. */
export function formatBundleSizeTable(result: BundleSizeResult, all = false): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows = [["entry", "minified", "gzip", "budget (gzip)", "status"]];
  for (const [name, entry] of Object.entries(result.entries)) {
    rows.push([
      name,
      `${entry.minified} B (${kb(entry.minified)})`,
      `${entry.gzip} B (${kb(entry.gzip)})`,
      entry.budget === null ? "—" : `${entry.budget} B (${kb(entry.budget)})`,
      entry.withinBudget === null ? "no budget" : entry.withinBudget ? "ok" : `OVER by ${entry.gzip - entry.budget!} B`,
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  const table = [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  const lazy = result.entries.core.lazy;
  if (lazy.length > 0) {
    table.push("", "core, chunks loaded on first use (not in the sizes above):", "  minified    gzip");
    for (const chunk of lazy)
      table.push(
        `  ${String(chunk.minified).padStart(8)}  ${String(chunk.gzip).padStart(6)}  ${chunk.inputs.join(", ")}`,
      );
  }
  const row = ({ name, bytes, gzip }: BundleContributor) =>
    `  ${String(bytes).padStart(8)}  ${String(gzip).padStart(6)}  ${name}`;
  table.push("", "core, by area:", "  minified    gzip");
  for (const area of result.coreAreas) table.push(row(area));
  table.push("", `core, ${all ? "every input" : "biggest inputs"}:`, "  minified    gzip");
  for (const input of all ? result.coreContributors : result.coreTopContributors) table.push(row(input));
  return table.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchBundleSize().then(
    (result) => {
      if (!process.argv.includes("--check")) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(formatBundleSizeTable(result, process.argv.includes("--all")));
      const over = Object.entries(result.entries).filter(([, entry]) => entry.withinBudget === false);
      if (over.length > 0) {
        console.error(`\nover budget: ${over.map(([name]) => name).join(", ")}`);
        process.exitCode = 1;
      } else if (Object.values(result.entries).every((entry) => entry.budget === null)) {
        console.log('\nno budgets set (package.json "sizeBudgets"): nothing to check');
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
