import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "restsync";
import { parse } from "smol-toml";
import type { SecretLayer } from "./_secrets";

/**
 * Values of dlt's `.dlt/secrets.toml` and `.dlt/config.toml`, read as dlt reads them: the
 * project's `.dlt` folder (under the working directory) before the global one (`DLT_DATA_DIR`,
 * else `~/.dlt`). Two layers, as dlt has two providers: `secrets.toml`, then `config.toml`.
 * Each string leaf is kept under its environment-variable name (`[sources.rest_api] api_key` →
 * `SOURCES__REST_API__API_KEY`), the project's winning; `origins` says which file and key.
 */
export function readDltToml(cwd: string, env: Readonly<Record<string, string | undefined>>): SecretLayer[] {
  const home = env.DLT_DATA_DIR ?? (env.HOME ? path.join(env.HOME, ".dlt") : undefined);
  const dirs = [path.join(cwd, ".dlt"), ...(home ? [home] : [])];
  return ["secrets.toml", "config.toml"].map((file) => {
    const values: Record<string, string> = Object.create(null);
    const origins: Record<string, string> = Object.create(null);
    for (const dir of dirs) {
      const at = path.join(dir, file);
      let text: string;
      try {
        text = readFileSync(at, "utf8");
      } catch {
        continue; // dlt reads the files that exist
      }
      let document: unknown;
      try {
        document = parse(text);
      } catch (error) {
        // smol-toml's message names line and column, never a value.
        const why = String((error as Error).message).split("\n")[0];
        throw new ConfigError([{ path: at, message: `not valid TOML: ${why}` }]);
      }
      const shown = path.relative(cwd, at) || at;
      const walk = (node: unknown, keys: string[]) => {
        if (typeof node === "string") {
          const name = keys.join("__").toUpperCase();
          if (!(name in values)) {
            values[name] = node;
            origins[name] = `${shown} (${keys.join(".")})`;
          }
        } else if (typeof node === "object" && node !== null && !Array.isArray(node)) {
          for (const [key, child] of Object.entries(node)) walk(child, [...keys, key]);
        }
      };
      walk(document, []);
    }
    return { values, origins };
  });
}
