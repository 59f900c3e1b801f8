import type { SourceResource } from "../config/source";
import type { JsonRecord, RecordPut, StoreAdapter, StoreBatch } from "../store";
import type { Progress } from "./_progress";
import { identityKey, isPositional, positionalKey, truncatePositional } from "./_record-keys";
import { stableStringify } from "./_stable";
import { tableName } from "./_state";
import { reading } from "./_writes";
import type { ResourceState } from "./state";

/** One page's record writes. */
export interface PageOps {
  puts: RecordPut[];
  deletes: Array<{ table: string; key: string }>;
}

/**
 * How a resource's records land in the store: `merge` upserts by primary key
 * (`insert-only` never overwrites; `hard_delete` deletes), `append` adds rows by position, `replace` fills a fresh generation and swaps
 * it in only once the whole fetch succeeded.
 */
export class Disposition {
  /** The table this run writes: the live one, or the generation a replace fills. */
  readonly table: string;
  readonly #resource: SourceResource;
  readonly #store: StoreAdapter;
  readonly #pipeline: string;
  readonly #state: ResourceState;
  readonly #progress: Progress;
  readonly #positional: boolean;

  constructor(input: {
    resource: SourceResource;
    store: StoreAdapter;
    pipeline: string;
    state: ResourceState;
    progress: Progress;
  }) {
    this.#resource = input.resource;
    this.#store = input.store;
    this.#pipeline = input.pipeline;
    this.#state = input.state;
    this.#progress = input.progress;
    this.#positional = isPositional(input.resource);
    this.table = tableName(input.pipeline, input.resource.name, input.progress.generation);
  }

  /** The table readers see until this run commits (a replace fills another). */
  get liveTable(): string {
    return tableName(this.#pipeline, this.#resource.name, this.#state.generation);
  }

  /** Clears what an unfinished earlier attempt left, before the first page is written. */
  async prepare(write: (batch: StoreBatch) => Promise<void>): Promise<void> {
    const { generation } = this.#state;
    if (this.#resource.writeDisposition === "replace" && !this.#progress.resumed) {
      // Leftovers of an earlier replace that died before switching (or before cleaning up).
      await write({
        drops: [
          this.table,
          ...(generation > 0 ? [tableName(this.#pipeline, this.#resource.name, generation - 1)] : []),
        ],
      });
    } else if (this.#positional) {
      // Rows stored past the position this cycle last saved (resuming), or by a cycle that never completed
      // (starting afresh), are fetched again: remove them first, or they would be stored twice.
      await truncatePositional(this.#store, this.table, this.#progress.seq, this.#resource.name);
    }
  }

  /** The put of a record to store: by position (append, replace without a primary key) or by primary key. */
  put(output: JsonRecord, urlOf: () => string): RecordPut {
    const key = this.#positional ? positionalKey(this.#progress.nextSeq()) : identityKey(this.#resource, output, urlOf);
    return { table: this.table, key, record: output };
  }

  /** Of records without a cursor value, those that differ from the stored copy (a replace table starts empty: all). */
  async changed(candidates: RecordPut[]): Promise<RecordPut[]> {
    if (candidates.length === 0 || this.#resource.writeDisposition === "replace") return candidates;
    const keys = candidates.map((c) => c.key);
    const store = this.#store;
    const stored = await reading(store, this.#resource.name, () =>
      store.getMany ? store.getMany(this.table, keys) : Promise.all(keys.map((k) => store.get(this.table, k))),
    );
    return candidates.filter(
      (c, i) => stored[i] === undefined || stableStringify(stored[i]) !== stableStringify(c.record),
    );
  }

  /** Whether `output` is marked deleted by the `hard_delete` column (merge only): `true`, or any other non-null value unless the column is declared bool. */
  hardDeleted(output: JsonRecord): boolean {
    const hint = this.#resource.hardDelete;
    if (!hint) return false;
    const value = Object.hasOwn(output, hint.column) ? output[hint.column] : undefined;
    return value === true || (!hint.bool && typeof value !== "boolean" && value !== undefined && value !== null);
  }

  /**
   * A page's writes, in page order, as puts and deletes: the last write of a key wins
   * (a record stored, then marked deleted, is deleted). `insert-only` stores only keys
   * the store does not hold yet (the first of a page wins) and never deletes: a record
   * marked deleted is just not inserted, as in dlt.
   */
  settle(ops: ReadonlyArray<RecordPut & { deleted?: boolean }>): PageOps | Promise<PageOps> {
    if (this.#resource.mergeStrategy === "insert-only") return this.#fresh(ops).then((puts) => ({ puts, deletes: [] }));
    if (!ops.some((op) => op.deleted)) return { puts: ops as RecordPut[], deletes: [] };
    const last = new Map<string, RecordPut & { deleted?: boolean }>();
    for (const op of ops) {
      last.delete(op.key);
      last.set(op.key, op);
    }
    const settled: PageOps = { puts: [], deletes: [] };
    for (const op of last.values())
      if (op.deleted) settled.deletes.push({ table: op.table, key: op.key });
      else settled.puts.push({ table: op.table, key: op.key, record: op.record });
    return settled;
  }

  async #fresh(ops: ReadonlyArray<RecordPut & { deleted?: boolean }>): Promise<RecordPut[]> {
    const first = new Map<string, RecordPut>();
    for (const op of ops) if (!op.deleted && !first.has(op.key)) first.set(op.key, op);
    const candidates = [...first.values()];
    if (candidates.length === 0) return candidates;
    const store = this.#store;
    const keys = candidates.map((c) => c.key);
    const stored = await reading(store, this.#resource.name, () =>
      store.getMany ? store.getMany(this.table, keys) : Promise.all(keys.map((k) => store.get(this.table, k))),
    );
    return candidates.filter((_, i) => stored[i] === undefined);
  }

  /** After the commit: a replace drops the generation it swapped out. */
  async finish(write: (batch: StoreBatch) => Promise<void>): Promise<void> {
    if (this.#resource.writeDisposition === "replace" && this.#state.generation !== this.#progress.generation) {
      await write({ drops: [tableName(this.#pipeline, this.#resource.name, this.#state.generation)] });
    }
  }
}
