/**
 * The origin, redirect and body cases of test/contract/origin-cases.ts in workerd
 * (Miniflare): Node starts a pair of scripted servers per case, the test Worker
 * runs the case against them (its fetches are the Worker's subrequests) and checks
 * it with the same expectations as Node and Chromium.
 */

import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedPair } from "../_helpers/scripted-server";
import { originCasesFor } from "../contract/origin-cases";
import { bundleWorker, startWorker } from "./_miniflare";

let mf: Miniflare;
beforeAll(async () => {
  mf = startWorker(await bundleWorker("test/workers/worker-entry.ts"), {
    API_BASE_URL: "http://127.0.0.1:9",
    API_KEY: "unused",
  });
}, 60_000);
afterAll(() => mf?.dispose());

describe("origins and redirects (workerd)", () => {
  for (const c of originCasesFor("workerd")) {
    it(c.name, async () => {
      const pair = await startScriptedPair(c.foreign);
      try {
        const query = new URLSearchParams({ name: c.name, api: pair.api, foreign: pair.foreign });
        const result = (await (await mf.dispatchFetch(`http://worker/origin-case?${query}`)).json()) as {
          ok: boolean;
          error?: string;
        };
        // The Worker's assertion, first line (what failed) as the message.
        expect(result.ok, result.error && `${result.error.split("\n")[0]} … ${result.error.split("\n").at(-1)}`).toBe(
          true,
        );
      } finally {
        await pair.close();
      }
    }, 60_000);
  }
});
