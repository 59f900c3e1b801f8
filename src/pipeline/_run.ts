import type { RestApiSource, SourceResource } from "../config/source";
import { ConfigError, RestsyncError, isRestsyncError, type ConfigIssue } from "../errors";
import { createAuthenticator } from "../http/_auth";
import { Redactor } from "../http/_redact";
import { HttpClient } from "../http/client";
import { resolveSecrets, type SecretSource } from "../secrets";
import type { StoreAdapter } from "../store";
import { runResource, type FanOutContext, type Projection } from "./_resource-run";
import { readState } from "./_state";
import { emptyResourceReport, type ErrorSummary, type ProgressEvent, type ResourceReport, type RunReport } from "./report";

export interface RunSettings {
  pipeline: string;
  store: StoreAdapter;
  secrets: SecretSource | undefined;
  fetch: typeof globalThis.fetch | undefined;
  concurrency: number;
}

/** Options of one `pipeline.run`. */
export interface RunOptions {
  /** Run only these resources (their parents are fetched to feed them, not stored). */
  resources?: readonly string[];
  /** Stop cleanly: requests in flight are aborted; committed resources stay committed. */
  signal?: AbortSignal;
  /** Called for resource start/finish, each page and each retry. Errors it throws are ignored. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * When another run of the same pipeline (same name and store) is going on —
   * in this page, another tab or a worker, where Web Locks exist — wait for it,
   * or return at once with `status: "skipped"`. @default "wait"
   */
  ifRunning?: "wait" | "skip";
}

interface Plan {
  /** Resources to run, in order, with whether each is stored. */
  steps: Array<{ resource: SourceResource; writable: boolean }>;
  /** Fields each parent must keep for its children. */
  projections: Map<string, Set<string>>;
}

function plan(source: RestApiSource, requested: readonly string[] | undefined): Plan {
  const byName = new Map(source.resources.map((r) => [r.name, r]));
  if (requested) {
    const unknown = requested.filter((name) => !byName.has(name));
    if (unknown.length > 0) {
      const issues: ConfigIssue[] = unknown.map((name) => ({ path: "run.resources", message: `unknown resource "${name}" (the source has ${[...byName.keys()].join(", ")})` }));
      throw new ConfigError(issues);
    }
  }
  const wanted = new Set(requested ?? source.resources.filter((r) => r.selected).map((r) => r.name));
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const parent of byName.get(name)!.parent?.resources ?? []) visit(parent);
  };
  wanted.forEach(visit);
  const projections = new Map<string, Set<string>>();
  for (const name of needed) {
    const link = byName.get(name)!.parent;
    if (!link) continue;
    for (const parent of link.resources) {
      const fields = projections.get(parent) ?? new Set<string>();
      for (const field of [...link.fields.values(), ...link.queryParams.values(), ...byName.get(name)!.includeFromParent]) fields.add(field);
      projections.set(parent, fields);
    }
  }
  const steps = source.resources.filter((r) => needed.has(r.name)).map((resource) => ({ resource, writable: wanted.has(resource.name) && (requested !== undefined || resource.selected) }));
  return { steps, projections };
}

/** The fan-out units of a child: one per distinct set of placeholder values across its parents' records. */
function fanOut(resource: SourceResource, parents: Map<string, Projection[]>, report: ResourceReport): FanOutContext[] {
  const link = resource.parent!;
  const contexts = new Map<string, FanOutContext>();
  for (const parentName of link.resources) {
    for (const projection of parents.get(parentName) ?? []) {
      if (resource.parentIncremental && !projection.written) continue;
      const values = new Map<string, unknown>();
      const query: Record<string, string> = {};
      let complete = true;
      for (const [placeholder, field] of link.fields) {
        const value = projection.fields[field];
        if (value === undefined || value === null || value === "") complete = false;
        values.set(placeholder, value);
      }
      for (const [param, field] of link.queryParams) {
        const value = projection.fields[field];
        if (value === undefined || value === null || value === "") complete = false;
        query[param] = String(value);
      }
      if (!complete) {
        report.parentsWithoutKey++;
        continue;
      }
      const key = JSON.stringify([...values.values(), ...Object.values(query)]);
      if (contexts.has(key)) continue;
      const include: Record<string, unknown> = {};
      for (const field of resource.includeFromParent) include[`_${parentName}_${field}`] = projection.fields[field];
      contexts.set(key, { values, query, include });
    }
  }
  return [...contexts.values()];
}

export function summarize(error: unknown): ErrorSummary {
  if (isRestsyncError(error)) {
    const json = (error as RestsyncError).toJSON() as ErrorSummary;
    return { name: json.name, code: json.code, message: json.message, ...(json.status !== undefined ? { status: json.status } : {}), ...(json.url ? { url: json.url } : {}) };
  }
  const e = error as { name?: string; message?: string };
  return { name: e?.name ?? "Error", code: "unexpected", message: e?.message ?? String(error) };
}

/** One run of a source into a store; see `Pipeline.run`. */
export async function runSource(settings: RunSettings, source: RestApiSource, options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const steps = plan(source, options.resources);
  // Secrets are resolved before any request: a missing one is a ConfigError, not a failed run.
  const { value: resolved, values: secretValues } = resolveSecrets({ client: source.client, resources: steps.steps.map((s) => s.resource) }, settings.secrets);
  // Credentials written into the config as literals are as secret as secrets["..."] ones.
  const auth = resolved.client.auth as Record<string, unknown> | undefined;
  const literal = ["api_key", "token", "password", "client_secret"].map((field) => auth?.[field]).filter((value): value is string => typeof value === "string");
  const redactor = new Redactor([...secretValues, ...literal]);
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
    return response.body;
  });
  client = new HttpClient({ baseUrl: resolved.client.base_url, auth: authenticator, timeoutMs: resolved.client.timeout * 1000, concurrency: settings.concurrency, redactor, fetch: settings.fetch });

  const reports: Record<string, ResourceReport> = {};
  const outcomes = new Map<string, Promise<{ ok: boolean; projections: Projection[] }>>();
  for (const [index, { writable }] of steps.steps.entries()) {
    const resource = resolved.resources[index]!;
    const report = emptyResourceReport(writable);
    reports[resource.name] = report;
    outcomes.set(
      resource.name,
      (async () => {
        const parents = new Map<string, Projection[]>();
        const failedParents: string[] = [];
        for (const parent of resource.parent?.resources ?? []) {
          const outcome = await outcomes.get(parent)!;
          if (outcome.ok) parents.set(parent, outcome.projections);
          else failedParents.push(parent);
        }
        const began = Date.now();
        if (failedParents.length > 0) {
          report.status = options.signal?.aborted ? "aborted" : "skipped";
          report.error = { name: "RestsyncError", code: "parent_failed", message: `${resource.name}: not run because parent ${failedParents.join(", ")} did not complete` };
          emit({ type: "resource_finished", resource: resource.name, report });
          return { ok: false, projections: [] };
        }
        emit({ type: "resource_started", resource: resource.name });
        try {
          options.signal?.throwIfAborted();
          const state = await readState(settings.store, settings.pipeline, resource.name);
          const contexts = resource.parent ? fanOut(resource, parents, report) : [{ values: new Map(), query: {}, include: {} }];
          const fields = steps.projections.get(resource.name);
          const projections = await runResource({
            resource,
            client,
            store: settings.store,
            pipeline: settings.pipeline,
            state,
            contexts,
            writable,
            project: fields ? [...fields] : undefined,
            concurrency: settings.concurrency,
            signal: options.signal,
            report,
            emit,
          });
          report.status = "completed";
          return { ok: true, projections };
        } catch (error) {
          report.status = options.signal?.aborted ? "aborted" : "failed";
          report.error = options.signal?.aborted && !isRestsyncError(error) ? { name: "AbortError", code: "aborted", message: `${resource.name}: run aborted` } : summarize(error);
          if (report.error.message) report.error.message = redactor.text(report.error.message);
          return { ok: false, projections: [] };
        } finally {
          report.durationMs = Date.now() - began;
          emit({ type: "resource_finished", resource: resource.name, report });
        }
      })(),
    );
  }
  await Promise.all(outcomes.values());
  try {
    await settings.store.flush?.();
  } catch (error) {
    // Buffered writes did not land: nothing committed in this run can be counted on.
    const failure = { name: "StorageError", code: "storage_failed", message: redactor.text(`${settings.store.name} store failed to flush: ${(error as Error)?.message ?? error}`) };
    for (const report of Object.values(reports)) {
      if (report.status !== "completed" || !report.stored) continue;
      report.status = "failed";
      report.error = failure;
    }
  }

  const list = Object.values(reports);
  const completed = list.filter((r) => r.status === "completed").length;
  const status = completed === list.length ? "completed" : completed === 0 && !options.signal?.aborted ? "failed" : "partial";
  return {
    pipeline: settings.pipeline,
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
  };
}
