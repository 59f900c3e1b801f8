/**
 * `npm run bench:ab -- <git-ref> [<git-ref-b>] [--rounds N] [--only http|replay] [--no-bigints]`: benchmark 1
 * (the seed sync's engine CPU) A/B. A is the engine at `<git-ref>`, B the working
 * tree (or `<git-ref-b>`). Each side's `src/` and `adapters/` are bundled the same
 * way (esbuild, this tree's node_modules) and loaded into this one process; both
 * run against the same mock process and dataset, in interleaved rounds (ABBA…),
 * and the medians, their ratio B/A and the median of the per-round ratios are
 * printed: over HTTP (CPU and wall), and on recorded responses replayed from
 * memory (the engine's own CPU). Garbage is collected before every sample.
 *
 * Unless `--no-bigints`, B is then also run on the same responses with a 19-digit
 * integer in every body (the lossless-parse slow path) against the plain ones,
 * and this tree's body parser alone is timed against JSON.parse on both.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseJson } from "../src/http/_json";
import { loadEngine } from "./_engine-bundle";
import { median, round } from "./_measure";
import { startMockProcess } from "./_mock-process";
import { type Engine, replayer, seedSync, sourceEngine } from "./engine";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args.splice(at, 2)[1];
};
const rounds = Number(option("--rounds") ?? 9);
const only = option("--only") as "http" | "replay" | undefined;
const bigints = !args.includes("--no-bigints");
const [refA, refB] = args.filter((arg) => !arg.startsWith("--"));
if (!refA) {
  console.error("usage: npm run bench:ab -- <git-ref> [<git-ref-b>] [--rounds N] [--only http|replay] [--no-bigints]");
  process.exit(2);
}

/** The sources at `ref` (src/ and adapters/ only), extracted under `dir`. */
function checkout(ref: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const commit = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], {
    cwd: root,
    encoding: "utf8",
  }).trim();
  execFileSync("sh", ["-c", `git archive ${commit} src adapters | tar -x -C "${dir}"`], { cwd: root });
  return commit.slice(0, 7);
}

type Sample = { cpuMs: number; wallMs: number };
const summary = (samples: Sample[]) => ({
  cpuMs: round(median(samples.map((s) => s.cpuMs)), 1),
  wallMs: round(median(samples.map((s) => s.wallMs)), 1),
});
const ratio = (b: number, a: number) => `${round(b / a, 3)} (${b >= a ? "+" : ""}${round((b / a - 1) * 100, 1)} %)`;

/** Collects the previous sample's garbage before the next one starts, when node runs with --expose-gc (npm run bench:ab does). */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Runs `sides` in interleaved rounds (A B, then B A, …) after one warm-up each; returns each side's samples. */
async function interleaved<K extends string>(
  sides: Record<K, (name: string) => Promise<Sample>>,
  count: number,
): Promise<Record<K, Sample[]>> {
  const names = Object.keys(sides) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<K, Sample[]>;
  for (const name of names) await sides[name](`warm-${name}`);
  for (let i = 0; i < count; i++) {
    for (const name of i % 2 === 0 ? names : [...names].reverse()) {
      collect();
      samples[name].push(await sides[name](`${name}-${i}`));
    }
  }
  return samples;
}

/** b/a per round (each round runs both back to back, so slow drift of the machine cancels): median and range. */
function paired(a: Sample[], b: Sample[], key: keyof Sample): string {
  const ratios = a.map((x, i) => b[i]![key] / x[key]).sort((x, y) => x - y);
  return `paired ${round(median(ratios), 3)} [${round(ratios[0]!, 2)}–${round(ratios.at(-1)!, 2)}]`;
}

const work = mkdtempSync(join(tmpdir(), "restsync-ab-"));
const mock = await startMockProcess({ latencyMs: 0 });
try {
  const labelA = `${refA}@${checkout(refA, join(work, "a"))}`;
  const dirB = refB ? join(work, "b") : root;
  const labelB = refB ? `${refB}@${checkout(refB, dirB)}` : "working tree";
  const engines = {
    A: await loadEngine(join(work, "a"), join(work, "a.mjs")),
    B: await loadEngine(dirB, join(work, "b.mjs")),
  };
  console.log(`A = ${labelA}, B = ${labelB}; ${rounds} interleaved rounds each, medians`);

  // Recorded through a third copy of the engine (this tree's sources), so neither side's code has seen one fetch more.
  const recording = replayer();
  await seedSync(sourceEngine, mock, "record", recording.record);
  const sample = async (engine: Engine, name: string, fetch?: typeof globalThis.fetch) => {
    const { cpuMs, wallMs, result } = await seedSync(engine, mock, name, fetch);
    if (result.status !== "completed") throw new Error(`${name}: run ${result.status}`);
    return { cpuMs, wallMs };
  };

  if (only !== "replay") {
    const http = await interleaved({ A: (n) => sample(engines.A, n), B: (n) => sample(engines.B, n) }, rounds);
    const [a, b] = [summary(http.A), summary(http.B)];
    console.log(
      `benchmark 1, seed sync over HTTP:  A ${a.cpuMs} ms CPU ${a.wallMs} ms wall | B ${b.cpuMs} ms CPU ${b.wallMs} ms wall`,
    );
    console.log(
      `  B/A CPU ${ratio(b.cpuMs, a.cpuMs)}, ${paired(http.A, http.B, "cpuMs")}; wall ${ratio(b.wallMs, a.wallMs)}, ${paired(http.A, http.B, "wallMs")}`,
    );
  }
  if (only !== "http") {
    const replay = await interleaved(
      { A: (n) => sample(engines.A, n, recording.replay), B: (n) => sample(engines.B, n, recording.replay) },
      rounds,
    );
    const [a, b] = [summary(replay.A), summary(replay.B)];
    console.log(`same, responses replayed (engine):  A ${a.cpuMs} ms CPU | B ${b.cpuMs} ms CPU`);
    console.log(`  B/A CPU ${ratio(b.cpuMs, a.cpuMs)}, ${paired(replay.A, replay.B, "cpuMs")}`);
  }
  if (bigints) {
    // Every body gains one integer past 2^53, so every parse takes the slow path.
    const big = recording.replayVariant((body) =>
      body.startsWith("{") && body.length > 2 ? `{"big":1152921504606846977,${body.slice(1)}` : body,
    );
    const plain = recording.replayVariant((body) => body);
    const variant = await interleaved(
      { plain: (n) => sample(engines.B, n, plain), big: (n) => sample(engines.B, n, big) },
      rounds,
    );
    const [p, g] = [summary(variant.plain), summary(variant.big)];
    console.log(
      `B on replayed bodies, each with a big integer vs none: ${g.cpuMs} vs ${p.cpuMs} ms CPU, ${ratio(g.cpuMs, p.cpuMs)}, ${paired(variant.plain, variant.big, "cpuMs")}`,
    );
    // Parsing alone, with this working tree's parser: the pre-check's cost on plain bodies, and the slow path's.
    const bodies = recording.bodies();
    const withBig = bodies.map((body) =>
      body.startsWith("{") && body.length > 2 ? `{"big":1152921504606846977,${body.slice(1)}` : body,
    );
    const parse = (parser: (text: string) => unknown, texts: string[]) => async () => {
      const started = performance.now();
      for (const text of texts) parser(text);
      const ms = performance.now() - started;
      return { cpuMs: ms, wallMs: ms };
    };
    const parsing = await interleaved(
      { native: parse(JSON.parse, bodies), plain: parse(parseJson, bodies), big: parse(parseJson, withBig) },
      rounds,
    );
    const [n, f, b] = [summary(parsing.native), summary(parsing.plain), summary(parsing.big)];
    const megabytes = round(bodies.reduce((sum, body) => sum + body.length, 0) / 1e6, 1);
    console.log(
      `parsing ${bodies.length} bodies (${megabytes} MB): JSON.parse ${n.wallMs} ms, parseJson ${f.wallMs} ms (${ratio(f.wallMs, n.wallMs)}), with a big integer each ${b.wallMs} ms (${ratio(b.wallMs, n.wallMs)}, ${paired(parsing.native, parsing.big, "wallMs")})`,
    );
  }
} finally {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
}
