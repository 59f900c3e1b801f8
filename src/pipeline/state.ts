/**
 * What restsync keeps in a store's state about a pipeline's resources: public
 * types, for inspection (`pipeline.state()`, `pipeline.cycle()`). Their keys and
 * reading live in `_state.ts`.
 */
import type { PageRequest } from "../paginators/index";

/** A cursor value as records carry it: a timestamp or other string, or a number. */
export type CursorValue = string | number;

/** What the state keeps about a resource's cursor. */
export interface CursorState {
  /** Highest cursor value stored so far. */
  last_value: CursorValue;
  /** Keys of stored records whose cursor equals `last_value`: a later record tied with it is still new. */
  boundary_keys: string[];
  /**
   * More records tie at `last_value` than the state keeps keys for (see
   * {@link MAX_BOUNDARY_KEYS}): every record at exactly that value counts as new
   * next time (written again, never missed) until the cursor moves on.
   */
  boundary_overflow?: true;
}

/** What the records seen so far showed: the highest cursor value and the keys at it. Saved when a run stops mid-way. */
export interface ObservedCursor {
  max?: CursorValue;
  keys: string[];
  overflow?: true;
}

/** Where a resource stands in a sync cycle that has not finished: enough to resume it exactly. */
export interface ResourceProgress {
  /** The cycle this progress belongs to; progress of another cycle is stale and ignored. */
  cycle: string;
  /** Fan-out contexts (by key) whose pages are all stored. */
  done: string[];
  /** Contexts stopped mid-way: the next page to fetch. */
  positions: Record<string, PageRequest>;
  /** Contexts stopped mid-way: what the pages stored so far showed of the cursor. */
  observed: Record<string, ObservedCursor>;
  /** Contexts done: the cursor each commits when the resource completes. */
  cursors: Record<string, CursorState | null>;
  /** Contexts stopped mid-way: pages of their chain fetched so far (bounded by endpoint.max_pages). */
  pages?: Record<string, number>;
  /** Contexts stopped mid-way: pages that count towards `RunOptions.maxPages` (a page the filters emptied does not). */
  sampled?: Record<string, number>;
  /** Contexts started: the API's time (ms) before their first page, which no committed date cursor may pass. */
  since?: Record<string, number>;
  /** replace: the generation being filled. */
  staging?: number;
  /** Next position of a positional record (append, or replace without a primary key). */
  append_seq?: number;
  /** Some context stopped before its last page (row_order, an ignored later page): this cycle's listing is not complete. */
  cut?: true;
  /** Parent values gathered so far, for children (only for resources with children). */
  fanout?: Array<{ fields: Record<string, unknown>; written: boolean }>;
}

/** Everything restsync keeps about one resource between runs. */
export interface ResourceState {
  /** Generation of the live table; `replace` writes the next one and switches on success. */
  generation: number;
  /** The committed cursor of a top-level resource, or the shared one of a child in fallback. */
  cursor?: CursorState;
  /** A child's committed cursors, one per parent (by fan-out key). */
  parent_cursors?: Record<string, CursorState>;
  /** Next sequence number for `append` records. */
  append_seq?: number;
  last_run?: { status: string; finished_at: string; records: number };
  /** Present while the current sync cycle is part-way through this resource. */
  progress?: ResourceProgress;
}

/** A sync cycle: one pass over every resource, possibly spread over several budgeted runs. */
export interface CycleState {
  id: string;
  started_at: string;
  /** Resources (stored or feeding children) already complete in this cycle. */
  completed: string[];
  /** Resources that failed (or were skipped for a failed parent) in this cycle: done for it, retried by the next. */
  failed?: Record<string, { status: "failed" | "skipped"; error: { name: string; code: string; message: string } }>;
}
