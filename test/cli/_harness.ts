import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIo, main } from "../../cli/index";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** Loaded configs import `restsync` from the sources under test, not from a build in dist/. */
export const SOURCE_ALIASES = { restsync: path.join(repo, "src/index.ts") };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary working directory for one test, removed by `cleanup()`. */
export function workDir(): { dir: string; file(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "restsync-cli-"));
  return {
    dir,
    file(name, text) {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `main` in-process with captured output. */
export async function cli(
  argv: string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    isTTY?: boolean;
    columns?: number;
    signal?: AbortSignal;
    onStderr?: (chunk: string) => void;
  },
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        options.onStderr?.(chunk);
      },
    },
    env: { ...options.env },
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    columns: options.columns ?? 120,
    rows: 40,
    moduleAliases: SOURCE_ALIASES,
    signal: options.signal,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A TypeScript config importing "restsync": the seed config, pointed at `url`. */
export function seedConfigModule(url: string): string {
  const seed = path.join(repo, "examples/seed/config.ts");
  return [
    `import type { RestApiConfig } from "restsync";`,
    `import { seedConfig } from ${JSON.stringify(seed)};`,
    ``,
    `const config: RestApiConfig = { ...seedConfig, client: { ...seedConfig.client, base_url: ${JSON.stringify(url)} } };`,
    `export default config;`,
    ``,
  ].join("\n");
}

/** A small JSON config: epics and their comments, secrets as JSON spells them. */
export function smallJsonConfig(url: string, extra: Record<string, unknown>[] = []): string {
  return JSON.stringify(
    {
      client: {
        base_url: url,
        auth: { type: "api_key", name: "api_key", api_key: 'secrets["api_key"]', location: "header" },
      },
      resource_defaults: {
        primary_key: "id",
        write_disposition: "merge",
        endpoint: {
          data_selector: "data",
          paginator: { type: "single_page" },
          incremental: { cursor_path: "updated_at" },
          error_handler: { backoff_factor: 0.01 },
        },
      },
      resources: [
        { name: "epics", endpoint: { path: "/v1/epics" } },
        { name: "epics_comments", endpoint: { path: "/v1/epics/{epic_id}/comments" } },
        ...extra,
      ],
    },
    null,
    2,
  );
}

/** Lines of `text` without trailing blanks. */
export const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
