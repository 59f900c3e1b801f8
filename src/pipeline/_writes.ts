import { isStorageError, StorageError } from "../errors";
import type { StoreAdapter, StoreBatch } from "../store";

/** Writes batches for `resource`, a store failure becoming a StorageError that names it (a conflict stays one). */
export function writer(store: StoreAdapter, resource: string): (batch: StoreBatch) => Promise<void> {
  return async (batch) => {
    try {
      await store.write(batch);
    } catch (error) {
      // A conflict (another run took the pipeline over) is not a failing store.
      const code = isStorageError(error) && error.code === "store_conflict" ? "store_conflict" : "storage_failed";
      throw new StorageError(
        `${resource}: ${store.name} store failed to write: ${(error as Error)?.message ?? error}`,
        { cause: error, resource, code },
      );
    }
  };
}

/** Reads through `read`, a store failure becoming a StorageError that names `resource`. */
export async function reading<T>(store: StoreAdapter, resource: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new StorageError(`${resource}: ${store.name} store failed to read: ${(error as Error)?.message ?? error}`, {
      cause: error,
      resource,
    });
  }
}
