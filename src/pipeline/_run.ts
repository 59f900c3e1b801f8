import type { RestApiSource } from "../config/source";
import { StorageError } from "../errors";
import type { Rejection } from "../http/_credential-check";
import type { HttpClient } from "../http/client";
import type { SchemaInferrer } from "../schema/types";
import type { SecretSource } from "../secrets";
import type { StoreAdapter } from "../store";
import { Cycle } from "./_cycle";
import { pageLimits } from "./_page-limit";
import { plan } from "./_plan";
import { withPrefetchedState } from "./_prefetch";
import { openSession } from "./_session";
import { cycleKey, fanoutKey, type HttpState, httpStateKey, schemaKey, stateKey } from "./_state";
import { runStep, type StepOutcome } from "./_step";
import type { RunOptions } from "./options";
import {
  emptyResourceReport,
  errorSummary,
  type ProgressEvent,
  type ResourceReport,
  type RunReport,
  runReport,
} from "./report";

export interface RunSettings {
  pipeline: string;
  store: StoreAdapter;
  secrets: SecretSource | undefined;
  fetch: typeof globalThis.fetch | undefined;
  concurrency: number;
  maxParentCursors: number;
  progressIntervalMs: number;
  inferSchemas?: SchemaInferrer | undefined;
}

function deadlineOf(deadline: Date | number | undefined, started: number): number | undefined {
  if (deadline === undefined) return undefined;
  return deadline instanceof Date ? deadline.getTime() : started + deadline;
}

/** One run of a source into a store; see `Pipeline.run`. */
export async function runSource(settings: RunSettings, source: RestApiSource, options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const { pipeline } = settings;
  const steps = plan(source, options.resources);
  const store = await withPrefetchedState(settings.store, runStateKeys(pipeline, steps.steps, settings.inferSchemas));
  const maxPages = pageLimits(options.maxPages, source.resources);
  const budget = { maxRequests: options.maxRequests, deadline: deadlineOf(options.deadline, started) };
  // Cooldowns a 429 asked for outlive the run: a run that starts during one waits (or stops at its deadline).
  const http = (await store.getState(httpStateKey(pipeline))) as HttpState | undefined;
  const emit = (event: ProgressEvent) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress callback must never break a sync.
    }
  };
  const onRejected = (rejection: Rejection) => emit({ type: "credential_rejected", ...rejection });
  const session = openSession(
    source,
    steps.steps.map((s) => s.resource),
    { ...settings, budget, notBefore: http?.not_before, onRejected },
  );
  const names = steps.steps.map((s) => s.resource.name);
  const budgeted = budget.maxRequests !== undefined || budget.deadline !== undefined;
  const cycle = await Cycle.open(store, pipeline, names, { budgeted, now: started });

  const reports: Record<string, ResourceReport> = {};
  const outcomes = new Map<string, Promise<StepOutcome>>();
  for (const [index, { writable }] of steps.steps.entries()) {
    const resource = session.resources[index]!;
    const report = (reports[resource.name] = emptyResourceReport(writable));
    const step = {
      resource,
      writable,
      fields: steps.projections.get(resource.name),
      report,
      outcomes,
      cycle,
      session,
      store,
      pipeline,
      settings: { ...settings, maxPages: maxPages(resource) },
      signal: options.signal,
      emit,
    };
    outcomes.set(resource.name, runStep(step));
  }
  await Promise.all(outcomes.values());

  await finish(store, pipeline, { cycle, client: session.client, http, parents: steps.projections.keys() }).catch(
    (error: unknown) => {
      // Buffered writes did not land: nothing committed in this run can be counted on.
      const failure = errorSummary(
        new StorageError(`${store.name} store failed to flush: ${(error as Error)?.message ?? error}`),
        (text) => session.redactor.text(text),
      );
      for (const report of Object.values(reports))
        if (report.status === "completed" && report.stored) Object.assign(report, { status: "failed", error: failure });
    },
  );
  const stopped = options.signal?.aborted
    ? "aborted"
    : Object.values(reports).some((r) => r.status === "incomplete")
      ? budgetReason(budget, session.client)
      : undefined;
  const rejected = session.client.rejection;
  const report = runReport({
    pipeline,
    started,
    reports,
    cycle: { id: cycle.id, complete: cycle.complete },
    stopped,
    aborted: options.signal?.aborted === true,
  });
  return rejected
    ? { ...report, credentialRejected: { ...rejected, message: session.redactor.text(rejected.message) } }
    : report;
}

/** The state entries a run reads as its resources start: read together where the store can (see _prefetch.ts). */
function runStateKeys(
  pipeline: string,
  steps: ReadonlyArray<{ resource: { name: string } }>,
  infer: SchemaInferrer | undefined,
): string[] {
  return [
    httpStateKey(pipeline),
    cycleKey(pipeline),
    ...steps.flatMap(({ resource: { name } }) => [
      stateKey(pipeline, name),
      fanoutKey(pipeline, name),
      ...(infer ? [schemaKey(pipeline, name)] : []),
    ]),
  ];
}

/** The run's last writes: host cooldowns that outlive it, and the cycle's progress (or its end); then a flush. */
async function finish(
  store: StoreAdapter,
  pipeline: string,
  run: { cycle: Cycle; client: HttpClient; http: HttpState | undefined; parents: Iterable<string> },
): Promise<void> {
  const notBefore = run.client.notBefore();
  const cooling = Object.keys(notBefore).length > 0;
  const entries: Array<{ key: string; value: unknown }> = [];
  if (cooling || run.http)
    entries.push({
      key: httpStateKey(pipeline),
      value: cooling ? ({ not_before: notBefore } satisfies HttpState) : undefined,
    });
  // Failures are recorded so that later runs of the cycle report them; a complete cycle is cleared
  // (with the parent values kept for it) and the next run starts a fresh one.
  entries.push(...run.cycle.entries(pipeline, run.parents));
  await store.write({ state: entries });
  await store.flush?.();
}

function budgetReason(
  budget: { maxRequests?: number | undefined; deadline?: number | undefined },
  client: HttpClient,
): "max_requests" | "deadline" {
  return budget.maxRequests !== undefined && client.requestsSent() >= budget.maxRequests ? "max_requests" : "deadline";
}
