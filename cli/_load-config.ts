import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";
import { isConfigError, type RestApiConfig, type RestApiSource, restApiSource } from "restsync";
import { type CliIo, UsageError } from "./_io";

/** A config that was found but could not be evaluated: a syntax error, a throwing module, no export. */
export class ConfigLoadError extends Error {
  override readonly name = "ConfigLoadError";
}

export interface LoadedSource {
  /** Absolute path of the config file. */
  file: string;
  /** The default pipeline name: see {@link defaultPipelineName}. */
  baseName: string;
  source: RestApiSource;
}

const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];
const SUBPATHS = [
  "restsync",
  "restsync/worker",
  "restsync/adapters/memory",
  "restsync/adapters/idb",
  "restsync/adapters/cloudflare-kv",
  "restsync/adapters/fs",
];

/**
 * Loads a config file and validates it into a source. A module's default export,
 * else its `config` or `source` export, may be a config or a source made with
 * `restApiSource`; a JSON file is a config. Throws `UsageError` for a missing
 * file or an unknown extension, `ConfigLoadError` for one that cannot be
 * evaluated, and restsync's `ConfigError` for an invalid config.
 */
export async function loadSource(file: string, io: CliIo): Promise<LoadedSource> {
  const absolute = path.resolve(io.cwd, file);
  const extension = path.extname(absolute).toLowerCase();
  if (!existsSync(absolute)) throw new UsageError(`config file not found: ${file}`);
  if (extension !== ".json" && !MODULE_EXTENSIONS.includes(extension)) {
    throw new UsageError(`cannot load ${file}: expected a .ts, .mts, .js, .mjs or .json config`);
  }
  const value = extension === ".json" ? await readJson(absolute, file) : await importModule(absolute, file, io);
  const source = isSource(value) ? value : restApiSource(value as RestApiConfig);
  return { file: absolute, baseName: defaultPipelineName(absolute), source };
}

/** File names that say nothing about what they sync, once `.config` is off. */
const GENERIC_NAMES = new Set(["restsync", "config"]);

/**
 * The pipeline name a config file gets unless `--name` says otherwise: its name
 * without the extension and a `.config` suffix (`orders.config.ts` → `orders`);
 * a generic name (`restsync.config.ts`, `config.ts`) takes its folder's name.
 */
export function defaultPipelineName(file: string): string {
  const name = path.basename(file, path.extname(file)).replace(/\.config$/i, "");
  const folder = path.basename(path.dirname(file));
  return GENERIC_NAMES.has(name.toLowerCase()) && folder !== "" ? folder : name;
}

function isSource(value: unknown): value is RestApiSource {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "restsync.source";
}

async function readJson(absolute: string, shown: string): Promise<unknown> {
  const text = await readFile(absolute, "utf8");
  try {
    // restApiSource reads the JSON spelling of a secret, "secrets[\"api_key\"]", as the secret it names.
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigLoadError(`cannot parse ${shown}: ${(error as Error).message}`);
  }
}

async function importModule(absolute: string, shown: string, io: CliIo): Promise<unknown> {
  // No module cache: a long-lived process (tests, a watcher) sees the file as it is now.
  const jiti = createJiti(import.meta.url, {
    moduleCache: false,
    interopDefault: false,
    alias: { ...(io.moduleAliases ?? selfAliases()) },
  });
  let namespace: Record<string, unknown>;
  try {
    namespace = (await jiti.import(absolute)) as Record<string, unknown>;
  } catch (error) {
    if (isConfigError(error)) throw error;
    throw new ConfigLoadError(`cannot load ${shown}: ${(error as Error)?.message ?? String(error)}`);
  }
  const value = namespace?.default ?? namespace?.config ?? namespace?.source;
  if (value === undefined || value === null) {
    throw new ConfigLoadError(
      `${shown} exports no config: export it as the default export or as \`config\` (a config object, or a source made with restApiSource)`,
    );
  }
  return value;
}

/**
 * A config's `restsync` imports resolve to the restsync running the CLI: a
 * config then needs no local install, and its source and the pipeline that
 * runs it come from the same copy.
 */
function selfAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const specifier of SUBPATHS) {
    try {
      aliases[specifier] = fileURLToPath(import.meta.resolve(specifier));
    } catch {
      // Not built or not exported (yet): left to ordinary resolution from the config's folder.
    }
  }
  return aliases;
}
