import { StorageError } from "restsync";
import type { D1DatabaseLike } from "./_binding";
import { missingLayout } from "./_catalog";
import { STATE_TEXTS } from "./_statements";

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

/** State entries under `keys` as the JSON text stored, in one call; absent ones are left out. */
export async function readStateTexts(db: D1DatabaseLike, keys: readonly string[]): Promise<Map<string, string>> {
  const rows = await readOr(
    async () =>
      (await db.prepare(STATE_TEXTS).bind(JSON.stringify(keys)).all<{ key: string; value: string }>()).results,
    [],
  );
  return new Map(rows.map((row) => [row.key, row.value]));
}
