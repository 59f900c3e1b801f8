/**
 * One fault schedule, runnable in Node, Chromium and workerd: the seed config
 * against a mock API that answers with the schedule's faults (429s, 5xx,
 * resets, hangs, truncated, HTML and malformed bodies), a first run aborted at
 * a random page, the API changed right after it, and runs until a whole cycle
 * completes with the API changing between them. Then the store must equal the
 * API, and every run WITHOUT a budget that reported `completed` must already
 * have matched the API as it stood when that run started.
 */
import { type Pipeline, type RestApiConfig, type RunReport, restApiSource } from "restsync";
import { withBaseUrl } from "../../examples/seed/config";
import { storeDigests } from "../_helpers/digest";
import { describeSchedule, type Schedule } from "../_helpers/fault-schedule";

/** The dataset of every fault schedule (the schedule's seed varies the data). */
export const FAULT_DATASET = {
  size: "small" as const,
  sizes: { epics: 8, stories: 40, groups: 2, iterations: 3, categories: 2, milestones: 3, objectives: 3 },
};

/** How a runtime reaches the mock API behind a schedule. */
export interface FaultControl {
  url: string;
  apiKey: string;
  /** Changes the API's data: 3 updates and 2 inserts from `seed`. */
  mutate(seed: number): Promise<void>;
  /** Ends every fault still pending. */
  clearFaults(): Promise<void>;
  /** Digest per seed resource of what the API serves now. */
  reference(): Promise<Record<string, string>>;
}

/**
 * The seed config with retries fast enough for a test. `timeoutS` is what each
 * hang costs. Short by default: while faults are served, an ordinary answer that
 * runs past it on a busy machine is one more fault the runs must survive.
 */
export function fastSeed(url: string, maxRetries: number, timeoutS = 0.25): RestApiConfig {
  const seed = withBaseUrl(url);
  const resources = JSON.parse(JSON.stringify(seed.resources)) as RestApiConfig["resources"];
  for (const resource of resources) {
    if (typeof resource === "string") continue;
    const endpoint = resource.endpoint as { error_handler?: Record<string, unknown> };
    endpoint.error_handler = { ...endpoint.error_handler, max_retries: maxRetries, backoff_factor: 0.002 };
  }
  return { ...seed, client: { ...seed.client, timeout: timeoutS }, resources };
}

/**
 * Runs `schedule` to the end and returns what went wrong (empty when nothing did).
 * `pipeline()` gives the pipeline for each run (a Worker makes a new one per
 * invocation); `afterRun` may add checks of its own after every run.
 */
export async function runFaultSchedule(
  schedule: Schedule,
  control: FaultControl,
  pipeline: () => Pipeline,
  afterRun: (report: RunReport) => Promise<string[]> = async () => [],
): Promise<string[]> {
  const label = describeSchedule(schedule);
  const problems: string[] = [];
  const source = restApiSource(fastSeed(control.url, schedule.maxRetries));
  const names = source.resources.map((r) => r.name);
  const budget = schedule.maxRequests ? { maxRequests: schedule.maxRequests } : {};
  const matchesApi = async (when: string) => {
    const [stored, expected] = await Promise.all([storeDigests(pipeline(), names), control.reference()]);
    const differ = names.filter((name) => stored[name] !== expected[name]);
    if (differ.length > 0)
      problems.push(
        `${label}: ${when}, the store differs from the API in ${differ.map((n) => `${n} (${stored[n]} vs ${expected[n]})`).join(", ")}`,
      );
  };
  const run = async (options: Parameters<Pipeline["run"]>[1], from = source) => {
    const report = await pipeline().run(from, options);
    problems.push(...(await afterRun(report)).map((problem) => `${label}: ${problem}`));
    return report;
  };

  const controller = new AbortController();
  let pages = 0;
  await run({
    ...budget,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.type === "page" && ++pages === schedule.abortAfterPages) controller.abort();
    },
  });
  if (schedule.mutateAfterAbort) await control.mutate(schedule.seed * 1000);

  // Until a whole cycle completes (faults are used up on the way), the API changing between runs.
  let report: RunReport;
  for (let n = 1; ; n++) {
    if (n > 60) return [...problems, `${label}: no convergence after 60 runs`];
    if (schedule.mutateBetweenRuns && n % 3 === 1) await control.mutate(schedule.seed * 100 + n);
    report = await run(budget);
    // Without a budget, completed means every change made before the run started is stored.
    if (!schedule.maxRequests && report.status === "completed")
      await matchesApi(`after run ${n} (no budget) reported completed`);
    if (report.cycle?.complete && report.status === "completed") break;
  }
  // With a budget a cycle spans runs: one clean cycle more brings what changed while the last one ran.
  // No hang is left, so its requests get a timeout no busy machine reaches: it must end completed
  // (under load, an answer behind Chromium's hub once took longer than 0.25 s and failed it by chance).
  await control.clearFaults();
  const clean = restApiSource(fastSeed(control.url, schedule.maxRetries, 30));
  for (let n = 0; n === 0 || !report.cycle?.complete; n++) {
    if (n >= 60) return [...problems, `${label}: the clean cycle did not complete`];
    report = await run(budget, clean);
  }
  if (report.status !== "completed") problems.push(`${label}: the clean cycle ended ${report.status}`);
  await matchesApi("after a clean cycle");
  return problems;
}
