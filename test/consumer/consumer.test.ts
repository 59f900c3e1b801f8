import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, startMockApi } from "../mock/index";
import { startWorker } from "../workers/_miniflare";
import { createConsumer, node, pack, repo, tsc } from "./_consumer";
import { readmeSnippets, type Snippet } from "./_readme-snippets";

/**
 * The way in, as a user takes it: `npm pack`, a fresh project under the OS's
 * temp folder that installs the tarball, strict TypeScript (strict,
 * exactOptionalPropertyTypes, nodenext for Node), every public entry imported,
 * and every TypeScript snippet of the README compiled and run against the mock API.
 */
const snippets = readmeSnippets(readFileSync(path.join(repo, "README.md"), "utf8"));
const exported = Object.keys(
  (JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { exports: Record<string, unknown> }).exports,
)
  .filter((subpath) => subpath !== "./package.json")
  .map((subpath) => (subpath === "." ? "restsync" : `restsync/${subpath.slice(2)}`));

const strict = {
  skipDefaultLibCheck: true,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  target: "ES2022",
};
const TSCONFIG = {
  node: {
    ...strict,
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["ES2022"],
    types: ["node"],
    outDir: "../out",
    rootDir: ".",
  },
  // What Vite and wrangler projects use: bundler resolution, and the runtime's globals instead of Node's.
  browser: {
    ...strict,
    module: "ESNext",
    moduleResolution: "bundler",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: [],
    noEmit: true,
  },
  worker: {
    ...strict,
    module: "ESNext",
    moduleResolution: "bundler",
    lib: ["ES2022", "WebWorker"],
    types: [],
    noEmit: true,
  },
} as const;

let dir: string;
let mock: MockApi;
let packed: { tarball: string; files: string[] };
/** The three compiles, run together once the project is written (each takes seconds: every .d.ts is checked). */
let compiled: Record<Snippet["runtime"], { ok: boolean; output: string }>;
const file = (runtime: Snippet["runtime"], snippet: Snippet) => `${runtime}/readme-line-${snippet.line}.ts`;

/** What the README calls `config`: a config like the quick start's, pointed at the mock. */
const givenConfig = (url: string) => `import { secrets, type RestApiConfig } from "restsync";

export const config: RestApiConfig = {
  client: { base_url: ${JSON.stringify(url)}, auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "header" } },
  resource_defaults: { primary_key: "id", write_disposition: "merge", endpoint: { incremental: { cursor_path: "updated_at" } } },
  resources: [
    { name: "epics", endpoint: { path: "/v1/epics", data_selector: "data" } },
    { name: "epics_comments", endpoint: { path: "/v1/epics/{epic_id}/comments", data_selector: "data" } },
  ],
};
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "restsync-consumer-"));
  mock = await startMockApi({ datasetOptions: { size: "small" } });
  packed = await pack(dir);
  const app = path.join(dir, "app");
  mkdirSync(app);
  await createConsumer(app, packed.tarball);
  for (const runtime of ["node", "browser", "worker"] as const) {
    mkdirSync(path.join(app, runtime));
    writeFileSync(
      path.join(app, runtime, "tsconfig.json"),
      JSON.stringify({ compilerOptions: TSCONFIG[runtime], include: ["*.ts"] }, null, 2),
    );
    writeFileSync(path.join(app, runtime, "_given.ts"), givenConfig(mock.url));
  }
  for (const snippet of snippets) {
    const given = snippet.given.map((name) => `import { ${name} } from "./_given.js";\n`).join("");
    writeFileSync(
      path.join(app, file(snippet.runtime, snippet)),
      `${given}${snippet.code.replaceAll("https://api.example.com", mock.url)}\n`,
    );
  }
  writeFileSync(
    path.join(app, "node/entries.ts"),
    [
      ...exported.map((entry, i) => `import * as entry${i} from "${entry}";`),
      `console.log(JSON.stringify({ ${exported.map((entry, i) => `"${entry}": Object.keys(entry${i})`).join(", ")} }));`,
    ].join("\n"),
  );
  const [node, browser, worker] = await Promise.all(
    ["node", "browser", "worker"].map((runtime) => tsc(app, `${runtime}/tsconfig.json`)),
  );
  compiled = { node: node!, browser: browser!, worker: worker! };
  // Generous: a loaded 2-core machine compiles slowly; nothing here measures time.
}, 300_000);

afterAll(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const app = () => path.join(dir, "app");

/** Runs `step` with a clean request log and checks it reached the mock, and that every answer was a 200 (a wrong key or path would not be). */
async function againstTheMock<T>(step: () => Promise<T>): Promise<T> {
  mock.clearLog();
  const result = await step();
  expect(mock.requests.length).toBeGreaterThan(0);
  expect(mock.requests.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.path}`)).toEqual([]);
  return result;
}

describe("a fresh project that installs the packed package", () => {
  it("the tarball holds the build, the README, the licence and the changelog, and no sources or tests", () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/cli/index.js",
      ]),
    );
    expect(packed.files.filter((f) => /^(src|test|adapters|cli|examples)\//.test(f))).toEqual([]);
  });

  it("the bin runs: restsync --version", async () => {
    const result = await node(app(), ["node_modules/.bin/restsync", "--version"]);
    expect(result).toMatchObject({
      code: 0,
      stdout: `${JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")).version}\n`,
    });
  });

  it("every README TypeScript snippet is marked with where it runs", () => {
    expect(snippets.map((s) => `${s.heading}: ${s.runtime}`)).toEqual(
      expect.arrayContaining([
        "Quick start (Node): node",
        "Typed configs: node",
        "Browser: browser",
        "Cloudflare Worker: worker",
        "Node: node",
      ]),
    );
  });

  it.each(["node", "browser", "worker"] as const)(
    "strict tsc (%s): every entry's types and the README's snippets compile",
    (runtime) => {
      const result = compiled[runtime];
      expect(result.output).toBe("");
      expect(result.ok).toBe(true);
    },
  );

  it("imports every entry with import and with require(), and each has its public names", async () => {
    const esm = await node(app(), ["out/entries.js"]);
    expect(esm.stderr).toBe("");
    const names = JSON.parse(esm.stdout) as Record<string, string[]>;
    expect(Object.keys(names).sort()).toEqual([...exported].sort());
    expect(names.restsync).toEqual(
      expect.arrayContaining(["restApiSource", "createPipeline", "secrets", "defineConfig", "isConfigError"]),
    );
    expect(names["restsync/adapters/fs"]).toEqual(["fsAdapter"]);
    expect(names["restsync/worker"]).toContain("scheduledHandler");
    expect(names["restsync/cli"]).toContain("main");
    const cjs = await node(app(), [
      "--input-type=commonjs",
      "-e",
      `for (const entry of ${JSON.stringify(exported)}) require(entry); console.log("ok")`,
    ]);
    expect(cjs).toMatchObject({ code: 0, stdout: "ok\n" });
  });

  // A "types only" snippet is compiled, not run (the SQL stores' needs better-sqlite3, an optional peer the consumer lacks).
  describe.each(snippets.filter((s) => s.runtime === "node" && !s.typesOnly))(
    "README line $line ($heading)",
    (snippet) => {
      it("runs with Node against the mock API and syncs", async () => {
        const result = await againstTheMock(() =>
          node(app(), [`out/readme-line-${snippet.line}.js`], { API_KEY: mock.apiKey }),
        );
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        if (snippet.heading === "Quick start (Node)") expect(result.stdout).toMatch(/^completed \{/m);
      });
    },
  );

  it("without the optional better-sqlite3, the SQLite store says what to install (and importing it is fine)", async () => {
    const result = await node(app(), [
      "--input-type=module",
      "-e",
      `import { sqliteAdapter } from "restsync/adapters/sqlite";
       try { sqliteAdapter("x.sqlite").count("t"); } catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`,
    ]);
    expect(result.stderr).toBe("");
    const error = JSON.parse(result.stdout) as { name: string; code: string; message: string };
    expect(error).toMatchObject({ name: "StorageError", code: "store_driver_missing" });
    expect(error.message).toContain("npm install better-sqlite3");
  });

  it("the Node snippet's store is the CLI's: restsync show --store reads what it synced", async () => {
    const result = await node(app(), [
      "node_modules/.bin/restsync",
      "show",
      "epics",
      "--name",
      "analytics",
      "--store",
      ".restsync",
      "--json",
    ]);
    expect(result.stderr).toBe("");
    const shown = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: number });
    expect(shown.map((epic) => epic.id).sort((a, b) => a - b)).toEqual(
      mock
        .expected("epics")
        .map((epic) => epic.id as number)
        .sort((a, b) => a - b),
    );
  });

  it.each(snippets.filter((s) => s.runtime === "worker"))(
    "README line $line ($heading): runs in workerd against the mock API and syncs",
    async (snippet) => {
      const bundled = await build({
        entryPoints: [path.join(app(), file("worker", snippet))],
        absWorkingDir: app(),
        bundle: true,
        write: false,
        format: "esm",
        platform: "browser",
        conditions: ["workerd", "worker", "browser"],
        target: "es2022",
        logLevel: "silent",
      });
      const mf = startWorker(bundled.outputFiles[0]!.text, { API_KEY: mock.apiKey });
      try {
        const worker = (await mf.getWorker()) as unknown as {
          scheduled(options: { cron: string }): Promise<{ outcome: string }>;
        };
        await againstTheMock(async () => expect((await worker.scheduled({ cron: "*/10 * * * *" })).outcome).toBe("ok"));
      } finally {
        await mf.dispose();
      }
    },
  );
});
