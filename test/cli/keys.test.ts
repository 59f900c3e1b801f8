import { describe, expect, it } from "vitest";
import * as cli from "../../cli/_keys";
import * as core from "../../src/pipeline/_state";

describe("the CLI's own state entries", () => {
  it("stay apart from every core key", () => {
    expect(cli.cliPipelinesKey.startsWith("/")).toBe(true);
    expect(cli.cliPipelineKey("seed").startsWith("/")).toBe(true);
    for (const pipeline of ["seed", "a/b c", "/x"]) {
      expect(core.stateKey(pipeline, "epics").startsWith("/")).toBe(false);
      expect(core.cycleKey(pipeline).startsWith("/")).toBe(false);
    }
    expect(core.stateKey("", "x").startsWith("/")).toBe(true); // only an empty pipeline name, which createPipeline refuses
  });
});
