import type { ResourceStatus, RestApiSource, RunReport, StoreAdapter } from "restsync";
import { UsageError } from "./_io";
import { cliPipelineKey, cliPipelinesKey } from "./_keys";

/** What the CLI remembers about a pipeline, for `inspect`: the store itself cannot list what it holds. */
export interface PipelineMeta {
  /** The config file last run. */
  config: string;
  /** The stored resources of that config, in run order. */
  resources: string[];
  last_run?: { status: RunReport["status"]; finished_at: string; records: number; requests: number; stopped?: string };
  /** Each resource's outcome in the last run that included it (a failure too, which the core's state does not keep). */
  outcomes: Record<string, { status: ResourceStatus; records: number; finished_at: string }>;
}

export async function readMeta(store: StoreAdapter, pipeline: string): Promise<PipelineMeta | undefined> {
  const value = (await store.getState(cliPipelineKey(pipeline))) as PipelineMeta | undefined;
  return value && typeof value === "object" ? value : undefined;
}

/** Pipelines the CLI has run into this store. */
export async function knownPipelines(store: StoreAdapter): Promise<string[]> {
  const value = await store.getState(cliPipelinesKey);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The pipeline a command reads when --name is not given: the only one the CLI has run into the store. */
export async function onlyPipeline(store: StoreAdapter, shownStore: string, command: string): Promise<string> {
  const names = await knownPipelines(store);
  if (names.length === 1) return names[0]!;
  if (names.length === 0)
    throw new UsageError(`no pipeline recorded in ${shownStore}: pass --name <pipeline>`, command);
  throw new UsageError(
    `${shownStore} holds ${names.length} pipelines (${names.join(", ")}): pass --name <pipeline>`,
    command,
  );
}

/** Records a run's outcome (after it, in its own batch: nothing the core committed depends on it). */
export async function recordRun(
  store: StoreAdapter,
  pipeline: string,
  config: string,
  source: RestApiSource,
  report: RunReport,
): Promise<void> {
  const previous = await readMeta(store, pipeline);
  const finishedAt = new Date(Date.parse(report.startedAt) + report.durationMs).toISOString();
  const outcomes = { ...(previous?.outcomes ?? {}) };
  for (const [name, r] of Object.entries(report.resources)) {
    if (!r.stored || r.earlierInCycle) continue;
    outcomes[name] = { status: r.status, records: r.records, finished_at: finishedAt };
  }
  const meta: PipelineMeta = {
    config,
    resources: source.resources.filter((r) => r.selected).map((r) => r.name),
    last_run: {
      status: report.status,
      finished_at: finishedAt,
      records: report.totals.records,
      requests: report.totals.requests,
      ...(report.stopped ? { stopped: report.stopped } : {}),
    },
    outcomes,
  };
  const known = await knownPipelines(store);
  const state = [
    { key: cliPipelineKey(pipeline), value: meta },
    ...(known.includes(pipeline) ? [] : [{ key: cliPipelinesKey, value: [...known, pipeline] }]),
  ];
  await store.write({ state });
  await store.flush?.();
}
