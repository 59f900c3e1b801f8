import { isRestsyncError, type RestsyncError } from "../errors";
import type { SchemaChange } from "../schema/types";

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
  /** An HTTP error's response body (its start, secrets redacted): never part of `message`. */
  body?: string;
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
  /** Records the processing steps left nothing of (a filter dropped them, or a yield_map gave none). */
  filtered: number;
  /** Parent records that had no value for the child's placeholder. */
  parentsWithoutKey: number;
  /** Stored records deleted: by `hard_delete`, by a `merge_key` replaced, or no longer listed (`delete_missing: "remove"`). */
  deleted?: number;
  /** Stored records flagged `deleted_at` because a complete listing no longer returned them (`delete_missing: "flag"`). */
  flagged?: number;
  /** Records dropped for failing the resource's `schema` (with `on_invalid_record: "drop"`). */
  invalid?: number;
  /** The distinct schema failures behind `invalid`, as `path: message` (up to 10). */
  invalidIssues?: string[];
  /** Things that worked but are worth a look, e.g. a schema that drops fields the API sent (each once per run). */
  warnings?: string[];
  /** `RunOptions.maxPages` ended at least one of its chains before the API's last page. */
  limited?: true;
  /** What this run changed in the resource's inferred schema: new tables, columns, variant columns, limits reached. */
  schemaChanges?: SchemaChange[];
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
  /**
   * The API refused the run's credential (a 401, or a 403 before any request with it
   * succeeded): said once, naming the secret to check; the resources that had not
   * sent yet failed with `credential_rejected` without sending.
   */
  credentialRejected?: { status: number; resource: string; message: string };
  /** Why the run stopped before the cycle completed, when it was not a failure. */
  stopped?: "max_requests" | "deadline" | "aborted";
}

/** Progress events passed to `onProgress`. */
export type ProgressEvent =
  /** `parents`: for a child resource, how many parent values it visits in this run (one chain of pages each). */
  | { type: "resource_started"; resource: string; parents?: number }
  /** `parentsDone`: for a child resource, how many of its parents' chains this run has finished. */
  | {
      type: "page";
      resource: string;
      page: number;
      received: number;
      written: number;
      totalWritten: number;
      parentsDone?: number;
    }
  | { type: "retry"; resource: string; url: string; attempt: number; status: number; waitMs: number; reason: string }
  | { type: "warning"; resource: string; message: string }
  /** Once per run: the API refused the credential; `message` says which secret to check. */
  | { type: "credential_rejected"; resource: string; status: number; message: string }
  | { type: "resource_finished"; resource: string; report: ResourceReport };

export function emptyResourceReport(stored: boolean): ResourceReport {
  return {
    status: "completed",
    records: 0,
    requests: 0,
    retries: 0,
    pages: 0,
    received: 0,
    unchanged: 0,
    missingCursor: 0,
    filtered: 0,
    parentsWithoutKey: 0,
    stored,
    durationMs: 0,
  };
}

/**
 * The one way an error reaches a report: a restsync error's own summary, anything
 * else as `unexpected`; the message passed through `redact` (secrets never show).
 */
export function errorSummary(error: unknown, redact: (text: string) => string = (text) => text): ErrorSummary {
  if (isRestsyncError(error)) {
    const json = (error as RestsyncError).toJSON() as ErrorSummary;
    return {
      name: json.name,
      code: json.code,
      message: redact(json.message),
      ...(json.status !== undefined ? { status: json.status } : {}),
      ...(json.url ? { url: json.url } : {}),
      ...(json.body ? { body: redact(json.body) } : {}),
    };
  }
  const e = error as { name?: string; message?: string };
  return { name: e?.name ?? "Error", code: "unexpected", message: redact(e?.message ?? String(error)) };
}

/** The run's report from its resources' reports: status and totals derived, nothing else added. */
export function runReport(run: {
  pipeline: string;
  started: number;
  reports: Record<string, ResourceReport>;
  cycle: { id: string; complete: boolean };
  stopped: RunReport["stopped"];
  aborted: boolean;
}): RunReport {
  const list = Object.values(run.reports);
  const done = list.filter((r) => r.status === "completed").length;
  const status =
    done === list.length
      ? "completed"
      : done === 0 && list.some((r) => r.status === "failed") && !run.aborted
        ? "failed"
        : "partial";
  const sum = (field: "records" | "requests" | "retries" | "pages") => list.reduce((n, r) => n + r[field], 0);
  return {
    pipeline: run.pipeline,
    status,
    startedAt: new Date(run.started).toISOString(),
    durationMs: Date.now() - run.started,
    resources: run.reports,
    totals: { records: sum("records"), requests: sum("requests"), retries: sum("retries"), pages: sum("pages") },
    cycle: run.cycle,
    ...(run.stopped ? { stopped: run.stopped } : {}),
  };
}
