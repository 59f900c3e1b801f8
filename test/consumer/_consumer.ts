import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** The environment for npm and node children: without the npm_* variables of the `npm test` that runs us. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: "1", ...extra };
}

/** `npm pack` of the repository as built (`npm test` builds dist first): the tarball's path and the files it holds. */
export async function pack(into: string): Promise<{ tarball: string; files: string[] }> {
  if (!existsSync(path.join(repo, "dist/index.js")))
    throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], {
    cwd: repo,
    env: childEnv(),
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(into, packed!.filename), files: packed!.files.map((f) => f.path) };
}

function packageJson(dir: string): { version: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    version: string;
    dependencies?: Record<string, string>;
  };
}

/** `names` and everything they depend on, as installed in the repository's node_modules. */
function closure(names: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(packageJson(path.join(repo, "node_modules", name)).dependencies ?? {}));
  }
  return [...seen];
}

/**
 * A fresh project in `dir` that installs `tarball` with npm, offline. npm
 * resolves a new dependency from full registry metadata, which the machine's
 * cache may lack; so restsync's own dependencies (and the consumer's valibot
 * and @types/node) are copied in first from the repository's node_modules,
 * the versions its lockfile pins, and npm keeps them as they satisfy the ranges.
 */
export async function createConsumer(dir: string, tarball: string): Promise<void> {
  const restsync = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const own = { valibot: packageJson(path.join(repo, "node_modules/valibot")).version };
  const dev = { "@types/node": packageJson(path.join(repo, "node_modules/@types/node")).version };
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      { name: "restsync-consumer", private: true, type: "module", dependencies: own, devDependencies: dev },
      null,
      2,
    ),
  );
  mkdirSync(path.join(dir, "node_modules"));
  for (const name of closure([...Object.keys(restsync.dependencies), ...Object.keys(own), ...Object.keys(dev)])) {
    cpSync(path.join(repo, "node_modules", name), path.join(dir, "node_modules", name), { recursive: true });
  }
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: dir, env: childEnv() });
}

/** Runs the repository's TypeScript compiler (the pinned 5.9) on a consumer's tsconfig; resolves with its output. */
export async function tsc(dir: string, project: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", project, "--pretty", "false"],
      { cwd: dir, env: childEnv() },
    );
    return { ok: true, output: stdout };
  } catch (error) {
    return {
      ok: false,
      output: `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`,
    };
  }
}

/** Runs `node args` in the consumer; never rejects: the exit code and output are the result. */
export async function node(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: dir, env: childEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
