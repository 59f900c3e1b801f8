import { type RestApiSource, restApiSource } from "../config/source";
import type { RestApiConfig } from "../config/types";
import { ConfigError } from "../errors";
import type { ResourceSchema, SchemaInferrer } from "../schema/types";
import type { SecretSource } from "../secrets";
import type { JsonRecord } from "../store";
import { recordKey, type StoreAdapter } from "../store";
import { checkStoreFormat } from "../store-format";
import { runExclusively } from "./_exclusive";
import { resetResources } from "./_reset";
import { runSource } from "./_run";
import { cycleKey, readState, schemaKey, stateKey, tableName } from "./_state";
import type { RunOptions } from "./options";
import type { RunReport } from "./report";
import type { CycleState, ResourceState } from "./state";

/** Options of {@link createPipeline}. */
export interface PipelineOptions {
  /** The source `run()` runs when given none; it also types `records`, `get` and `count`. */
  source?: RestApiSource<string, object>;
  /** Namespaces this pipeline's state and records in the store. */
  name: string;
  store: StoreAdapter;
  /** Secret values by name (e.g. `{ api_key: "…" }`, or a Worker's `env`); falls back to the environment. */
  secrets?: SecretSource;
  /** A custom fetch (tests, proxies, instrumented clients). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Most requests in flight at once. @default 6 (the Workers limit on simultaneous connections) */
  concurrency?: number;
  /**
   * Incremental child resources keep one cursor per parent; past this many parents a
   * child falls back to one cursor at the lowest value (safe: it fetches more again,
   * never skips). @default 10000
   */
  maxParentCursors?: number;
  /**
   * How often (ms) a run saves where each resource stands, with a page's records:
   * a run killed part-way fetches again at most this much when the next budgeted run
   * resumes. Lower it for runs that are often cut short; 0 saves with every page
   * (a child resource's progress lists every parent it visited, so very low values
   * cost state writes that grow with the parents). @default 2000
   */
  progressIntervalMs?: number;
  /**
   * For stores that other processes or machines can write (an adapter with
   * `conditionalWrites` that others share, or IndexedDB without Web Locks): how
   * long the lease a run keeps in the store lasts unless renewed (it is renewed
   * every third of it). Another run takes over a lease its holder left to expire
   * — a crashed run's after this long — and the holder then stores nothing more.
   * @default 60000
   */
  leaseMs?: number;
  /**
   * Infer each resource's schema from the records a run stores — tables, columns,
   * types, variants — kept in the store's state (`pipeline.schema()`) and reported per
   * run (`schemaChanges`): pass `inferSchemas` from `restsync/schema`. Stores that
   * present resources as SQL views (SQLite, D1) bring it themselves; it is a separate
   * import so that apps that do not use it do not ship it. @default the store's
   */
  schema?: SchemaInferrer;
}

type NamesOf<S> = S extends RestApiSource<infer N, object> ? N : string;
type RecordsOf<S, N> = S extends RestApiSource<string, infer R> ? (N extends keyof R ? R[N] : JsonRecord) : JsonRecord;

/**
 * A named sync target: runs sources into its store and reads back what they
 * stored. Created with a `source`, its reading methods take only that source's
 * resource names and return its record types.
 */
export interface Pipeline<S extends RestApiSource<string, object> = RestApiSource> {
  readonly name: string;
  /**
   * Runs every selected resource (or `options.resources`), parents before children:
   * the given source or config (validated here), else the pipeline's own `source`.
   * Never throws for HTTP or data errors (see the report); throws `ConfigError`
   * before any request for an invalid config, a missing secret or an unknown resource name.
   */
  run(source?: RestApiSource<string, object> | RestApiConfig, options?: RunOptions): Promise<RunReport>;
  /** Number of records stored for a resource. */
  count(resource: NamesOf<S>): Promise<number>;
  /** Every stored record of a resource, in key order, read in pages. */
  records<N extends NamesOf<S>>(resource: N, options?: { pageSize?: number }): AsyncIterableIterator<RecordsOf<S, N>>;
  /**
   * One record by primary key (an array of values for composite keys). An id past
   * 2^53 is stored as the string of its digits; pass that string or a bigint.
   */
  get<N extends NamesOf<S>>(resource: N, key: unknown): Promise<RecordsOf<S, N> | undefined>;
  /** The stored state of a resource (cursor, last run), for inspection. */
  state(resource: NamesOf<S>): Promise<ResourceState | undefined>;
  /** The schema inferred from the resource's stored records (tables, columns, types), or undefined before any is stored. */
  schema(resource: NamesOf<S>): Promise<ResourceSchema | undefined>;
  /** The sync cycle in progress (spread over budgeted runs), or undefined when the last one completed. */
  cycle(): Promise<CycleState | undefined>;
  /**
   * Forgets what this pipeline stored for `resources` — records, cursors, saved
   * progress — so that the next run fetches them from the start (dlt's full refresh).
   * Without names: every resource of the pipeline's `source`, and the sync cycle too.
   * Waits for a run of the pipeline that is going on. Resolves to how many records were forgotten.
   *
   * @example
   * await pipeline.reset(["epics"]); // the next run fetches every epic again
   */
  reset(resources?: readonly NamesOf<S>[]): Promise<{ records: number }>;
}

/**
 * Creates a pipeline.
 *
 * @example
 * const pipeline = createPipeline({ name: "analytics", store: memoryAdapter(), secrets: { api_key: "…" } });
 * const report = await pipeline.run(restApiSource(config));
 * for await (const epic of pipeline.records("epics")) console.log(epic.name);
 */
export function createPipeline<S extends RestApiSource<string, object> = RestApiSource>(
  options: PipelineOptions & { source?: S },
): Pipeline<S> {
  if (typeof options?.name !== "string" || options.name === "")
    throw new TypeError("createPipeline: name must be a non-empty string");
  if (!options.store || typeof options.store.write !== "function")
    throw new TypeError("createPipeline: store must be a storage adapter (e.g. memoryAdapter())");
  if (options.leaseMs !== undefined && !(options.leaseMs > 0 && Number.isFinite(options.leaseMs)))
    throw new TypeError("createPipeline: leaseMs must be a positive number of milliseconds");
  const { name, store } = options;
  const liveTable = async (resource: string) =>
    tableName(name, resource, (await readState(store, name, resource)).generation);

  const pipeline = {
    name,
    run(given?: RestApiSource<string, object> | RestApiConfig, runOptions: RunOptions = {}): Promise<RunReport> {
      const sourceOrConfig = given ?? options.source;
      if (!sourceOrConfig)
        return Promise.reject(new TypeError("pipeline.run: pass a source or config, or create the pipeline with one"));
      const isSource = (sourceOrConfig as RestApiSource)?.kind === "restsync.source";
      const settings = {
        pipeline: name,
        secrets: options.secrets,
        fetch: options.fetch,
        concurrency: options.concurrency ?? 6,
        maxParentCursors: options.maxParentCursors ?? 10_000,
        progressIntervalMs: options.progressIntervalMs ?? 2000,
        inferSchemas: options.schema ?? store.inferSchemas,
      };
      // One run at a time per pipeline and store: overlapping runs would race on the same cursors.
      return runExclusively(
        {
          store,
          pipeline: name,
          mode: runOptions.ifRunning ?? "wait",
          signal: runOptions.signal,
          leaseMs: options.leaseMs ?? 60_000,
        },
        async (exclusive) => {
          const source = isSource ? (sourceOrConfig as RestApiSource) : restApiSource(sourceOrConfig as RestApiConfig);
          // A store written by an incompatible restsync is refused before any request or write.
          await checkStoreFormat(exclusive.store, { record: true });
          return runSource({ ...settings, store: exclusive.store }, source, runOptions);
        },
        (reason) => skippedReport(name, reason),
      );
    },
    async count(resource: string) {
      return store.count(await liveTable(resource));
    },
    async *records(
      resource: string,
      { pageSize = 500 }: { pageSize?: number } = {},
    ): AsyncIterableIterator<JsonRecord> {
      const table = await liveTable(resource);
      let after: string | undefined;
      do {
        const page = await store.scan(table, { after, limit: pageSize });
        for (const entry of page.entries) yield entry.record;
        after = page.next;
      } while (after !== undefined);
    },
    async get(resource: string, key: unknown) {
      return store.get(await liveTable(resource), recordKey(Array.isArray(key) ? key : [key]));
    },
    async schema(resource: string) {
      return ((await store.getState(schemaKey(name, resource))) as ResourceSchema | undefined) ?? undefined;
    },
    async cycle() {
      return ((await store.getState(cycleKey(name))) as CycleState | undefined) ?? undefined;
    },
    async reset(resources?: readonly string[]) {
      const known = options.source?.resources.map((r) => r.name);
      const names = resources ?? known;
      if (!names)
        throw new TypeError("pipeline.reset: name the resources to reset, or create the pipeline with a source");
      const unknown = known ? names.filter((n) => !known.includes(n)) : [];
      if (unknown.length > 0)
        throw new ConfigError(
          unknown.map((n) => ({
            path: "reset",
            message: `unknown resource "${n}" (the source has ${known!.join(", ")})`,
          })),
        );
      return runExclusively(
        { store, pipeline: name, mode: "wait", signal: undefined, leaseMs: options.leaseMs ?? 60_000 },
        async (exclusive) => {
          await checkStoreFormat(exclusive.store);
          return resetResources(exclusive.store, name, names, resources === undefined);
        },
        () => ({ records: 0 }),
      );
    },
    async state(resource: string): Promise<ResourceState | undefined> {
      return ((await store.getState(stateKey(name, resource))) as ResourceState | undefined) ?? undefined;
    },
  };
  // Records are whatever the schema let through (validated at run time), so the typed view is sound.
  return pipeline as unknown as Pipeline<S>;
}

function skippedReport(pipeline: string, reason: "running" | "aborted"): RunReport {
  const now = new Date().toISOString();
  return {
    pipeline,
    status: "skipped",
    startedAt: now,
    durationMs: 0,
    resources: {},
    totals: { records: 0, requests: 0, retries: 0, pages: 0 },
    ...(reason === "aborted" ? { stopped: "aborted" as const } : {}),
  };
}
