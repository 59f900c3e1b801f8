import { forEachLimited } from "../_async";
import type { SourceResource } from "../config/source";
import { isBudgetExhaustedError } from "../errors";
import type { HttpClient } from "../http/client";
import { type SchemaParts, SchemaTracker, withSchema } from "../schema/_track";
import type { SchemaInferrer } from "../schema/types";
import type { StoreAdapter, StoreBatch } from "../store";
import { readChain } from "./_chain";
import type { FanOutContext, Projection } from "./_contexts";
import { Disposition } from "./_dispositions";
import { type PageWrites, pageWrites } from "./_page";
import { Progress } from "./_progress";
import { readRecords } from "./_records";
import { SchemaCheck } from "./_schema-check";
import { schemaKey, stateKey } from "./_state";
import { Sweep, type SweepCounts } from "./_sweep";
import { reading, writer } from "./_writes";
import type { ProgressEvent, ResourceReport } from "./report";
import type { ResourceState } from "./state";

export interface ResourceRunInput {
  resource: SourceResource;
  client: HttpClient;
  store: StoreAdapter;
  pipeline: string;
  state: ResourceState;
  /** The sync cycle this run belongs to. */
  cycle: string;
  contexts: FanOutContext[];
  /** Whether records are stored and state advanced (false for parents run only to feed children). */
  writable: boolean;
  /** `RunOptions.maxPages` for this resource: its chains end, completed, after this many pages. */
  maxPages: number | undefined;
  /** Parent fields (JSONPaths) children need; undefined when nothing depends on this resource. */
  project: readonly string[] | undefined;
  concurrency: number;
  /** Per-parent cursors kept before falling back to one per resource. */
  maxParentCursors: number;
  /**
   * Progress is saved with a page's records at most this often, so a killed run
   * fetches again at most this much. Time, not pages: a child's progress lists
   * every parent it visited, and saving it every few pages would cost O(n²).
   */
  progressIntervalMs: number;
  signal: AbortSignal | undefined;
  /** Infers each resource's schema while it is stored (the store's, or the pipeline's option). */
  inferSchemas?: SchemaInferrer | undefined;
  report: ResourceReport;
  emit: (event: ProgressEvent) => void;
  /** Extra state written with the resource's final commit (the cycle's progress, the values children need). */
  onCommit: (projections: Projection[]) => StoreBatch["state"];
}

/**
 * Fetches every page of a resource (for every fan-out context), writes each
 * page as one batch with the position after it, and only then commits the state
 * that covers them. Data flows page → records → verdicts → batch → store. When
 * the run stops part-way (budget, abort) where each context stands is saved, and
 * the next budgeted run of the cycle resumes from there. Returns the values its
 * children need.
 */
export async function runResource(input: ResourceRunInput): Promise<Projection[]> {
  const { resource, state, report, writable } = input;
  const key = stateKey(input.pipeline, resource.name);
  const write = writer(input.store, resource.name);
  const progress = new Progress(state, {
    cycle: input.cycle,
    replacing: resource.writeDisposition === "replace",
    resumable: resource.records === undefined,
    feedsChildren: input.project !== undefined,
    now: Date.now(),
  });
  const disposition = new Disposition({ resource, store: input.store, pipeline: input.pipeline, state, progress });
  const sweep = writable ? Sweep.of(resource, input.store, input.pipeline, disposition.table) : undefined;
  if (writable) await disposition.prepare(write);
  await sweep?.prepare(write, progress.resumed);
  const tracker = writable ? await schemaTracker(input) : undefined;
  const warn = warner(input);
  const schema = resource.schema ? new SchemaCheck(resource, warn) : undefined;
  const saved = () => [{ key, value: progress.snapshot(input.client.redactor, resource.name, Date.now()) }];
  let parentsDone = 0;

  const chain = { ...input, progress, warn };
  const runContext = async (context: FanOutContext) => {
    const filter = progress.filter(context.key, resource.incremental);
    await (resource.records ? readRecords : readChain)(chain, context, filter, async (records, next, urlOf) => {
      const verdicts = { resource, filter, schema, include: context.include, urlOf };
      const page = await pageWrites(records, {
        verdicts,
        disposition,
        writable,
        project: input.project,
        report,
        sweep,
      });
      progress.projections.push(...page.projections);
      if (input.maxPages !== undefined && (page.passed > 0 || records.length === 0)) progress.sample(context.key);
      // The page's records and the position after it move together: one batch (one transaction where the store has them).
      progress.advance(context.key, next, filter);
      const state = progress.due(Date.now(), input.progressIntervalMs) ? saved() : undefined;
      // The schema the page's records grow is saved in the same batch as they are.
      const described = tracker?.page(page.puts, disposition.liveTable);
      if (tracker?.changes.length) report.schemaChanges = tracker.changes;
      // Most pages of an incremental run have nothing to write: no batch, and no await, for them.
      const writing = writePage(write, page, state, described);
      if (writing) await writing;
      counted(report, page);
      if (!next) parentsDone++;
      input.emit(pageEvent(resource, report, records.length, page.puts.length, parentsDone));
    });
  };

  try {
    await forEachLimited(progress.pending(input.contexts), input.concurrency, runContext);
  } catch (error) {
    await keepProgress(error, input, progress, write, saved);
    throw error;
  }

  // Every record is written by now: this is the commit point of the resource.
  const commit = input.onCommit(progress.projections) ?? [];
  if (writable) {
    const at = new Date().toISOString();
    if (sweep) swept(report, await sweep.run(write, at, !progress.cut));
    const next = progress.completed({
      incremental: resource.incremental !== undefined,
      lastValueFunc: resource.incremental?.last_value_func,
      append: resource.writeDisposition === "append",
      maxParentCursors: input.maxParentCursors,
      records: report.records,
      at,
    });
    const moved = tracker && disposition.table !== disposition.liveTable ? tracker.moved(disposition.table) : undefined;
    await write(withSchema({ state: [{ key, value: next }, ...commit] }, moved));
    await disposition.finish(write);
    await sweep?.finish(write);
  } else {
    await write({ state: [...(progress.saved ? [{ key, value: progress.finished() }] : []), ...commit] });
  }
  return progress.projections;
}

/** The resource's inferred schema, loaded when the store (or the pipeline) asks for one. */
async function schemaTracker(input: ResourceRunInput): Promise<SchemaTracker | undefined> {
  const infer = input.inferSchemas;
  if (!infer) return undefined;
  const { store, resource, pipeline } = input;
  const at = new Date().toISOString();
  return reading(store, resource.name, () =>
    SchemaTracker.load(store, infer, schemaKey(pipeline, resource.name), resource.name, at),
  );
}

/** Reports a warning once per run: every parent's chain of a child resource would say it again. */
function warner({ report, resource, emit }: ResourceRunInput): (message: string) => void {
  return (message) => {
    if (report.warnings?.includes(message)) return;
    (report.warnings ??= []).push(message);
    emit({ type: "warning", resource: resource.name, message });
  };
}

/** Counts a written page in the report. */
function counted(report: ResourceReport, page: PageWrites): void {
  report.records += page.puts.length;
  if (page.deletes.length > 0) report.deleted = (report.deleted ?? 0) + page.deletes.length;
  report.pages++;
}

/**
 * The state a run that stopped keeps: every position when the budget or an abort
 * stopped it (the next budgeted run of the cycle resumes exactly there); after a
 * failure, the cursors of the contexts it finished (merge only: those never hide a record).
 */
async function keepProgress(
  error: unknown,
  input: ResourceRunInput,
  progress: Progress,
  write: (batch: StoreBatch) => Promise<void>,
  saved: () => NonNullable<StoreBatch["state"]>,
): Promise<void> {
  const { resource, writable } = input;
  if (isBudgetExhaustedError(error) || input.signal?.aborted) {
    await write({ state: saved() }).catch(() => undefined);
  } else if (progress.saved || (writable && progress.anyDone)) {
    const value = progress.failed({
      keepCursors: writable && resource.writeDisposition === "merge",
      incremental: resource.incremental !== undefined,
      lastValueFunc: resource.incremental?.last_value_func,
      maxParentCursors: input.maxParentCursors,
    });
    await write({ state: [{ key: stateKey(input.pipeline, resource.name), value }] }).catch(() => undefined);
  }
}

/** One page's batch: its records, deletes and marks, with the position after it when a save is due. */
function writePage(
  write: (batch: StoreBatch) => Promise<void>,
  page: PageWrites,
  state: StoreBatch["state"] | undefined,
  schema: SchemaParts | undefined,
): Promise<void> | undefined {
  const puts = page.marks.length > 0 ? [...page.puts, ...page.marks] : page.puts;
  if (puts.length === 0 && page.deletes.length === 0 && !state) return undefined;
  const batch: StoreBatch = {
    ...(puts.length > 0 ? { puts } : {}),
    ...(page.deletes.length > 0 ? { deletes: page.deletes } : {}),
    ...(state ? { state } : {}),
  };
  return write(withSchema(batch, schema));
}

/** Counts what a sweep removed and flagged in the report. */
function swept(report: ResourceReport, counts: SweepCounts): void {
  if (counts.deleted > 0) report.deleted = (report.deleted ?? 0) + counts.deleted;
  if (counts.flagged > 0) report.flagged = counts.flagged;
}

function pageEvent(
  resource: SourceResource,
  report: ResourceReport,
  received: number,
  written: number,
  parentsDone: number,
): ProgressEvent {
  const event: ProgressEvent = {
    type: "page",
    resource: resource.name,
    page: report.pages,
    received,
    written,
    totalWritten: report.records,
  };
  if (resource.parent) event.parentsDone = parentsDone;
  return event;
}
