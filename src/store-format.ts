import { isStorageError, StorageError } from "./errors";
import type { StoreAdapter } from "./store";

/**
 * The layout restsync keeps in a store (state keys, table names, the shape of
 * state). It goes up when a release changes that layout in a way an older
 * restsync would misread; a store records the format it was written in.
 */
export const STORE_FORMAT = 1;

/** A store-wide state entry: every pipeline's keys start with its (non-empty) name, never "/". */
const FORMAT_KEY = "/restsync/format";

/** What a store holds under its format entry. */
interface FormatEntry {
  format: number;
}

/**
 * Checks that `store` was written in the layout this restsync reads, before
 * anything is written to it. A store of a newer format (written by a newer
 * restsync), or with a format entry restsync did not write, fails with a
 * `StorageError` of code `store_format` that names both formats. A store
 * without the entry is new, or was written by restsync 0.1.0 in format 1;
 * with `record: true` (what a run does) the entry is then written.
 *
 * @example
 * await checkStoreFormat(fsAdapter(".restsync")); // before reading a store with other tools
 */
export async function checkStoreFormat(store: StoreAdapter, options: { record?: boolean } = {}): Promise<void> {
  const found = await storeStep(store, "read", () => store.getState(FORMAT_KEY));
  if (found === undefined || found === null) {
    if (options.record)
      await storeStep(store, "write", () =>
        store.write({ state: [{ key: FORMAT_KEY, value: { format: STORE_FORMAT } satisfies FormatEntry }] }),
      );
    return;
  }
  const format = (found as Partial<FormatEntry>).format;
  if (format === STORE_FORMAT) return;
  const newer = typeof format === "number" && Number.isInteger(format) && format > STORE_FORMAT;
  const message = newer
    ? `This ${store.name} store is in store format ${format}, written by a newer restsync; this restsync reads store format ${STORE_FORMAT}. Upgrade restsync, or sync into a new store.`
    : `This ${store.name} store has an unknown store format (${JSON.stringify(format ?? found)}); this restsync reads store format ${STORE_FORMAT}. Sync into a new store.`;
  throw new StorageError(message, { code: "store_format" });
}

/** An adapter's failure as a StorageError (storage_failed); one already a StorageError (a lease's store_conflict) stays as it is. */
async function storeStep<T>(store: StoreAdapter, verb: "read" | "write", step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isStorageError(error)) throw error;
    throw new StorageError(
      `${store.name} store failed to ${verb} its store format: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
}
