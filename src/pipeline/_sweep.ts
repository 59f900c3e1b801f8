import type { SourceResource } from "../config/source";
import type { JsonRecord, RecordPut, StoreAdapter, StoreBatch } from "../store";
import { seenTable } from "./_state";
import { reading } from "./_writes";

/** What a sweep did to the records no longer listed. */
export interface SweepCounts {
  deleted: number;
  flagged: number;
}

const PAGE = 500;

/**
 * The writes that depend on everything a resource stored in a cycle:
 * `delete_missing` (records a complete listing did not return are removed or
 * flagged) and delete-insert's `merge_key` (the records of a merge key stored in
 * this cycle replace every other stored record of that key). Each page marks the
 * keys it stored in a side table, in the same batch as the records, so a killed
 * run's marks are exactly as durable as its records; a fresh cycle starts with
 * no marks. At the resource's commit the live table is swept against them.
 */
export class Sweep {
  readonly #resource: SourceResource;
  readonly #store: StoreAdapter;
  readonly #live: string;
  readonly #seen: string;

  private constructor(resource: SourceResource, store: StoreAdapter, pipeline: string, live: string) {
    this.#resource = resource;
    this.#store = store;
    this.#live = live;
    this.#seen = seenTable(pipeline, resource.name);
  }

  /** A sweep for `resource`, or undefined when it needs none. */
  static of(resource: SourceResource, store: StoreAdapter, pipeline: string, live: string): Sweep | undefined {
    return resource.deleteMissing || resource.mergeKey ? new Sweep(resource, store, pipeline, live) : undefined;
  }

  /** Before the first page: marks of a cycle that did not complete are dropped unless this run resumes it. */
  async prepare(write: (batch: StoreBatch) => Promise<void>, resumed: boolean): Promise<void> {
    if (!resumed) await write({ drops: [this.#seen] });
  }

  /** The marks for records a page stored (or deleted by `hard_delete`, or left unchanged), to write with it. */
  marks(stored: ReadonlyArray<{ key: string; record: JsonRecord }>): RecordPut[] {
    return stored.map(({ key, record }) => ({
      table: this.#seen,
      key,
      record: this.#resource.mergeKey ? { m: this.#mergeValue(record) } : {},
    }));
  }

  /**
   * Once every page is stored: deletes the unmarked records of a merge key marked
   * in this cycle, and — when `complete` (every page of every context was read) —
   * removes or flags (`deleted_at: at`) every other unmarked record.
   */
  async run(write: (batch: StoreBatch) => Promise<void>, at: string, complete: boolean): Promise<SweepCounts> {
    const counts = { deleted: 0, flagged: 0 };
    const missing = complete ? this.#resource.deleteMissing : undefined;
    const touched = this.#resource.mergeKey ? await this.#touched() : undefined;
    if (!missing && !touched?.size) return counts;
    const store = this.#store;
    let after: string | undefined;
    do {
      const page = await reading(store, this.#resource.name, () => store.scan(this.#live, { after, limit: PAGE }));
      const keys = page.entries.map((entry) => entry.key);
      const marked = await reading(store, this.#resource.name, () =>
        store.getMany ? store.getMany(this.#seen, keys) : Promise.all(keys.map((key) => store.get(this.#seen, key))),
      );
      const batch = { deletes: [] as Array<{ table: string; key: string }>, puts: [] as RecordPut[] };
      page.entries.forEach(({ key, record }, i) => {
        if (marked[i] !== undefined) return;
        if (missing === "remove" || touched?.has(this.#mergeValue(record)))
          batch.deletes.push({ table: this.#live, key });
        // Flagged once: a record still missing keeps the time it was first missed.
        else if (missing === "flag" && (record.deleted_at === undefined || record.deleted_at === null))
          batch.puts.push({ table: this.#live, key, record: { ...record, deleted_at: at } });
      });
      if (batch.deletes.length + batch.puts.length > 0) await write(batch);
      counts.deleted += batch.deletes.length;
      counts.flagged += batch.puts.length;
      after = page.next;
    } while (after !== undefined);
    return counts;
  }

  /** After the commit: this cycle's marks are no longer needed. */
  async finish(write: (batch: StoreBatch) => Promise<void>): Promise<void> {
    await write({ drops: [this.#seen] });
  }

  /** The merge-key values marked in this cycle. */
  async #touched(): Promise<Set<string>> {
    const touched = new Set<string>();
    let after: string | undefined;
    do {
      const page = await reading(this.#store, this.#resource.name, () =>
        this.#store.scan(this.#seen, { after, limit: PAGE }),
      );
      for (const { record } of page.entries) touched.add(String(record.m));
      after = page.next;
    } while (after !== undefined);
    return touched;
  }

  #mergeValue(record: JsonRecord): string {
    return JSON.stringify(
      this.#resource.mergeKey!.map((field) => (Object.hasOwn(record, field) ? record[field] : null) ?? null),
    );
  }
}
