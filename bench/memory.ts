import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { round } from "./_measure";

function measureIn(total: number): {
  total: number;
  written: number;
  status: string;
  requests: number;
  seconds: number;
  peakRssMb: number;
} {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./_memory-child.ts", import.meta.url)), String(total)],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return JSON.parse(out);
}

/** 5. Peak RSS syncing 100k and 1M records (offset pagination, 1,000 a page) into a write-through store, each in a fresh process. */
export function benchMemory() {
  const small = measureIn(100_000);
  const large = measureIn(1_000_000);
  const ratio = round(large.peakRssMb / small.peakRssMb);
  return {
    at100k: { peakRssMb: round(small.peakRssMb, 0), seconds: round(small.seconds, 1), written: small.written },
    at1M: { peakRssMb: round(large.peakRssMb, 0), seconds: round(large.seconds, 1), written: large.written },
    ratio,
    goal: "1M / 100k peak RSS ≤ 1.3",
    met: ratio <= 1.3 && large.written === 1_000_000,
  };
}
