import { assertExpected, type JsonRecord, type ScanPage, type StoreAdapter, type StoreBatch } from "restsync";

/** Options for {@link memoryAdapter}. */
export interface MemoryAdapterOptions {
  /** Copy records on read, so callers cannot change what is stored. @default true */
  cloneOnRead?: boolean;
}

interface Table {
  records: Map<string, JsonRecord>;
  /** Keys in ascending order, rebuilt lazily after writes; for scans. */
  sorted: string[] | undefined;
}

/**
 * Stores records and state in memory: for tests, Node scripts and short-lived
 * Workers. Batches are atomic (applied synchronously), conditional ones
 * ({@link StoreBatch.expect}) included. Nothing survives the process, and
 * nothing but this object writes its storage.
 *
 * @example
 * const pipeline = createPipeline({ name: "demo", store: memoryAdapter() });
 */
export function memoryAdapter(options: MemoryAdapterOptions = {}): StoreAdapter {
  const tables = new Map<string, Table>();
  const state = new Map<string, string>();
  const copy = options.cloneOnRead === false ? <T>(value: T) => value : <T>(value: T) => structuredClone(value);

  const readState = (key: string): unknown => {
    const value = state.get(key);
    return value === undefined ? undefined : JSON.parse(value);
  };

  const table = (name: string, create: boolean): Table | undefined => {
    let found = tables.get(name);
    if (!found && create) tables.set(name, (found = { records: new Map(), sorted: undefined }));
    return found;
  };

  return {
    name: "memory",
    atomic: true,
    conditionalWrites: true,
    sharedWith: "nobody",
    write(batch: StoreBatch) {
      if (batch.expect) assertExpected(batch.expect, readState, "memory");
      // Serialise state first: a value that cannot be stored fails the batch before anything changes.
      const stateWrites = (batch.state ?? []).map(
        ({ key, value }) => [key, value === undefined ? undefined : JSON.stringify(value)] as const,
      );
      for (const { table: name, key, record } of batch.puts ?? []) {
        const t = table(name, true)!;
        if (!t.records.has(key)) t.sorted = undefined;
        t.records.set(key, record);
      }
      for (const { table: name, key } of batch.deletes ?? []) {
        const t = table(name, false);
        if (t?.records.delete(key)) t.sorted = undefined;
      }
      for (const name of batch.drops ?? []) tables.delete(name);
      for (const [key, value] of stateWrites) {
        if (value === undefined) state.delete(key);
        else state.set(key, value);
      }
    },
    get: (name, key) => {
      const record = tables.get(name)?.records.get(key);
      return record === undefined ? undefined : copy(record);
    },
    getMany: (name, keys) =>
      keys.map((key) => {
        const record = tables.get(name)?.records.get(key);
        return record === undefined ? undefined : copy(record);
      }),
    count: (name) => tables.get(name)?.records.size ?? 0,
    scan(name, { after, limit }): ScanPage {
      const t = tables.get(name);
      if (!t) return { entries: [], next: undefined };
      t.sorted ??= [...t.records.keys()].sort(compareKeys);
      const keys = t.sorted;
      let start = 0;
      if (after !== undefined) {
        let lo = 0;
        let hi = keys.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareKeys(keys[mid]!, after) <= 0) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      const slice = keys.slice(start, start + Math.max(1, limit));
      const entries = slice.map((key) => ({ key, record: copy(t.records.get(key)!) }));
      const next = start + slice.length < keys.length ? slice[slice.length - 1] : undefined;
      return { entries, next };
    },
    getState: (key) => readState(key),
  };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
