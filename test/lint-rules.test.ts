/**
 * The core's runtime rules are lint rules (biome.json), not a grep: a core module
 * importing a Node builtin or another package, or touching a runtime global, fails
 * `npm test`. Checked here on probe files linted with the project's own config.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "restsync-lint-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
writeFileSync(join(work, "biome.json"), JSON.stringify({ ...config, $schema: undefined, vcs: { enabled: false } }));

/** The rules biome reports for `source` placed at `path` (relative to a project using restsync's config). */
function lint(path: string, source: string): string[] {
  mkdirSync(join(work, path, ".."), { recursive: true });
  writeFileSync(join(work, path), source);
  const biome = join(root, "node_modules/.bin/biome");
  try {
    execFileSync(biome, ["lint", "--max-diagnostics=50", path], { cwd: work, encoding: "utf8", stdio: "pipe" });
    return [];
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    return [...new Set([...output.matchAll(/lint\/\w+\/(\w+)/g)].map((m) => m[1]!))].sort();
  }
}

describe("the core's runtime rules", () => {
  it("refuse Node builtins and other packages in src/", () => {
    expect(lint("src/a.ts", 'import { readFileSync } from "node:fs";\nexport const a = readFileSync;\n')).toEqual([
      "noNodejsModules",
      "noRestrictedImports",
    ]);
    expect(lint("src/b.ts", 'import { openDB } from "idb";\nexport const b = openDB;\n')).toEqual([
      "noRestrictedImports",
    ]);
  });

  it("refuse runtime globals in src/", () => {
    expect(
      lint("src/c.ts", "export const c = () => [window.location, process.env, Buffer.from(''), indexedDB];\n"),
    ).toEqual(["noRestrictedGlobals"]);
  });

  it("let the core use ofetch, valibot and its own modules, and adapters their runtime", () => {
    expect(
      lint(
        "src/d.ts",
        'import { ofetch } from "ofetch";\nimport * as v from "valibot";\nimport { e } from "./e";\nimport { f } from "../f";\nexport const d = [ofetch, v, e, f];\n',
      ),
    ).toEqual([]);
    expect(
      lint("adapters/fs/g.ts", 'import { readFile } from "node:fs/promises";\nexport const g = readFile;\n'),
    ).toEqual([]);
  });
});
