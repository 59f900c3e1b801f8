import { createPipeline } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { describe, expect, it } from "vitest";
import { runSearchBodiesScenario, SB_EXPECTED } from "../scenarios/search-bodies";
import { startSearchBodiesMock } from "./_hub";

describe("request bodies in Chromium: JSON paged through the body, form and raw", () => {
  it("sends each body as the API then echoes it into the stored records", async () => {
    const url = await startSearchBodiesMock();
    const pipeline = createPipeline({
      name: "search-bodies",
      store: idbAdapter({ dbName: `search-bodies-${Date.now()}` }),
    });
    const { report, stored } = await runSearchBodiesScenario(pipeline, url);
    expect(report.status, JSON.stringify(report.resources)).toBe("completed");
    expect(stored).toEqual(SB_EXPECTED);
  });
});
