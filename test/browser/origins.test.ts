/**
 * The origin, redirect and body cases of test/contract/origin-cases.ts in real
 * Chromium: the hub starts a pair of scripted servers per case (on 127.0.0.1,
 * cross-origin to this page, with CORS), the tab runs the case and reads what
 * each origin received. A bomb case also shows that the tab survives it.
 */
import { describe, expect, it } from "vitest";
import { originCasesFor } from "../contract/origin-cases";
import { checkOriginCase, runOriginCase } from "../contract/origin-runner";
import { startScriptedPair } from "./_hub";

describe("origins and redirects (Chromium)", () => {
  for (const c of originCasesFor("chromium")) {
    it(c.name, async () => {
      const pair = await startScriptedPair(c.foreign);
      const outcome = await runOriginCase(c, pair);
      checkOriginCase(c, outcome, "chromium", expect);
    }, 60_000);
  }
});
