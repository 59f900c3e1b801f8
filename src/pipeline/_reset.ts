import type { StoreAdapter } from "../store";
import { cycleKey, fanoutKey, httpStateKey, readState, seenTable, stateKey, tableName } from "./_state";
import type { CycleState } from "./state";

/**
 * Forgets what a pipeline stored for `resources`: their records (every generation a
 * replace may have left), cursors, saved progress and the parent values kept for
 * their children, in one batch (all or nothing where the store is atomic). The sync
 * cycle stays, less these resources, so the others keep the progress they made in
 * it; with `all`, the cycle and the host cooldowns go too. Returns how many records
 * were forgotten.
 */
export async function resetResources(
  store: StoreAdapter,
  pipeline: string,
  resources: readonly string[],
  all: boolean,
): Promise<{ records: number }> {
  const drops = new Set<string>();
  const state: Array<{ key: string; value: unknown }> = [];
  let records = 0;
  for (const resource of resources) {
    const current = await readState(store, pipeline, resource);
    records += await store.count(tableName(pipeline, resource, current.generation));
    // The resource starts again at generation 0, so that table must be empty; the others are the live
    // one, a replace being filled, and leftovers of a replace that died before cleaning up.
    for (const g of [
      0,
      current.generation - 1,
      current.generation,
      current.generation + 1,
      current.progress?.staging ?? 0,
    ]) {
      if (g >= 0) drops.add(tableName(pipeline, resource, g));
    }
    drops.add(seenTable(pipeline, resource));
    state.push(
      { key: stateKey(pipeline, resource), value: undefined },
      { key: fanoutKey(pipeline, resource), value: undefined },
    );
  }
  const cycle = (await store.getState(cycleKey(pipeline))) as CycleState | undefined;
  if (all) state.push({ key: cycleKey(pipeline), value: undefined }, { key: httpStateKey(pipeline), value: undefined });
  else if (cycle) {
    const failed = Object.fromEntries(Object.entries(cycle.failed ?? {}).filter(([name]) => !resources.includes(name)));
    state.push({
      key: cycleKey(pipeline),
      value: { ...cycle, completed: cycle.completed.filter((name) => !resources.includes(name)), failed },
    });
  }
  await store.write({ drops: [...drops], state });
  await store.flush?.();
  return { records };
}
