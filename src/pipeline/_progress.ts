import { setOwn } from "../_objects";
import type { IncrementalConfig } from "../config/types";
import { credentialFreeRequest } from "../http/_credentials";
import type { Redactor } from "../http/_redact";
import type { PageRequest } from "../paginators/index";
import type { FanOutContext, Projection } from "./_contexts";
import { commitCursors, cursorFor } from "./_cursors";
import { IncrementalFilter } from "./_incremental";
import type { CursorState, ObservedCursor, ResourceProgress, ResourceState } from "./state";

/**
 * Where one resource stands in its sync cycle, and the state that records it:
 * resumed from what an earlier budgeted run of the cycle saved, saved with a
 * page's records as it goes, and turned into the committed state at the end
 * (or cleared when the resource fails). Owns `ResourceState.progress`.
 */
export class Progress {
  /** This cycle's progress was saved by an earlier run, and is resumed. */
  readonly resumed: boolean;
  /** Generation of the table records go to: the live one, or the one a `replace` fills. */
  readonly generation: number;
  /** Parent values gathered for children, in arrival order. */
  readonly projections: Projection[];
  readonly #state: ResourceState;
  /** The saved shape's scalars (cycle, staging, append_seq, fanout); per-context entries live in the maps below. */
  readonly #p: ResourceProgress;
  readonly #done: Set<string>;
  // Per-context entries change with every page: Maps, turned into the saved objects only when progress is saved.
  readonly #positions: Map<string, PageRequest>;
  readonly #observed: Map<string, ObservedCursor>;
  readonly #cursors: Map<string, CursorState | null>;
  readonly #since: Map<string, number>;
  readonly #pages: Map<string, number>;
  /** Pages that count towards `maxPages`: those that brought a record past the filters, or none at all. */
  readonly #sampled: Map<string, number>;
  /** Filters of contexts under way: their observations are copied in only when progress is saved. */
  readonly #live = new Map<string, IncrementalFilter>();
  #lastSave: number;
  #saved: boolean;
  readonly #resumable: boolean;

  constructor(
    state: ResourceState,
    options: { cycle: string; replacing: boolean; resumable?: boolean; feedsChildren: boolean; now: number },
  ) {
    // A records function has no page to resume at: its resource starts afresh, and its progress is never saved.
    this.#resumable = options.resumable !== false;
    const resumed = this.#resumable && state.progress?.cycle === options.cycle ? state.progress : undefined;
    this.#state = state;
    this.resumed = resumed !== undefined;
    this.#saved = this.resumed;
    this.#lastSave = options.now;
    this.#positions = new Map(Object.entries(resumed?.positions ?? {}));
    this.#observed = new Map(Object.entries(resumed?.observed ?? {}));
    this.#cursors = new Map(Object.entries(resumed?.cursors ?? {}));
    this.#since = new Map(Object.entries(resumed?.since ?? {}));
    this.#pages = new Map(Object.entries(resumed?.pages ?? {}));
    this.#sampled = new Map(Object.entries(resumed?.sampled ?? {}));
    this.#p = {
      cycle: options.cycle,
      done: [],
      positions: {},
      observed: {},
      cursors: {},
      ...(options.replacing ? { staging: resumed?.staging ?? state.generation + 1 } : {}),
      // Positional rows: an append table's go on from the last completed cycle; a replace fills a fresh table.
      append_seq: resumed?.append_seq ?? (options.replacing ? 0 : (state.append_seq ?? 0)),
      ...(options.feedsChildren ? { fanout: [...(resumed?.fanout ?? [])] } : {}),
      ...(resumed?.cut ? { cut: true as const } : {}),
    };
    this.generation = this.#p.staging ?? state.generation;
    this.#done = new Set(resumed?.done ?? []);
    this.projections = this.#p.fanout ?? [];
  }

  /**
   * Some context's listing ended before its last page (row_order past the range, a later page ignored): the
   * cycle did not read every record, so delete_missing must not sweep. Saved with progress.
   */
  get cut(): boolean {
    return this.#p.cut === true;
  }

  /** A context stops before its last page: see {@link cut}. */
  cutShort(): void {
    this.#p.cut = true;
  }

  /** The contexts still to run in this cycle. */
  pending(contexts: readonly FanOutContext[]): FanOutContext[] {
    return contexts.filter((context) => !this.#done.has(context.key));
  }

  isDone(context: string): boolean {
    return this.#done.has(context);
  }

  /** A context's incremental filter: its committed cursor, and what the pages read so far in this cycle showed. */
  filter(context: string, incremental: IncrementalConfig | undefined): IncrementalFilter | undefined {
    if (!incremental) return undefined;
    // A replace fills an empty table each cycle, so (as dlt, which resets a replace resource's state
    // every run) its filter starts from initial_value: a committed cursor would leave the new table empty.
    const committed = this.#p.staging === undefined ? cursorFor(this.#state, context) : undefined;
    const filter = new IncrementalFilter(incremental, committed, this.#observed.get(context));
    this.#live.set(context, filter);
    return filter;
  }

  /** Where a context resumes: its saved next page, with the configured credentials taken out before saving put back. */
  position(context: string, first: PageRequest): PageRequest | undefined {
    const saved = this.#positions.get(context);
    if (!saved?.stripped) return saved;
    const query: PageRequest["query"] = {};
    for (const [name, value] of Object.entries(saved.query)) setOwn(query, name, value);
    for (const name of saved.stripped) if (Object.hasOwn(first.query, name)) setOwn(query, name, first.query[name]!);
    return { url: saved.url, query, ...(saved.body ? { body: saved.body } : {}) };
  }

  /** Pages of a context's chain fetched so far in this cycle. */
  pages(context: string): number {
    return this.#pages.get(context) ?? 0;
  }

  /**
   * Pages of a context that count towards `maxPages` in this cycle. As dlt's add_limit sits after the
   * processing steps and the incremental filter, a page they emptied does not count (an empty page does).
   */
  sampled(context: string): number {
    return this.#sampled.get(context) ?? 0;
  }

  /** A page of `context` counts towards `maxPages`. */
  sample(context: string): void {
    this.#sampled.set(context, this.sampled(context) + 1);
  }

  /** `request` is about to be sent for `context`. */
  requesting(context: string, request: PageRequest): void {
    this.#positions.set(context, request);
  }

  /** Whether `context` has had a page in this cycle (its API time before the first one is known). */
  started(context: string): boolean {
    return this.#since.has(context);
  }

  /** A page of `context` arrived; `apiTime`, for its first, is the API's time before it was asked for. */
  fetched(context: string, apiTime?: number): void {
    if (apiTime !== undefined && !this.#since.has(context)) this.#since.set(context, apiTime);
    this.#pages.set(context, (this.#pages.get(context) ?? 0) + 1);
  }

  /** The page just read leads to `next`, or (undefined) ends the context's chain. */
  advance(context: string, next: PageRequest | undefined, filter: IncrementalFilter | undefined): void {
    if (next) this.#positions.set(context, next);
    else this.finish(context, filter);
  }

  /** The context's chain is over: its cursor is what it commits when the resource completes. */
  finish(context: string, filter: IncrementalFilter | undefined): void {
    this.#positions.delete(context);
    this.#observed.delete(context);
    this.#pages.delete(context);
    this.#sampled.delete(context);
    this.#live.delete(context);
    // A date cursor never passes the API's time before this context's first page: a record changed
    // while the pages were read (on a page already read) has a later date, and the next cycle takes it.
    this.#cursors.set(context, filter ? (filter.nextState(this.#since.get(context)) ?? null) : null);
    this.#done.add(context);
  }

  /** The next position of a positional record. */
  nextSeq(): number {
    return this.#p.append_seq!++;
  }

  get seq(): number {
    return this.#p.append_seq!;
  }

  /** Whether a save is due with the page being written. */
  due(now: number, intervalMs: number): boolean {
    return this.#resumable && now - this.#lastSave >= intervalMs;
  }

  /** Progress was saved in this cycle (by this run or an earlier one). */
  get saved(): boolean {
    return this.#saved;
  }

  get anyDone(): boolean {
    return this.#done.size > 0;
  }

  /** The state that records where the resource stands now, with no credential in any saved URL. */
  snapshot(redactor: Redactor, resource: string, now: number): ResourceState {
    this.#lastSave = now;
    this.#saved = true;
    for (const [context, filter] of this.#live) this.#observed.set(context, filter.observed());
    const positions: ResourceProgress["positions"] = {};
    for (const [context, request] of this.#positions)
      setOwn(positions, context, savablePosition(request, redactor, resource));
    const progress: ResourceProgress = {
      ...this.#p,
      done: [...this.#done],
      positions,
      observed: record(this.#observed),
      cursors: record(this.#cursors),
      since: record(this.#since),
      pages: record(this.#pages),
      ...(this.#sampled.size > 0 ? { sampled: record(this.#sampled) } : {}),
    };
    return { ...this.#state, progress };
  }

  /** The committed state once every context is stored: cursors advance, progress goes. */
  completed(options: {
    incremental: boolean;
    lastValueFunc?: IncrementalConfig["last_value_func"];
    append: boolean;
    maxParentCursors: number;
    records: number;
    at: string;
  }): ResourceState {
    const next: ResourceState = {
      ...commitCursors(
        this.#state,
        record(this.#cursors),
        options.incremental,
        options.maxParentCursors,
        options.lastValueFunc,
      ),
      generation: this.generation,
      ...(options.append ? { append_seq: this.#p.append_seq } : {}),
      last_run: { status: "completed", finished_at: options.at, records: options.records },
    };
    delete next.progress;
    return next;
  }

  /**
   * The state after a failure: the resource's part of this cycle is over and the next cycle starts it
   * afresh (a saved page token may be what the API rejects), so progress goes. With `keepCursors`
   * (merge), the contexts whose pages are all stored keep the cursors they reached: those never hide a record.
   */
  failed(options: {
    keepCursors: boolean;
    incremental: boolean;
    lastValueFunc?: IncrementalConfig["last_value_func"];
    maxParentCursors: number;
  }): ResourceState {
    const { progress: _dropped, ...rest } = this.#state;
    return options.keepCursors
      ? commitCursors(rest, record(this.#cursors), options.incremental, options.maxParentCursors, options.lastValueFunc)
      : rest;
  }

  /** The state of a resource run only to feed children, once done: nothing of it is stored. */
  finished(): ResourceState {
    const { progress: _dropped, ...rest } = this.#state;
    return rest;
  }
}

/**
 * `request` fit to be saved in state: query parameters holding a credential removed
 * (named in `stripped`). A credential elsewhere in the URL — a next link with the key
 * in its path — is redacted instead: resuming there fails, and the resource is
 * fetched afresh by the next cycle, but no credential is ever saved.
 */
function savablePosition(request: PageRequest, redactor: Redactor, resource: string): PageRequest {
  try {
    return credentialFreeRequest(request, redactor, resource);
  } catch {
    return { url: redactor.url(request.url), query: {} };
  }
}

/** A map as a plain object of own data properties (a key may be "__proto__"). */
function record<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of map) setOwn(out, key, value);
  return out;
}
