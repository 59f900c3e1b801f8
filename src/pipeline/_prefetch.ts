import type { StoreAdapter, StoreBatch } from "../store";
import { storeView } from "./_store-view";

/**
 * `store` with the state entries under `keys` read in one call (when the store offers
 * `getStates`) and served from memory after, kept current by the writes made through
 * it. A run reads each resource's state, schema and fan-out when the resource starts:
 * on D1 that was a round trip each (48 for the seed's 24 resources), more than the
 * free plan's 50 queries per invocation. Sound because the run holds the pipeline
 * (lease or lock): nobody else writes these keys while it runs.
 */
export async function withPrefetchedState(store: StoreAdapter, keys: readonly string[]): Promise<StoreAdapter> {
  if (!store.getStates || keys.length === 0) return store;
  const values = await store.getStates(keys);
  const known = new Map<string, unknown>(keys.map((key, i) => [key, values[i]]));
  const copy = (value: unknown) => (value === undefined ? undefined : structuredClone(value));
  return storeView(store, {
    async write(batch: StoreBatch) {
      await store.write(batch);
      for (const { key, value } of batch.state ?? []) if (known.has(key)) known.set(key, copy(value));
    },
    getState: (key) => (known.has(key) ? copy(known.get(key)) : store.getState(key)),
  });
}
