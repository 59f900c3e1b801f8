import type { RecordPut, StoreAdapter, StoreBatch } from "../store";
import type { ResourceSchema, SchemaChange, SchemaInferenceLike, SchemaInferrer } from "./types";

/** The parts of a batch that carry a resource's schema: its state entry, and for SQL stores the table it describes. */
export type SchemaParts = Pick<StoreBatch, "state" | "schemas">;

/**
 * A resource's schema during a run: read from the state at the start, grown by
 * every page of records written, and saved in the same batch as the page that
 * changed it, so the store never holds a schema behind its records or ahead of
 * them (atomic stores), or behind them (the others write state last).
 */
export class SchemaTracker {
  readonly #inference: SchemaInferenceLike;
  readonly #key: string;
  readonly #resource: string;
  #announced = false;

  private constructor(inference: SchemaInferenceLike, key: string, resource: string) {
    this.#inference = inference;
    this.#key = key;
    this.#resource = resource;
  }

  /** Starts from the schema saved under `key`, inferring with `infer`. */
  static async load(
    store: StoreAdapter,
    infer: SchemaInferrer,
    key: string,
    resource: string,
    now: string,
  ): Promise<SchemaTracker> {
    const saved = (await store.getState(key)) as ResourceSchema | undefined;
    return new SchemaTracker(infer(resource, saved, now), key, resource);
  }

  /** This run's changes, for the report. */
  get changes(): SchemaChange[] {
    return this.#inference.changes;
  }

  /**
   * What to write with a page of `puts` into a resource whose readers see `table`:
   * the schema when it changed (and, once per run, where it lives, so a SQL store
   * points its views at the right table), else nothing.
   */
  page(puts: readonly RecordPut[], table: string): SchemaParts | undefined {
    if (puts.length === 0) return undefined;
    const changed = this.#inference.observe(puts.map((put) => put.record));
    if (!changed && this.#announced) return undefined;
    return this.#parts(table, changed);
  }

  /** What to write when readers start to see another table (a replace swapped generations). */
  moved(table: string): SchemaParts {
    return this.#parts(table, false);
  }

  #parts(table: string, save: boolean): SchemaParts {
    this.#announced = true;
    const schema = this.#inference.snapshot();
    return {
      ...(save ? { state: [{ key: this.#key, value: schema }] } : {}),
      schemas: [{ resource: this.#resource, table, schema }],
    };
  }
}

/** `batch` with the schema parts added (state entries after the batch's own). */
export function withSchema(batch: StoreBatch, parts: SchemaParts | undefined): StoreBatch {
  if (!parts) return batch;
  return {
    ...batch,
    ...(parts.state ? { state: [...(batch.state ?? []), ...parts.state] } : {}),
    ...(parts.schemas ? { schemas: parts.schemas } : {}),
  };
}
