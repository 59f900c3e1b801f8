import type { ProgressEvent } from "./report";

/** Options of one `pipeline.run`. */
export interface RunOptions {
  /** Run only these resources (their parents are fetched to feed them, not stored). */
  resources?: readonly string[];
  /** Stop cleanly: requests in flight are aborted; what is stored stays, and the next run resumes. */
  signal?: AbortSignal;
  /** Called for resource start/finish, each page and each retry. Errors it throws are ignored. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * When another run of the same pipeline (same name and store) is going on — in
   * this process or page (any pipeline object on the same store object), another
   * tab or worker (Web Locks), or another process holding the store's lease (see
   * `StoreAdapter.conditionalWrites`) — wait for it, or return at once with
   * `status: "skipped"`. @default "wait"
   */
  ifRunning?: "wait" | "skip";
  /**
   * Most HTTP requests this run may send (retries and token requests count). When
   * they run out the run stops at a request boundary, saves where every resource
   * stands and reports "partial"; the next run resumes the same sync cycle.
   */
  maxRequests?: number;
  /** When to stop in the same way: a `Date`, or milliseconds from the start of the run. */
  deadline?: Date | number;
  /**
   * dlt's `add_limit`: read at most this many pages of each chain, then end the
   * resource `completed` with what they held (`limited: true` in its report). As
   * in dlt, a page counts when a record on it passed the processing steps and the
   * incremental filter, or when it was empty; a page they emptied does not. A
   * number limits every top-level resource; `{ name: n }` the resources it names
   * (a child per parent chain). Children are otherwise not limited: they read
   * every page for each parent the limited parent gave. As in dlt, the cursor
   * moves over the records read, so only an oldest-first list resumes where a
   * limited run stopped; a `replace` resource swaps in the pages read.
   */
  maxPages?: number | Readonly<Record<string, number>>;
}
