import type { RestApiSource } from "../config/source";
import { RestsyncError, StorageError, isBudgetExhaustedError, isRestsyncError } from "../errors";
import { plan } from "./_plan";
import { createAuthenticator } from "../http/_auth";
import { Redactor } from "../http/_redact";
import { HttpClient } from "../http/client";
import { resolveSecrets, type SecretSource } from "../secrets";
import type { StoreAdapter } from "../store";
import { fanOut, ROOT_CONTEXT, type Projection } from "./_contexts";
import { runResource } from "./_resource-run";
import { Cycle } from "./_cycle";
import { cycleKey, fanoutKey, httpStateKey, readState, type FanoutState, type HttpState } from "./_state";
import { emptyResourceReport, type ErrorSummary, type ProgressEvent, type ResourceReport, type RunReport } from "./report";

export interface RunSettings {
  pipeline: string;
  store: StoreAdapter;
  secrets: SecretSource | undefined;
  fetch: typeof globalThis.fetch | undefined;
  concurrency: number;
  maxParentCursors: number;
  progressIntervalMs: number;
}

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
}

export function summarize(error: unknown): ErrorSummary {
  if (isRestsyncError(error)) {
    const json = (error as RestsyncError).toJSON() as ErrorSummary;
    return { name: json.name, code: json.code, message: json.message, ...(json.status !== undefined ? { status: json.status } : {}), ...(json.url ? { url: json.url } : {}) };
  }
  const e = error as { name?: string; message?: string };
  return { name: e?.name ?? "Error", code: "unexpected", message: e?.message ?? String(error) };
}

function deadlineOf(deadline: Date | number | undefined, started: number): number | undefined {
  if (deadline === undefined) return undefined;
  return deadline instanceof Date ? deadline.getTime() : started + deadline;
}

/** One run of a source into a store; see `Pipeline.run`. */
export async function runSource(settings: RunSettings, source: RestApiSource, options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const { store, pipeline } = settings;
  const steps = plan(source, options.resources);
  // Secrets are resolved before any request: a missing one is a ConfigError, not a failed run.
  const { value: resolved, values: secretValues } = resolveSecrets({ client: source.client, resources: steps.steps.map((s) => s.resource) }, settings.secrets);
  // resolveSecrets also returns literal credentials (auth fields, credential headers and params): as secret as secrets["..."] ones.
  const redactor = new Redactor(secretValues);
  const emit = (event: ProgressEvent) => {
    try {
      options.onProgress?.(event);
    } catch {
      // A progress callback must never break a sync.
    }
  };
  let client: HttpClient;
  const authenticator = createAuthenticator(resolved.client.auth, async (url, form, context) => {
    const retry = resolved.resources.find((r) => r.name === context.resource)?.retry ?? resolved.resources[0]!.retry;
    const response = await client.request({ url, method: "POST", form }, { ...context, retry, anonymous: true, resource: context.resource });
    // Issued tokens are as secret as the credentials that bought them.
    const issued = response.body as { access_token?: unknown; refresh_token?: unknown; id_token?: unknown } | undefined;
    redactor.add(issued?.access_token, issued?.refresh_token, issued?.id_token);
    return response.body;
  });
  const budget = { maxRequests: options.maxRequests, deadline: deadlineOf(options.deadline, started) };
  // Cooldowns a 429 asked for outlive the run: a run that starts during one waits (or stops at its deadline).
  const http = (await store.getState(httpStateKey(pipeline))) as HttpState | undefined;
  client = new HttpClient({
    baseUrl: resolved.client.base_url,
    auth: authenticator,
    timeoutMs: resolved.client.timeout * 1000,
    concurrency: settings.concurrency,
    redactor,
    fetch: settings.fetch,
    rateLimit: resolved.client.rate_limit,
    maxResponseSize: resolved.client.max_response_size,
    notBefore: http?.not_before,
    budget,
  });

  const names = steps.steps.map((s) => s.resource.name);
  const budgeted = budget.maxRequests !== undefined || budget.deadline !== undefined;
  const cycle = await Cycle.open(store, pipeline, names, { budgeted, now: started });

  const reports: Record<string, ResourceReport> = {};
  const outcomes = new Map<string, Promise<{ ok: boolean; incomplete?: boolean; projections: () => Promise<Projection[]> }>>();
  for (const [index, { writable }] of steps.steps.entries()) {
    const resource = resolved.resources[index]!;
    const report = emptyResourceReport(writable);
    reports[resource.name] = report;
    const fields = steps.projections.get(resource.name);
    outcomes.set(
      resource.name,
      (async () => {
        const earlier = cycle.doneEarlier(resource.name);
        if (earlier) {
          report.earlierInCycle = true;
          if (earlier !== "completed") Object.assign(report, { status: earlier.status, error: earlier.error });
          emit({ type: "resource_finished", resource: resource.name, report });
          if (earlier !== "completed") return { ok: false, projections: async () => [] };
          const saved = async () => ((await store.getState(fanoutKey(pipeline, resource.name))) as FanoutState | undefined)?.projections ?? [];
          return { ok: true, projections: saved };
        }
        const parents = new Map<string, Projection[]>();
        const failedParents: string[] = [];
        let waiting = false;
        for (const parent of resource.parent?.resources ?? []) {
          const outcome = await outcomes.get(parent)!;
          if (outcome.ok) parents.set(parent, await outcome.projections());
          else if (outcome.incomplete) waiting = true;
          else failedParents.push(parent);
        }
        const began = Date.now();
        if (failedParents.length > 0 || waiting) {
          report.status = waiting && failedParents.length === 0 ? "incomplete" : options.signal?.aborted ? "aborted" : "skipped";
          if (failedParents.length > 0) report.error = { name: "RestsyncError", code: "parent_failed", message: `${resource.name}: not run because parent ${failedParents.join(", ")} did not complete` };
          cycle.failed(resource.name, report);
          emit({ type: "resource_finished", resource: resource.name, report });
          return { ok: false, incomplete: report.status === "incomplete", projections: async () => [] };
        }
        emit({ type: "resource_started", resource: resource.name });
        try {
          options.signal?.throwIfAborted();
          const state = await readState(store, pipeline, resource.name);
          const contexts = resource.parent ? fanOut(resource, parents, report) : [ROOT_CONTEXT];
          const projections = await runResource({
            resource,
            client,
            store,
            pipeline,
            state,
            cycle: cycle.id,
            contexts,
            writable,
            project: fields ? [...fields] : undefined,
            concurrency: settings.concurrency,
            maxParentCursors: settings.maxParentCursors,
            progressIntervalMs: settings.progressIntervalMs,
            signal: options.signal,
            report,
            emit,
            onCommit: (projections) => {
              cycle.completed(resource.name);
              const entries: Array<{ key: string; value: unknown }> = [{ key: cycleKey(pipeline), value: cycle.snapshot() }];
              // Children that do not finish in this run find their parent's values here in the next.
              if (fields) entries.push({ key: fanoutKey(pipeline, resource.name), value: { cycle: cycle.id, projections } satisfies FanoutState });
              return entries;
            },
          });
          report.status = "completed";
          return { ok: true, projections: async () => projections };
        } catch (error) {
          const stopped = isBudgetExhaustedError(error);
          report.status = stopped ? "incomplete" : options.signal?.aborted ? "aborted" : "failed";
          if (!stopped) {
            report.error = options.signal?.aborted && !isRestsyncError(error) ? { name: "AbortError", code: "aborted", message: `${resource.name}: run aborted` } : summarize(error);
            if (report.error.message) report.error.message = redactor.text(report.error.message);
          }
          // A failure ends the resource's part of the cycle: the next cycle retries it, and it never holds up the others.
          if (report.status === "failed") cycle.failed(resource.name, report);
          return { ok: false, incomplete: stopped, projections: async () => [] };
        } finally {
          report.durationMs = Date.now() - began;
          emit({ type: "resource_finished", resource: resource.name, report });
        }
      })(),
    );
  }
  await Promise.all(outcomes.values());

  const cycleComplete = cycle.complete;
  try {
    const notBefore = client.notBefore();
    const entries: Array<{ key: string; value: unknown }> = [];
    if (Object.keys(notBefore).length > 0 || http) entries.push({ key: httpStateKey(pipeline), value: Object.keys(notBefore).length > 0 ? ({ not_before: notBefore } satisfies HttpState) : undefined });
    // Failures are recorded so that later runs of the cycle report them; a complete cycle is cleared
    // (with the parent values kept for it) and the next run starts a fresh one.
    entries.push(...cycle.entries(pipeline, steps.projections.keys()));
    await store.write({ state: entries });
    await store.flush?.();
  } catch (error) {
    // Buffered writes did not land: nothing committed in this run can be counted on.
    const failure = { name: "StorageError", code: "storage_failed", message: redactor.text(`${store.name} store failed to flush: ${(error as Error)?.message ?? error}`) };
    for (const report of Object.values(reports)) {
      if (report.status !== "completed" || !report.stored) continue;
      report.status = "failed";
      report.error = failure;
    }
  }

  const list = Object.values(reports);
  const done = list.filter((r) => r.status === "completed").length;
  const status = done === list.length ? "completed" : done === 0 && list.some((r) => r.status === "failed") && !options.signal?.aborted ? "failed" : "partial";
  const stoppedBy = options.signal?.aborted ? "aborted" : list.some((r) => r.status === "incomplete") ? budgetReason(budget, client) : undefined;
  return {
    pipeline,
    status,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    resources: reports,
    totals: {
      records: list.reduce((n, r) => n + r.records, 0),
      requests: list.reduce((n, r) => n + r.requests, 0),
      retries: list.reduce((n, r) => n + r.retries, 0),
      pages: list.reduce((n, r) => n + r.pages, 0),
    },
    cycle: { id: cycle.id, complete: cycleComplete },
    ...(stoppedBy ? { stopped: stoppedBy } : {}),
  };
}

function budgetReason(budget: { maxRequests?: number | undefined; deadline?: number | undefined }, client: HttpClient): "max_requests" | "deadline" {
  return budget.maxRequests !== undefined && client.requestsSent() >= budget.maxRequests ? "max_requests" : "deadline";
}
