import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPipelineName } from "../../cli/_load-config";
import { type MockApi, startMockApi } from "../mock/index";
import { cli, smallJsonConfig, workDir } from "./_harness";

describe("the CLI's default pipeline name", () => {
  it.each([
    ["/work/shop/orders.ts", "orders"],
    ["/work/shop/orders.config.ts", "orders"],
    ["/work/shop/orders.config.json", "orders"],
    ["/work/shop/restsync.config.ts", "shop"],
    ["/work/shop/restsync.config.mjs", "shop"],
    ["/work/shop/restsync.json", "shop"],
    ["/work/seed/config.ts", "seed"],
  ])("%s → %s", (file, name) => {
    expect(defaultPipelineName(file)).toBe(name);
  });

  describe("in a run", () => {
    let mock: MockApi;
    const work = workDir();
    beforeAll(async () => {
      mock = await startMockApi({ datasetOptions: { size: "small" } });
      mkdirSync(path.join(work.dir, "shop"));
      work.file("shop/restsync.config.json", smallJsonConfig(mock.url));
    });
    afterAll(async () => {
      await mock.close();
      work.cleanup();
    });

    it('restsync run shop/restsync.config.json runs pipeline "shop", and inspect with the config finds it', async () => {
      const run = await cli(["run", "shop/restsync.config.json"], { cwd: work.dir, env: { API_KEY: mock.apiKey } });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('pipeline "shop": 2 resources from shop/restsync.config.json into .restsync');
      const inspect = await cli(["inspect", "shop/restsync.config.json"], { cwd: work.dir });
      expect(inspect.stdout).toContain('pipeline "shop" in .restsync');
    });
  });
});
