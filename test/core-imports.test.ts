import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the core stays runtime-agnostic", () => {
  const core = files(join(root, "src"));

  it("imports only ofetch, valibot and its own modules (runtime entries import the core by name)", () => {
    const offenders: string[] = [];
    for (const file of core) {
      const runtimeEntry = file.includes(`${join("src", "worker")}`);
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/g)) {
        const allowed = spec!.startsWith(".") ? !runtimeEntry : spec === "ofetch" || spec === "valibot" || (runtimeEntry && spec === "restsync");
        if (!allowed) offenders.push(`${file.slice(root.length)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("touches no runtime-specific global", () => {
    const forbidden = /\b(indexedDB|localStorage|sessionStorage|window\.|document\.|Deno\.|Bun\.|require\(|__dirname|Buffer\.)/;
    const offenders = core.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => !line.trim().startsWith("//") && !line.trim().startsWith("*") && forbidden.test(line))
        .map((line) => `${file.slice(root.length)}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
