import type { StoreAdapter, StoreBatch } from "../store";

/**
 * `store` as the run sees it: every read and `flush` go straight to it, `write` (and,
 * when given, `getState`) through the run's own. Optional methods stay absent where
 * `store` lacks them, so callers still fall back as they would.
 */
export function storeView(
  store: StoreAdapter,
  own: { write: (batch: StoreBatch) => Promise<void>; getState?: StoreAdapter["getState"] },
): StoreAdapter {
  return {
    name: store.name,
    atomic: store.atomic,
    ...(store.conditionalWrites ? { conditionalWrites: store.conditionalWrites } : {}),
    ...(store.sharedWith ? { sharedWith: store.sharedWith } : {}),
    write: own.write,
    get: (table, key) => store.get(table, key),
    ...(store.getMany ? { getMany: (table: string, keys: readonly string[]) => store.getMany!(table, keys) } : {}),
    count: (table) => store.count(table),
    scan: (table, options) => store.scan(table, options),
    getState: own.getState ?? ((key) => store.getState(key)),
    ...(store.getStates ? { getStates: (keys: readonly string[]) => store.getStates!(keys) } : {}),
    ...(store.flush ? { flush: () => store.flush!() } : {}),
  };
}
