/**
 * How one resource ended in a run: completed (now or earlier in the cycle),
 * failed, skipped (a parent failed), aborted (the signal), or incomplete (the
 * budget ran out first: the next run resumes it).
 */
export type ResourceStatus = "completed" | "failed" | "skipped" | "aborted" | "incomplete";

/** A JSON-serialisable error summary (never holds secrets). */
export interface ErrorSummary {
  name: string;
  code: string;
  message: string;
  status?: number;
  url?: string;
}

/** Per-resource figures of a run. */
export interface ResourceReport {
  status: ResourceStatus;
  /** Records written to the store. */
  records: number;
  /** HTTP requests made, retries included. */
  requests: number;
  retries: number;
  pages: number;
  /** Records the API returned. */
  received: number;
  /** Records left out because they were not newer than the stored cursor. */
  unchanged: number;
  /** Records without a cursor value (included, excluded or failed per on_cursor_value_missing). */
  missingCursor: number;
  /** Records dropped by processing_steps filters. */
  filtered: number;
  /** Parent records that had no value for the child's placeholder. */
  parentsWithoutKey: number;
  /** Records dropped for failing the resource's `schema` (with `on_invalid_record: "drop"`). */
  invalid?: number;
  /** The distinct schema failures behind `invalid`, as `path: message` (up to 10). */
  invalidIssues?: string[];
  /** Things that worked but are worth a look, e.g. a schema that drops fields the API sent (each once per run). */
  warnings?: string[];
  /** False for parents fetched only to feed children (unselected, or pulled in by `resources`). */
  stored: boolean;
  /**
   * True when the resource completed, or failed, in an earlier run of the same budgeted
   * cycle and was not fetched now (it is fetched again when the next cycle starts).
   */
  earlierInCycle?: boolean;
  durationMs: number;
  error?: ErrorSummary;
}

/** What `pipeline.run` returns: plain data, safe to log or `JSON.stringify`. */
export interface RunReport {
  pipeline: string;
  /**
   * completed: every resource completed; failed: none did; partial: some did (or
   * the run was aborted); skipped: another run of this pipeline was going on and
   * `ifRunning: "skip"` was asked.
   */
  status: "completed" | "partial" | "failed" | "skipped";
  startedAt: string;
  durationMs: number;
  resources: Record<string, ResourceReport>;
  totals: { records: number; requests: number; retries: number; pages: number };
  /**
   * The sync cycle: `complete` once every resource has completed or failed in it
   * (possibly over several budgeted runs; a run without a budget is a cycle of its own).
   */
  cycle?: { id: string; complete: boolean };
  /** Why the run stopped before the cycle completed, when it was not a failure. */
  stopped?: "max_requests" | "deadline" | "aborted";
}

/** Progress events passed to `onProgress`. */
export type ProgressEvent =
  | { type: "resource_started"; resource: string }
  | { type: "page"; resource: string; page: number; received: number; written: number; totalWritten: number }
  | { type: "retry"; resource: string; url: string; attempt: number; status: number; waitMs: number; reason: string }
  | { type: "warning"; resource: string; message: string }
  | { type: "resource_finished"; resource: string; report: ResourceReport };

export function emptyResourceReport(stored: boolean): ResourceReport {
  return { status: "completed", records: 0, requests: 0, retries: 0, pages: 0, received: 0, unchanged: 0, missingCursor: 0, filtered: 0, parentsWithoutKey: 0, stored, durationMs: 0 };
}
