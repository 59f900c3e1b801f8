/**
 * The origin, redirect and body cases of test/contract/origin-cases.ts in Node,
 * each against its own pair of scripted servers on 127.0.0.1 (the same cases run
 * in Chromium, test/browser/origins.test.ts, and in workerd, test/workers/origins.test.ts).
 * Bomb cases also watch the process's memory while they run.
 */
import { describe, expect, it } from "vitest";
import { bombOf, startScriptedPair } from "./_helpers/scripted-server";
import { originCasesFor } from "./contract/origin-cases";
import { checkOriginCase, runOriginCase } from "./contract/origin-runner";

/** Peak growth of the process's resident memory while `run` runs, sampled every 5 ms. */
async function peakGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

describe("origins and redirects (Node)", () => {
  for (const c of originCasesFor("node")) {
    it(c.name, async () => {
      const pair = await startScriptedPair(c.foreign);
      try {
        // The server's compressed bomb is made before measuring: only the client's memory counts.
        for (const route of c.routes.api) if (route.bomb) await bombOf(route.bomb.encoding, route.bomb.bytes);
        const { result: outcome, growth } = await peakGrowth(() => runOriginCase(c, pair));
        if (c.nodeMemory !== undefined) {
          console.log(`${c.name.slice(0, c.name.indexOf(" under"))}: peak RSS +${Math.round(growth / 2 ** 20)} MiB`);
          expect(growth, `RSS grew by ${Math.round(growth / 2 ** 20)} MiB`).toBeLessThan(c.nodeMemory);
        }
        checkOriginCase(c, outcome, "node", expect);
      } finally {
        await pair.close();
      }
    }, 60_000);
  }
});
