import { describe, expect, it } from "vitest";
import * as core from "../../src/pipeline/_state";
import * as cli from "../../cli/_keys";

describe("the CLI's copy of restsync's store names", () => {
  it("agrees with the core's (src/pipeline/_state.ts), odd names included", () => {
    for (const [pipeline, resource] of [["seed", "epics"], ["a/b c", "ü%/x"], ["p", "__proto__"]] as const) {
      expect(cli.stateKey(pipeline, resource)).toBe(core.stateKey(pipeline, resource));
      expect(cli.cycleKey(pipeline)).toBe(core.cycleKey(pipeline));
      expect(cli.fanoutKey(pipeline, resource)).toBe(core.fanoutKey(pipeline, resource));
      expect(cli.tableName(pipeline, resource, 3)).toBe(core.tableName(pipeline, resource, 3));
    }
  });

  it("keeps the CLI's own entries apart from every core key", () => {
    expect(cli.cliPipelinesKey.startsWith("/")).toBe(true);
    expect(cli.cliPipelineKey("seed").startsWith("/")).toBe(true);
    expect(core.stateKey("", "x").startsWith("/")).toBe(true); // only an empty pipeline name, which createPipeline refuses
  });
});
