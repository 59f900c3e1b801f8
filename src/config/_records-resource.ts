import * as v from "valibot";
import { isPlainObject } from "../_objects";
import type { ConfigIssue } from "../errors";
import { toConfigIssues } from "./_issues";
import { ErrorHandlerSchema, ResourceSchema } from "./_schema";
import type { RecordsFunction } from "./records";
import type { SourceResource } from "./source";

/** What a resource keeps of its config whatever feeds it: keys, disposition, steps, schema. */
export type ResourceOutput = v.InferOutput<typeof ResourceSchema>;

const DEFAULT_RETRY = v.parse(ErrorHandlerSchema, {});

/**
 * Whether `raw` is a records-function resource, noting keys in the wrong kind of
 * resource: an endpoint, parent fields or request params beside `records`, a
 * top-level `incremental` beside an endpoint.
 */
export function isRecordsResource(raw: unknown, index: number, issues: ConfigIssue[]): boolean {
  if (!isPlainObject(raw)) return false;
  const at = `resources[${index}]`;
  if (raw.records === undefined) {
    if (raw.incremental !== undefined)
      issues.push({
        path: `${at}.incremental`,
        message:
          "an endpoint's incremental goes in endpoint.incremental (a top-level incremental is for a records function)",
      });
    return false;
  }
  const misplaced: Record<string, string> = {
    endpoint: "a resource has records or an endpoint, not both: drop endpoint, or drop records to fetch from the API",
    include_from_parent: "a records function has no parent to include fields from",
    parent_incremental: "a records function has no parent",
  };
  for (const [key, message] of Object.entries(misplaced))
    if (raw[key] !== undefined) issues.push({ path: `${at}.${key}`, message });
  const incremental = isPlainObject(raw.incremental) ? raw.incremental : {};
  for (const key of ["start_param", "end_param"])
    if (incremental[key] !== undefined)
      issues.push({
        path: `${at}.incremental.${key}`,
        message: `a records function sends no request: it reads where to start in context.incremental.start_value (and end_value)`,
      });
  return true;
}

/**
 * A records-function resource as the engine runs it. resource_defaults do not
 * apply, as dlt merges no defaults into a DltResource: its keys are its own. The
 * request fields are inert (no request is sent); `path` is empty, so it has no parent.
 */
export function buildRecordsResource(
  raw: unknown,
  index: number,
  issues: ConfigIssue[],
  common: (
    r: ResourceOutput,
    at: string,
  ) => Pick<
    SourceResource,
    "primaryKey" | "writeDisposition" | "mergeStrategy" | "mergeKey" | "hardDelete" | "deleteMissing"
  >,
): (Omit<SourceResource, "parent"> & { rawParams: Record<string, never> }) | undefined {
  const at = `resources[${index}]`;
  const result = v.safeParse(ResourceSchema, raw);
  if (!result.success) {
    issues.push(...toConfigIssues(result.issues, at));
    return undefined;
  }
  const r = result.output;
  return {
    name: r.name,
    index,
    records: r.records as RecordsFunction,
    path: "",
    method: "GET",
    params: {},
    rawParams: {},
    json: undefined,
    data: undefined,
    headers: {},
    headerTemplates: [],
    dataSelector: undefined,
    paginator: { type: "single_page" },
    incremental: r.incremental,
    responseActions: [],
    auth: undefined,
    maxPages: Number.MAX_SAFE_INTEGER,
    retry: {
      retryOnStatus: new Set(DEFAULT_RETRY.retry_on_status_codes),
      maxRetries: DEFAULT_RETRY.max_retries,
      backoffFactor: DEFAULT_RETRY.backoff_factor,
      maxBackoff: DEFAULT_RETRY.max_backoff,
    },
    ...common(r, at),
    selected: r.selected,
    includeFromParent: [],
    processingSteps: r.processing_steps,
    parentIncremental: false,
    schema: r.schema,
    onInvalidRecord: r.on_invalid_record,
  };
}
