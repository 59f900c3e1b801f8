/** pipeline.reset(): dlt's full refresh, from code. */

import { ConfigError, createPipeline, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { withBaseUrl } from "../examples/seed/config";
import { useMockApis } from "./_helpers/mock-apis";
import { diffStoreAgainstApi } from "./_helpers/store-vs-api";
import type { MockApi } from "./mock/index";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

describe("pipeline.reset", () => {
  it("forgets the records, cursors and progress of the resources named; the next run fetches them all again", async () => {
    const source = restApiSource(withBaseUrl(mock.url));
    const pipeline = createPipeline({
      name: "reset",
      store: memoryAdapter(),
      secrets: { api_key: mock.apiKey },
      source,
    });
    await pipeline.run(undefined, { resources: ["epics", "labels"] });
    const epics = await pipeline.count("epics");
    expect(epics).toBeGreaterThan(0);
    expect(await pipeline.reset(["epics"])).toEqual({ records: epics });
    expect(await pipeline.count("epics")).toBe(0);
    expect(await pipeline.state("epics")).toBeUndefined();
    expect((await pipeline.state("labels"))?.cursor).toBeDefined();
    const again = await pipeline.run(undefined, { resources: ["epics", "labels"] });
    expect(again.resources.epics!.records).toBe(epics);
    expect(again.resources.labels!.records).toBe(0);
    expect(await diffStoreAgainstApi(pipeline, mock, ["epics", "labels"])).toEqual([]);
  });

  it("without names resets every resource of the pipeline's source, and the sync cycle", async () => {
    const source = restApiSource(withBaseUrl(mock.url));
    const pipeline = createPipeline({
      name: "reset-all",
      store: memoryAdapter(),
      secrets: { api_key: mock.apiKey },
      source,
    });
    await pipeline.run(undefined, { maxRequests: 20 });
    expect(await pipeline.cycle()).toBeDefined();
    const { records } = await pipeline.reset();
    expect(records).toBeGreaterThan(0);
    expect(await pipeline.cycle()).toBeUndefined();
    for (const resource of source.resources) expect(await pipeline.count(resource.name)).toBe(0);
  });

  it("needs names when the pipeline has no source, and refuses names its source lacks", async () => {
    await expect(createPipeline({ name: "x", store: memoryAdapter() }).reset()).rejects.toThrow(TypeError);
    const source = restApiSource(withBaseUrl(mock.url));
    await expect(
      createPipeline({ name: "x", store: memoryAdapter(), source }).reset(["epicz" as "epics"]),
    ).rejects.toThrow(ConfigError);
  });
});
