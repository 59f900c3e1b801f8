import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, smallJsonConfig, workDir } from "./_harness";

/** The CLI reads dlt's `.dlt/secrets.toml` and `config.toml` as dlt does: environment first, then secrets, then config. */
let mock: MockApi;
const work = workDir();
beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small", seed: 3 } });
  work.file("small.json", smallJsonConfig(mock.url, [{ name: "labels", endpoint: { path: "/v1/labels" } }]));
  mkdirSync(path.join(work.dir, ".dlt"));
});
afterAll(async () => {
  await mock.close();
  work.cleanup();
});

const toml = (file: string, text: string) => writeFileSync(path.join(work.dir, ".dlt", file), text);
const run = (env: Record<string, string> = {}) =>
  cli(["run", "small.json", "--store", "toml-store", "--name", "small"], { cwd: work.dir, env });

describe("restsync run reads .dlt/secrets.toml and config.toml", () => {
  it("a secret under [sources.rest_api] in .dlt/secrets.toml, as dlt's TOML provider holds it", async () => {
    toml("secrets.toml", `[sources.rest_api]\napi_key = "${mock.apiKey}"\n`);
    toml("config.toml", `api_key = "not-the-key"\n`);
    const result = await run();
    expect(result.stderr).toMatch(/^✓ labels: /m);
    expect(result.code).toBe(0);
  });

  it("the environment wins over secrets.toml, and secrets.toml over config.toml", async () => {
    toml("secrets.toml", `[sources.rest_api]\napi_key = "wrong-from-toml"\n`);
    const fromEnv = await run({ SOURCES__REST_API__API_KEY: mock.apiKey });
    expect(fromEnv.code).toBe(0);

    const wrong = await run();
    expect(wrong.code).not.toBe(0);
    // The message says where the rejected key came from.
    expect(wrong.stdout + wrong.stderr).toContain(".dlt/secrets.toml (sources.rest_api.api_key)");
  });

  it("a missing secret names dlt's variables; a broken TOML file is a config error naming the file", async () => {
    toml("secrets.toml", "");
    toml("config.toml", "");
    const missing = await run();
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("SOURCES__REST_API__SMALL__API_KEY or SOURCES__REST_API__API_KEY");

    toml("secrets.toml", "[sources\napi_key = 1");
    const broken = await run();
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/\.dlt\/secrets\.toml: not valid TOML/);
  });
});
