import type { CycleState, ResourceState, StoreAdapter } from "restsync";
import { cycleKey, fanoutKey, stateKey, tableName } from "./_keys";

/**
 * Forgets what a pipeline stored for `resources`: their records, cursors,
 * saved progress and parent values, in one batch (all or nothing where the
 * store is atomic). The sync cycle stays, less these resources, so other
 * resources keep the progress they made in it.
 */
export async function fullRefresh(store: StoreAdapter, pipeline: string, resources: readonly string[]): Promise<{ records: number }> {
  const drops = new Set<string>();
  const state: Array<{ key: string; value: unknown }> = [];
  let records = 0;
  for (const resource of resources) {
    const current = (await store.getState(stateKey(pipeline, resource))) as ResourceState | undefined;
    const generation = current?.generation ?? 0;
    records += await store.count(tableName(pipeline, resource, generation));
    // After this the resource starts again at generation 0, so that table must be empty; the others are
    // the live one, a replace being filled, and leftovers of a replace that died before cleaning up.
    for (const g of [0, generation - 1, generation, generation + 1, current?.progress?.staging ?? 0]) {
      if (g >= 0) drops.add(tableName(pipeline, resource, g));
    }
    state.push({ key: stateKey(pipeline, resource), value: undefined }, { key: fanoutKey(pipeline, resource), value: undefined });
  }
  const cycle = (await store.getState(cycleKey(pipeline))) as CycleState | undefined;
  if (cycle) {
    const failed = Object.fromEntries(Object.entries(cycle.failed ?? {}).filter(([name]) => !resources.includes(name)));
    state.push({ key: cycleKey(pipeline), value: { ...cycle, completed: cycle.completed.filter((name) => !resources.includes(name)), failed } });
  }
  await store.write({ drops: [...drops], state });
  await store.flush?.();
  return { records };
}
