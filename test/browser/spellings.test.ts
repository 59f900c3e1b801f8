import { createPipeline } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { describe, expect, it } from "vitest";
import { runSpellingsScenario, SPELLINGS_EXPECTED } from "../scenarios/spellings";
import { startSpellingsMock } from "./_hub";

describe("dlt's spellings in Chromium", () => {
  it("literal braces, static path params, an empty and a literal client header, custom and endpoint auth, a body-rewriting hook", async () => {
    const url = await startSpellingsMock();
    const pipeline = createPipeline({ name: "spellings", store: idbAdapter({ dbName: `spellings-${Date.now()}` }) });
    const result = await runSpellingsScenario(pipeline, url);
    expect(result.errors).toEqual([undefined, undefined]);
    expect(result.stored).toEqual(SPELLINGS_EXPECTED);
  });
});
