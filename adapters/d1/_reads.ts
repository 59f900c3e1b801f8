import { StorageError } from "restsync";
import { missingLayout } from "./_catalog";

/** A D1 failure as a StorageError with D1's message (values are bound, never part of the SQL text it may quote). */
export function failed(what: "read" | "write", error: unknown): StorageError {
  return new StorageError(`d1 store ${what} failed: ${(error as Error)?.message ?? error}`, { cause: error });
}

/** A read that finds nothing (`empty`) in a database restsync has not written yet. */
export async function readOr<T>(run: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (missingLayout(error)) return empty;
    throw failed("read", error);
  }
}
