import type { CycleState, ResourceState, SourceResource, StoreAdapter } from "restsync";
import { cycleKey, fanoutKey, stateKey } from "./_keys";

interface SavedFanout {
  cycle: string;
  projections: Array<{ fields: Record<string, unknown>; written: boolean }>;
}

/**
 * How many parents a child resource still has to visit in this run, read once
 * it has started: by then each parent has committed the values it hands its
 * children (under its fan-out key). Counted as the core's fan-out does:
 * distinct placeholder values, parents without one left out, those finished in
 * an earlier run of the cycle too. Undefined when it cannot be known; only the
 * progress bar depends on it.
 */
export async function remainingParents(store: StoreAdapter, pipeline: string, resource: SourceResource): Promise<number | undefined> {
  const link = resource.parent;
  if (!link) return undefined;
  const cycle = (await store.getState(cycleKey(pipeline))) as CycleState | undefined;
  const keys = new Set<string>();
  for (const parent of link.resources) {
    const saved = (await store.getState(fanoutKey(pipeline, parent))) as SavedFanout | undefined;
    if (!saved || !Array.isArray(saved.projections) || (cycle && saved.cycle !== cycle.id)) return undefined;
    for (const projection of saved.projections) {
      if (resource.parentIncremental && !projection.written) continue;
      const path = [...link.fields.values()].map((field) => projection.fields[field]);
      const query = [...link.queryParams.values()].map((field) => projection.fields[field]);
      if ([...path, ...query].some((value) => value === undefined || value === null || value === "")) continue;
      keys.add(JSON.stringify([...path, ...query.map(String)]));
    }
  }
  const state = (await store.getState(stateKey(pipeline, resource.name))) as ResourceState | undefined;
  if (state?.progress && cycle && state.progress.cycle === cycle.id) for (const key of state.progress.done) keys.delete(key);
  return keys.size;
}
