import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import tsup from "../tsup.config";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
  sideEffects: boolean;
  type: string;
  engines: { node: string };
};
const entries = (tsup as { entry: Record<string, string> }).entry;

/** What each public entry must export (`npm test` builds dist before this runs). */
const expectedExports: Record<string, string[]> = {
  ".": [
    "restApiSource",
    "createPipeline",
    "secrets",
    "defineConfig",
    "ConfigError",
    "HttpError",
    "isConfigError",
    "BudgetExhaustedError",
  ],
  "./adapters/memory": ["memoryAdapter"],
  "./adapters/idb": ["idbAdapter"],
  "./adapters/cloudflare-kv": ["kvAdapter"],
  "./adapters/fs": ["fsAdapter"],
  "./worker": ["scheduledHandler"],
  "./cli": ["main"],
};

describe("the published package", () => {
  const subpaths = Object.keys(pkg.exports).filter((key) => key !== "./package.json");

  it("is ESM-only, side-effect free and says which Node it needs", () => {
    expect(pkg.type).toBe("module");
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe(">=20.19");
  });

  it("exports exactly the entries tsup builds, and every target exists in dist", () => {
    const built = Object.keys(entries).map((entry) => (entry === "index" ? "." : `./${entry.replace(/\/index$/, "")}`));
    expect(new Set(subpaths)).toEqual(new Set(built));
    for (const subpath of subpaths) {
      const target = pkg.exports[subpath] as { types: string; default: string };
      expect(existsSync(`${root}${target.default}`), target.default).toBe(true);
      expect(existsSync(`${root}${target.types}`), target.types).toBe(true);
    }
  });

  it.each(Object.keys(expectedExports))("%s imports from dist in Node with its public names", async (subpath) => {
    const target = pkg.exports[subpath] as { default: string };
    const module = (await import(pathToFileURL(`${root}${target.default}`).href)) as Record<string, unknown>;
    for (const name of expectedExports[subpath]!) expect(module[name], `${subpath} → ${name}`).toBeDefined();
  });

  it("keeps one copy of the core: every adapter and the worker entry import it by name", () => {
    for (const subpath of subpaths.filter((s) => s !== ".")) {
      const code = readFileSync(`${root}${(pkg.exports[subpath] as { default: string }).default}`, "utf8");
      expect(code, subpath).not.toMatch(/class RestsyncError/);
    }
  });
});
