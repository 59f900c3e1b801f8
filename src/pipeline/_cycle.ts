import { StorageError } from "../errors";
import type { StoreAdapter } from "../store";
import { cycleKey, fanoutKey } from "./_state";
import type { ErrorSummary, ResourceReport } from "./report";
import type { CycleState } from "./state";

/** How a resource ended its part of a cycle when it did not complete. */
export interface CycleFailure {
  status: "failed" | "skipped";
  error: ErrorSummary;
}

/**
 * A sync cycle: one pass over every resource of a run. A resource is done for
 * the cycle when it completed or failed in it; the cycle ends when every one is
 * done, and only then does the next run start a fresh one.
 *
 * A run without a budget always starts a fresh cycle: its `completed` means every
 * resource was fetched in that run, so a change made before it started is stored.
 * A budgeted run (`maxRequests`, `deadline`) resumes the cycle an earlier run left
 * open: resources done in it are not fetched again until it ends, so a sync larger
 * than one run's budget still finishes (Workers' per-invocation limits).
 */
export class Cycle {
  readonly id: string;
  readonly #state: CycleState;
  readonly #completed: Set<string>;
  readonly #failed: Map<string, CycleFailure>;
  readonly #names: readonly string[];

  private constructor(state: CycleState, names: readonly string[]) {
    this.id = state.id;
    this.#state = state;
    this.#names = names;
    this.#completed = new Set(state.completed);
    this.#failed = new Map(Object.entries(state.failed ?? {}));
  }

  /**
   * The cycle a run belongs to: the open one when the run is budgeted and one is
   * open, else a fresh one, saved before any request so that progress saved
   * under it is recognised by the next run.
   */
  static async open(
    store: StoreAdapter,
    pipeline: string,
    names: readonly string[],
    options: { budgeted: boolean; now: number },
  ): Promise<Cycle> {
    const saved = options.budgeted ? ((await store.getState(cycleKey(pipeline))) as CycleState | undefined) : undefined;
    if (saved && typeof saved === "object" && Array.isArray(saved.completed)) {
      const cycle = new Cycle(saved, names);
      if (!cycle.complete) return cycle;
    }
    const fresh = new Cycle(
      {
        id: `${options.now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        started_at: new Date(options.now).toISOString(),
        completed: [],
      },
      names,
    );
    try {
      await store.write({ state: [{ key: cycleKey(pipeline), value: fresh.snapshot() }] });
    } catch (error) {
      throw new StorageError(`${store.name} store failed to write: ${(error as Error)?.message ?? error}`, {
        cause: error,
      });
    }
    return fresh;
  }

  /** How `name` already ended in this cycle, in an earlier run: completed, a failure, or undefined when still to do. */
  doneEarlier(name: string): "completed" | CycleFailure | undefined {
    return this.#completed.has(name) ? "completed" : this.#failed.get(name);
  }

  completed(name: string): void {
    this.#completed.add(name);
    this.#failed.delete(name);
  }

  failed(name: string, report: ResourceReport): void {
    if (report.status !== "failed" && report.status !== "skipped") return;
    // Its commit may have counted it completed before the write failed.
    this.#completed.delete(name);
    this.#failed.set(name, {
      status: report.status,
      error: report.error ?? { name: "RestsyncError", code: report.status, message: `${name}: ${report.status}` },
    });
  }

  /** Every resource of the run completed or failed in this cycle. */
  get complete(): boolean {
    return this.#names.every((name) => this.#completed.has(name) || this.#failed.has(name));
  }

  snapshot(): CycleState {
    return {
      id: this.#state.id,
      started_at: this.#state.started_at,
      completed: [...this.#completed],
      ...(this.#failed.size > 0 ? { failed: Object.fromEntries(this.#failed) } : {}),
    };
  }

  /** State entries that record this cycle's progress, or clear it (and the parent values kept for it) once complete. */
  entries(pipeline: string, parents: Iterable<string>): Array<{ key: string; value: unknown }> {
    if (!this.complete) return [{ key: cycleKey(pipeline), value: this.snapshot() }];
    return [
      { key: cycleKey(pipeline), value: undefined },
      ...[...parents].map((name) => ({ key: fanoutKey(pipeline, name), value: undefined })),
    ];
  }
}
