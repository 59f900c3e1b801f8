/**
 * A custom adapter over storage that several adapter objects share, standing
 * for an external store (Redis, a database) that several processes write: it
 * declares `conditionalWrites` and honours `expect` atomically, and each
 * adapter object can be cut off ("partitioned") so that its calls wait until
 * it is healed, the way a stalled or partitioned process's would.
 */
import { assertExpected, type JsonRecord, type ScanPage, type StoreAdapter, type StoreBatch } from "restsync";

/** The shared storage: every value kept as JSON text, like a remote store. */
export class SharedBacking {
  readonly tables = new Map<string, Map<string, string>>();
  readonly state = new Map<string, string>();
  readonly ops = { writes: 0, stateReads: 0, stateSets: new Map<string, number>() };

  readState(key: string): unknown {
    const text = this.state.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }
}

export interface SharedStore extends StoreAdapter {
  /** From now on, calls wait until `heal()`. */
  partition(): void;
  heal(): void;
}

/** `latencyMs`: how long each call takes to reach the storage (calls keep their order). */
export function sharedStore(backing: SharedBacking, { latencyMs = 0 }: { latencyMs?: number } = {}): SharedStore {
  let cut: { promise: Promise<void>; heal: () => void } | undefined;
  let wire: Promise<unknown> = Promise.resolve();
  // Every call goes out as a request: it waits its turn on the wire, and while cut off, until healed.
  const remote = async <T>(call: () => T): Promise<T> => {
    const sent = wire.then(() => (latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : null));
    wire = sent;
    await sent;
    while (cut) await cut.promise;
    return call();
  };
  return {
    name: "shared",
    atomic: true,
    conditionalWrites: true,
    write: (batch: StoreBatch) =>
      remote(() => {
        backing.ops.writes++;
        assertExpected(batch.expect, (key) => backing.readState(key), "shared");
        const state = (batch.state ?? []).map(
          ({ key, value }) => [key, value === undefined ? undefined : JSON.stringify(value)] as const,
        );
        for (const { table, key, record } of batch.puts ?? []) {
          let t = backing.tables.get(table);
          if (!t) backing.tables.set(table, (t = new Map()));
          t.set(key, JSON.stringify(record));
        }
        for (const { table, key } of batch.deletes ?? []) backing.tables.get(table)?.delete(key);
        for (const table of batch.drops ?? []) backing.tables.delete(table);
        for (const [key, value] of state) {
          if (value === undefined) backing.state.delete(key);
          else backing.state.set(key, value);
          backing.ops.stateSets.set(key, (backing.ops.stateSets.get(key) ?? 0) + 1);
        }
      }),
    get: (table, key) =>
      remote(() => {
        const text = backing.tables.get(table)?.get(key);
        return text === undefined ? undefined : (JSON.parse(text) as JsonRecord);
      }),
    count: (table) => remote(() => backing.tables.get(table)?.size ?? 0),
    scan: (table, { after, limit }) =>
      remote((): ScanPage => {
        const t = backing.tables.get(table) ?? new Map<string, string>();
        const keys = [...t.keys()].sort().filter((key) => after === undefined || key > after);
        const page = keys.slice(0, Math.max(1, limit));
        return {
          entries: page.map((key) => ({ key, record: JSON.parse(t.get(key)!) as JsonRecord })),
          next: keys.length > page.length ? page[page.length - 1] : undefined,
        };
      }),
    getState: (key) =>
      remote(() => {
        backing.ops.stateReads++;
        return backing.readState(key);
      }),
    partition() {
      let heal!: () => void;
      const promise = new Promise<void>((resolve) => (heal = resolve));
      cut = { promise, heal };
    },
    heal() {
      const was = cut;
      cut = undefined;
      was?.heal();
    },
  };
}
