import type { StoreAdapter, StoreBatch } from "../store";

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
  return {
    name: store.name,
    atomic: store.atomic,
    ...(store.conditionalWrites ? { conditionalWrites: store.conditionalWrites } : {}),
    ...(store.sharedWith ? { sharedWith: store.sharedWith } : {}),
    async write(batch: StoreBatch) {
      await store.write(batch);
      for (const { key, value } of batch.state ?? []) if (known.has(key)) known.set(key, copy(value));
    },
    get: (table, key) => store.get(table, key),
    ...(store.getMany ? { getMany: (table: string, keys: readonly string[]) => store.getMany!(table, keys) } : {}),
    count: (table) => store.count(table),
    scan: (table, options) => store.scan(table, options),
    getState: (key) => (known.has(key) ? copy(known.get(key)) : store.getState(key)),
    getStates: (some) => store.getStates!(some),
    ...(store.flush ? { flush: () => store.flush!() } : {}),
  };
}
