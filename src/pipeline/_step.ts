import type { SourceResource } from "../config/source";
import { isBudgetExhaustedError, isRestsyncError, RestsyncError } from "../errors";
import type { SchemaInferrer } from "../schema/types";
import type { StoreAdapter } from "../store";
import { fanOut, type Projection, ROOT_CONTEXT } from "./_contexts";
import type { Cycle } from "./_cycle";
import { runResource } from "./_resource-run";
import type { Session } from "./_session";
import { cycleKey, type FanoutState, fanoutKey, readState } from "./_state";
import { errorSummary, type ProgressEvent, type ResourceReport } from "./report";

/** How a resource's step ended, for its children: whether they may run, and the parent values they need. */
export interface StepOutcome {
  ok: boolean;
  /** Stopped by the budget: children wait for the next run rather than being skipped. */
  incomplete?: boolean;
  projections: () => Promise<Projection[]>;
}

export interface StepInput {
  resource: SourceResource;
  writable: boolean;
  /** Parent fields children need, or undefined when none do. */
  fields: ReadonlySet<string> | undefined;
  report: ResourceReport;
  /** The outcomes of the run's other steps, by resource name (parents come first). */
  outcomes: ReadonlyMap<string, Promise<StepOutcome>>;
  cycle: Cycle;
  session: Session;
  store: StoreAdapter;
  pipeline: string;
  /** Run settings, and `maxPages`: this resource's page limit (`RunOptions.maxPages`). */
  settings: {
    concurrency: number;
    maxParentCursors: number;
    progressIntervalMs: number;
    maxPages: number | undefined;
    inferSchemas?: SchemaInferrer | undefined;
  };
  signal: AbortSignal | undefined;
  emit: (event: ProgressEvent) => void;
}

/**
 * One resource's part of a run: reported from the cycle when an earlier run of it
 * is done with the resource, skipped (or left for the next run) when a parent did
 * not complete, else run over its parents' values and reported. Never throws.
 */
export async function runStep(input: StepInput): Promise<StepOutcome> {
  const { resource, report, cycle, store, pipeline, emit } = input;
  const name = resource.name;
  const earlier = cycle.doneEarlier(name);
  if (earlier) {
    report.earlierInCycle = true;
    if (earlier !== "completed") Object.assign(report, { status: earlier.status, error: earlier.error });
    emit({ type: "resource_finished", resource: name, report });
    if (earlier !== "completed") return { ok: false, projections: async () => [] };
    return {
      ok: true,
      projections: async () =>
        ((await store.getState(fanoutKey(pipeline, name))) as FanoutState | undefined)?.projections ?? [],
    };
  }
  const { parents, failed, waiting } = await parentsOf(resource, input.outcomes);
  const began = Date.now();
  if (failed.length > 0 || waiting) {
    report.status = failed.length === 0 ? "incomplete" : input.signal?.aborted ? "aborted" : "skipped";
    if (failed.length > 0)
      report.error = errorSummary(
        new RestsyncError("parent_failed", `${name}: not run because parent ${failed.join(", ")} did not complete`, {
          resource: name,
        }),
      );
    cycle.failed(name, report);
    emit({ type: "resource_finished", resource: name, report });
    return { ok: false, incomplete: report.status === "incomplete", projections: async () => [] };
  }
  try {
    input.signal?.throwIfAborted();
    const state = await readState(store, pipeline, name);
    const contexts = resource.parent ? fanOut(resource, parents, report) : [ROOT_CONTEXT];
    // For a child, how many parents it still visits in this run (those done by an earlier run of the cycle left out).
    const done = state.progress?.cycle === cycle.id ? new Set(state.progress.done) : undefined;
    emit({
      type: "resource_started",
      resource: name,
      ...(resource.parent ? { parents: contexts.filter((c) => !done?.has(c.key)).length } : {}),
    });
    const projections = await runResource({
      ...input.settings,
      resource,
      client: input.session.client,
      store,
      pipeline,
      state,
      cycle: cycle.id,
      contexts,
      writable: input.writable,
      project: input.fields ? [...input.fields] : undefined,
      signal: input.signal,
      report,
      emit,
      onCommit: (values) => {
        cycle.completed(name);
        // Children that do not finish in this run find their parent's values here in the next.
        const fanout = input.fields
          ? [{ key: fanoutKey(pipeline, name), value: { cycle: cycle.id, projections: values } satisfies FanoutState }]
          : [];
        return [{ key: cycleKey(pipeline), value: cycle.snapshot() }, ...fanout];
      },
    });
    report.status = "completed";
    return { ok: true, projections: async () => projections };
  } catch (error) {
    const stopped = isBudgetExhaustedError(error);
    const aborted = !stopped && input.signal?.aborted === true;
    report.status = stopped ? "incomplete" : aborted ? "aborted" : "failed";
    if (!stopped) {
      const reason =
        aborted && !isRestsyncError(error)
          ? new RestsyncError("aborted", `${name}: run aborted`, { resource: name })
          : error;
      report.error = errorSummary(reason, (text) => input.session.redactor.text(text));
    }
    // A failure ends the resource's part of the cycle: the next cycle retries it, and it never holds up the others.
    if (report.status === "failed") cycle.failed(name, report);
    return { ok: false, incomplete: stopped, projections: async () => [] };
  } finally {
    report.durationMs = Date.now() - began;
    emit({ type: "resource_finished", resource: name, report });
  }
}

/** The values of every parent that completed, and which did not (failed, or stopped by the budget). */
async function parentsOf(resource: SourceResource, outcomes: ReadonlyMap<string, Promise<StepOutcome>>) {
  const parents = new Map<string, Projection[]>();
  const failed: string[] = [];
  let waiting = false;
  for (const parent of resource.parent?.resources ?? []) {
    const outcome = await outcomes.get(parent)!;
    if (outcome.ok) parents.set(parent, await outcome.projections());
    else if (outcome.incomplete) waiting = true;
    else failed.push(parent);
  }
  return { parents, failed, waiting };
}
