import { forEachLimited } from "../_async";
import type { SourceResource } from "../config/source";
import { isBudgetExhaustedError } from "../errors";
import type { HttpClient } from "../http/client";
import { SchemaTracker, withSchema } from "../schema/_track";
import type { SchemaInferrer } from "../schema/types";
import type { StoreAdapter, StoreBatch } from "../store";
import { readChain } from "./_chain";
import type { FanOutContext, Projection } from "./_contexts";
import { Disposition } from "./_dispositions";
import { pageWrites } from "./_page";
import { Progress } from "./_progress";
import { SchemaCheck } from "./_schema-check";
import { schemaKey, stateKey } from "./_state";
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
    feedsChildren: input.project !== undefined,
    now: Date.now(),
  });
  const disposition = new Disposition({ resource, store: input.store, pipeline: input.pipeline, state, progress });
  if (writable) await disposition.prepare(write);
  const infer = input.inferSchemas;
  const tracker =
    writable && infer
      ? await reading(input.store, resource.name, () =>
          SchemaTracker.load(
            input.store,
            infer,
            schemaKey(input.pipeline, resource.name),
            resource.name,
            new Date().toISOString(),
          ),
        )
      : undefined;
  const warn = (message: string) => {
    (report.warnings ??= []).push(message);
    input.emit({ type: "warning", resource: resource.name, message });
  };
  const schema = resource.schema ? new SchemaCheck(resource, warn) : undefined;
  const saved = () => [{ key, value: progress.snapshot(input.client.redactor, resource.name, Date.now()) }];
  let parentsDone = 0;

  const chain = { resource, client: input.client, progress, signal: input.signal, report, emit: input.emit };
  const runContext = async (context: FanOutContext) => {
    const filter = progress.filter(context.key, resource.incremental);
    await readChain(chain, context, filter, async (records, next, urlOf) => {
      const verdicts = { resource, filter, schema, include: context.include, urlOf };
      const { puts, projections } = await pageWrites(records, {
        verdicts,
        disposition,
        writable,
        project: input.project,
        report,
      });
      progress.projections.push(...projections);
      // The page's records and the position after it move together: one batch (one transaction where the store has them).
      progress.advance(context.key, next, filter);
      const state = progress.due(Date.now(), input.progressIntervalMs) ? saved() : undefined;
      // The schema the page's records grow is saved in the same batch as they are.
      const described = tracker?.page(puts, disposition.liveTable);
      if (tracker?.changes.length) report.schemaChanges = tracker.changes;
      if (puts.length > 0 || state)
        await write(withSchema({ ...(puts.length > 0 ? { puts } : {}), ...(state ? { state } : {}) }, described));
      report.records += puts.length;
      report.pages++;
      if (!next) parentsDone++;
      const event: ProgressEvent = {
        type: "page",
        resource: resource.name,
        page: report.pages,
        received: records.length,
        written: puts.length,
        totalWritten: report.records,
      };
      if (resource.parent) event.parentsDone = parentsDone;
      input.emit(event);
    });
  };

  try {
    await forEachLimited(progress.pending(input.contexts), input.concurrency, runContext);
  } catch (error) {
    if (isBudgetExhaustedError(error) || input.signal?.aborted) {
      // Stopped, not failed: keep every position so the next budgeted run of the cycle resumes exactly here.
      await write({ state: saved() }).catch(() => undefined);
    } else if (progress.saved || (writable && progress.anyDone)) {
      const keepCursors = writable && resource.writeDisposition === "merge";
      await write({
        state: [
          {
            key,
            value: progress.failed({
              keepCursors,
              incremental: resource.incremental !== undefined,
              maxParentCursors: input.maxParentCursors,
            }),
          },
        ],
      }).catch(() => undefined);
    }
    throw error;
  }

  // Every record is written by now: this is the commit point of the resource.
  const commit = input.onCommit(progress.projections) ?? [];
  if (writable) {
    const at = new Date().toISOString();
    const next = progress.completed({
      incremental: resource.incremental !== undefined,
      append: resource.writeDisposition === "append",
      maxParentCursors: input.maxParentCursors,
      records: report.records,
      at,
    });
    const moved = tracker && disposition.table !== disposition.liveTable ? tracker.moved(disposition.table) : undefined;
    await write(withSchema({ state: [{ key, value: next }, ...commit] }, moved));
    await disposition.finish(write);
  } else {
    await write({ state: [...(progress.saved ? [{ key, value: progress.finished() }] : []), ...commit] });
  }
  return progress.projections;
}
