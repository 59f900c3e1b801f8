import * as v from "valibot";
import { isPlainObject, setOwn } from "../_objects";
import { ConfigError, type ConfigIssue } from "../errors";
import { withSecretRefs } from "../secrets";
import type { JsonRecord } from "../store";
import { linkParents, type ParentLink, topologicalOrder } from "./_dependencies";
import { toConfigIssues, unknownKeyIssues } from "./_issues";
import { placeholdersDeep, placeholdersIn } from "./_placeholders";
import { buildRecordsResource, isRecordsResource } from "./_records-resource";
import { EndpointSchema, isPlainParam, isSecretOrText, ResourceSchema, RestApiConfigSchema } from "./_schema";
import type { RecordsFunction } from "./records";
import type { ResourceNames, ResourceRecords } from "./typed";
import type {
  ClientConfig,
  IncrementalConfig,
  PaginatorConfig,
  ParamValue,
  ProcessingStep,
  ResponseAction,
  RestApiConfig,
} from "./types";

/** Retry policy of a resource, defaults filled in. */
export interface RetryPolicy {
  retryOnStatus: ReadonlySet<number>;
  maxRetries: number;
  backoffFactor: number;
  maxBackoff: number;
}

/** A resource as the engine runs it: defaults merged, parents linked, everything checked. */
export interface SourceResource {
  readonly name: string;
  readonly index: number;
  readonly path: string;
  readonly method: "GET" | "POST";
  /** Static query params (resolve and incremental params taken out). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly json: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly dataSelector: string | undefined;
  readonly paginator: PaginatorConfig;
  readonly incremental: IncrementalConfig | undefined;
  readonly responseActions: readonly ResponseAction[];
  readonly retry: RetryPolicy;
  /** Most pages of one chain (per parent for children): an endless run of distinct next links ends with `page_limit`. */
  readonly maxPages: number;
  readonly primaryKey: readonly string[] | undefined;
  readonly writeDisposition: "merge" | "append" | "replace";
  readonly selected: boolean;
  readonly includeFromParent: readonly string[];
  readonly processingSteps: readonly ProcessingStep[];
  readonly parentIncremental: boolean;
  /** Validates (and types) each record; see `on_invalid_record`. */
  readonly schema: v.GenericSchema | undefined;
  readonly onInvalidRecord: "fail" | "drop";
  readonly parent: ParentLink | undefined;
  /** Where a records-function resource's records come from (no request is sent for it). */
  readonly records?: RecordsFunction;
}

/**
 * A validated rest_api source, ready for `pipeline.run`. Its type parameters
 * carry the config's resource names and record types to a pipeline.
 */
export interface RestApiSource<Names extends string = string, Records extends object = Record<Names, JsonRecord>> {
  readonly kind: "restsync.source";
  /** Types only: never set at run time. */
  readonly types?: { names: Names; records: Records };
  readonly client: ClientConfig;
  /** Resources in run order: every parent before its children. */
  readonly resources: readonly SourceResource[];
  /** Things accepted but worth a look: ignored dlt schema hints, plain-http URLs. */
  readonly warnings: readonly string[];
}

/** Transient by definition: retried whatever `retry_on_status_codes` lists. */
const ALWAYS_RETRIED = [429, 502, 503, 504];

/**
 * Validates a dlt-style `rest_api` configuration and prepares it to run.
 * Throws one {@link ConfigError} that lists every problem with its path.
 *
 * @example
 * const source = restApiSource({
 *   client: { base_url: "https://api.example.com", auth: { type: "bearer", token: secrets["token"] } },
 *   resource_defaults: { primary_key: "id", write_disposition: "merge" },
 *   resources: ["issues", { name: "comments", endpoint: { path: "/issues/{issue_id}/comments" } }],
 * });
 */
export function restApiSource<const C extends RestApiConfig>(
  given: C,
): RestApiSource<ResourceNames<C>, ResourceRecords<C>> {
  // A JSON config spells a secret as the string `secrets["name"]`: it is a secret, never a literal to send.
  const config = withSecretRefs(given);
  const parsed = v.safeParse(RestApiConfigSchema, config);
  const issues: ConfigIssue[] = [...unknownKeyIssues(RestApiConfigSchema, config)];
  if (!parsed.success) issues.push(...toConfigIssues(parsed.issues));
  if (!parsed.success || issues.length > 0) throw new ConfigError(byPath(issues));

  const warnings: string[] = insecureUrlWarnings(parsed.output.client);
  const rawClient = (config as { client?: Record<string, unknown> }).client ?? {};
  const clientHeaders = withReservedKeys(
    rawClient.headers,
    parsed.output.client.headers,
    "client.headers",
    issues,
    isSecretOrText,
    HEADER_VALUE,
  );
  const rawDefaults = (config as { resource_defaults?: Record<string, unknown> }).resource_defaults ?? {};
  const rawResources = (config as { resources: unknown[] }).resources;
  const resources = rawResources.map((raw, index) =>
    isRecordsResource(raw, index, issues)
      ? buildRecordsResource(raw, index, issues, (r, at) => resourceKeys(r, at, issues, warnings))
      : buildResource(raw, index, rawDefaults, parsed.output.client, clientHeaders, issues, warnings),
  );

  const seen = new Map<string, number>();
  resources.forEach((resource, index) => {
    if (!resource) return;
    const first = seen.get(resource.name);
    if (first !== undefined)
      issues.push({
        path: `resources[${index}].name`,
        message: `duplicate resource name "${resource.name}" (also resources[${first}])`,
      });
    else seen.set(resource.name, index);
  });
  const built = resources.filter((r): r is Draft => r !== undefined);
  const links = linkParents(
    built.map((r) => ({
      name: r.name,
      path: r.path,
      params: r.rawParams,
      templated: [r.params, r.json ?? {}, r.headers],
      index: r.index,
    })),
    issues,
  );
  const order = topologicalOrder([...seen.keys()], links, issues);
  if (issues.length > 0) throw new ConfigError(byPath(issues));

  const byName = new Map(built.map((r) => [r.name, r]));
  return Object.freeze({
    kind: "restsync.source" as const,
    client: parsed.output.client,
    resources: order.map((name) => {
      const { rawParams: _unused, ...resource } = byName.get(name)!;
      return Object.freeze({ ...resource, parent: links.get(name) });
    }),
    warnings,
  });
}

type Draft = Omit<SourceResource, "parent"> & { rawParams: Record<string, ParamValue> };
type ResourceOutput = v.InferOutput<typeof ResourceSchema>;

function buildResource(
  raw: unknown,
  index: number,
  defaults: Record<string, unknown>,
  client: ClientConfig,
  clientHeaders: ClientConfig["headers"],
  issues: ConfigIssue[],
  warnings: string[],
): Draft | undefined {
  const at = `resources[${index}]`;
  const own: Record<string, unknown> =
    typeof raw === "string" ? { name: raw, endpoint: { path: raw } } : { ...(raw as Record<string, unknown>) };
  if (typeof own.endpoint === "string") own.endpoint = { path: own.endpoint };
  const defaultEndpoint = typeof defaults.endpoint === "string" ? { path: defaults.endpoint } : defaults.endpoint;
  const merged = mergeResource({ ...defaults, endpoint: defaultEndpoint }, own);
  const result = v.safeParse(ResourceSchema, merged);
  if (!result.success) {
    issues.push(...toConfigIssues(result.issues, at));
    return undefined;
  }
  const r = result.output;
  const endpoint = endpointOf(r.endpoint, merged.endpoint, at, issues);
  const path = endpoint.path ?? r.name;
  const keys = resourceKeys(r, at, issues, warnings);
  const { params, incremental } = paramsOf(endpoint, at, issues);
  const usesStart = [...placeholdersIn(path), ...placeholdersDeep([params, endpoint.json ?? {}])].filter((p) =>
    p.startsWith("incremental."),
  );
  for (const p of usesStart) {
    if (!incremental) issues.push({ path: `${at}.endpoint`, message: `{${p}} needs endpoint.incremental` });
    else if (p !== "incremental.start_value" && p !== "incremental.end_value")
      issues.push({
        path: `${at}.endpoint`,
        message: `unknown placeholder {${p}} (expected {incremental.start_value} or {incremental.end_value})`,
      });
  }

  const paginator = endpoint.paginator ?? client.paginator ?? { type: "auto" as const };
  if (incremental && (paginator.type === "offset" || paginator.type === "page_number")) {
    warnings.push(shiftingPagesWarning(at, r.name, paginator.type));
  }

  const handler = endpoint.error_handler;
  return {
    name: r.name,
    index,
    path,
    method: endpoint.method,
    params,
    rawParams: endpoint.params ?? {},
    json: endpoint.json,
    headers: { ...(clientHeaders ?? {}), ...(endpoint.headers ?? {}) },
    dataSelector: endpoint.data_selector,
    paginator,
    incremental,
    responseActions: endpoint.response_actions,
    maxPages: endpoint.max_pages,
    retry: {
      retryOnStatus: new Set([...handler.retry_on_status_codes, ...ALWAYS_RETRIED]),
      maxRetries: handler.max_retries,
      backoffFactor: handler.backoff_factor,
      maxBackoff: handler.max_backoff,
    },
    ...keys,
    selected: r.selected,
    includeFromParent: r.include_from_parent,
    processingSteps: r.processing_steps,
    parentIncremental: r.parent_incremental,
    schema: r.schema,
    onInvalidRecord: r.on_invalid_record,
  };
}

/** What every resource's config says the same way, whatever feeds it: its name checked, schema hints, keys, disposition. */
function resourceKeys(r: ResourceOutput, at: string, issues: ConfigIssue[], warnings: string[]) {
  if (r.name === "__proto__")
    issues.push({
      path: `${at}.name`,
      message: `"__proto__" cannot be a resource name (reports are keyed by resource name)`,
    });
  for (const hint of ["table_name", "columns", "max_table_nesting", "table_format", "schema_contract"] as const) {
    if (r[hint] !== undefined) warnings.push(`${at}.${hint}: dlt schema hint ignored by restsync`);
  }
  const writeDisposition =
    typeof r.write_disposition === "object" ? r.write_disposition.disposition : r.write_disposition;
  const primaryKey =
    r.primary_key === undefined ? undefined : typeof r.primary_key === "string" ? [r.primary_key] : r.primary_key;
  if (writeDisposition === "merge" && !primaryKey)
    issues.push({ path: `${at}.primary_key`, message: `write_disposition "merge" needs a primary_key` });
  return { primaryKey, writeDisposition };
}

/** A resource's endpoint: parsed (defaults filled in), with params, json and headers under reserved names kept as data. */
function endpointOf(parsed: ResourceOutput["endpoint"], raw: unknown, at: string, issues: ConfigIssue[]) {
  // Without an endpoint, the endpoint schema's own defaults (method, retries, page limit).
  const endpoint = typeof parsed === "object" ? parsed : v.parse(EndpointSchema, {});
  const given = isPlainObject(raw) ? raw : {};
  return {
    ...endpoint,
    params: withReservedKeys(given.params, endpoint.params, `${at}.endpoint.params`, issues, isPlainParam, PLAIN_PARAM),
    json: withReservedKeys(given.json, endpoint.json, `${at}.endpoint.json`, issues, () => true, ""),
    headers: withReservedKeys(
      given.headers,
      endpoint.headers,
      `${at}.endpoint.headers`,
      issues,
      isSecretOrText,
      HEADER_VALUE,
    ),
  };
}

/** The static query params, and the incremental (from `endpoint.incremental` or an incremental param, not both). */
function paramsOf(endpoint: ReturnType<typeof endpointOf>, at: string, issues: ConfigIssue[]) {
  const params: Record<string, ParamValue> = {};
  let incremental = endpoint.incremental;
  for (const [key, value] of Object.entries(endpoint.params ?? {})) {
    if (isPlainObject(value) && value.type === "incremental") {
      if (incremental) {
        const message = "incremental is set both here and in endpoint.incremental; keep one";
        issues.push({ path: `${at}.endpoint.params.${key}`, message });
        continue;
      }
      const { type: _type, ...rest } = value as { type: string; cursor_path: string };
      incremental = { on_cursor_value_missing: "include" as const, ...rest, start_param: key };
    } else if (!(isPlainObject(value) && value.type === "resolve")) {
      setOwn(params, key, value); // a param may be called "__proto__" (restored above)
    }
  }
  return { params, incremental };
}

function shiftingPagesWarning(at: string, name: string, type: "offset" | "page_number"): string {
  const how = type === "offset" ? "offset" : "page number";
  return `${at}.endpoint.paginator: ${name} is incremental and pages by ${how}: a record that moves between pages while they are read (changed, inserted or deleted meanwhile) can skip a neighbour across a page boundary (dlt has the same limit). Prefer cursor or next-link paging, or sort newest first; a full refresh now and then catches what slipped`;
}

/**
 * dlt's merge of resource_defaults (`_merge_resource_endpoints`): a resource's keys and its
 * endpoint's keys replace the default's value as a whole — a paginator, an incremental, headers
 * are never mixed with the default's — except endpoint `params` and `json`, merged one level.
 * Spreads define own properties, so a "__proto__" key stays data. A key set to `undefined` is not set.
 */
function mergeResource(defaults: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const own = defined(given);
  // An endpoint that is not an object is left for the schema to refuse.
  if (own.endpoint !== undefined && !isPlainObject(own.endpoint)) return { ...defaults, ...own };
  const base = isPlainObject(defaults.endpoint) ? defaults.endpoint : {};
  // As in dlt, a resource's path is its name unless it says otherwise, whatever the defaults say.
  const mine: Record<string, unknown> = {
    ...(typeof own.name === "string" ? { path: own.name } : {}),
    ...defined(own.endpoint as Record<string, unknown> | undefined),
  };
  const endpoint: Record<string, unknown> = { ...base, ...mine };
  for (const key of ["params", "json"])
    if (isPlainObject(mine[key]) && isPlainObject(base[key])) setOwn(endpoint, key, { ...base[key], ...mine[key] });
  return { ...defaults, ...own, endpoint };
}

function defined(object: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object ?? {}).filter(([, value]) => value !== undefined));
}

/** Keys valibot's `record()` drops to protect prototypes; in params, json and headers they are data and are kept. */
const RESERVED_KEYS = ["__proto__", "constructor", "prototype"] as const;
const PLAIN_PARAM =
  'must be a string, number, boolean, null, a list of those, or secrets["name"] (a resolve or incremental param needs another name)';
const HEADER_VALUE = 'must be a non-empty string or secrets["name"]';

/** `parsed` plus the reserved-name entries of `raw` that valibot left out (checked with `accept`), in `raw`'s key order. */
function withReservedKeys<T>(
  raw: unknown,
  parsed: Record<string, T> | undefined,
  at: string,
  issues: ConfigIssue[],
  accept: (value: unknown) => boolean,
  expected: string,
): Record<string, T> | undefined {
  if (!isPlainObject(raw) || !RESERVED_KEYS.some((key) => Object.hasOwn(raw, key))) return parsed;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if ((RESERVED_KEYS as readonly string[]).includes(key)) {
      if (accept(raw[key])) setOwn(out, key, raw[key]);
      else issues.push({ path: `${at}.${key}`, message: `"${key}" ${expected}` });
    } else if (parsed && Object.hasOwn(parsed, key)) {
      setOwn(out, key, parsed[key]);
    }
  }
  return out as Record<string, T>;
}

/** Plain-http URLs other than loopback: whatever credentials the client sends would cross the network in clear text. */
function insecureUrlWarnings(client: ClientConfig): string[] {
  const urls: Array<[string, string]> = [["client.base_url", client.base_url]];
  if (client.auth?.type === "oauth2_client_credentials")
    urls.push(["client.auth.access_token_url", client.auth.access_token_url]);
  const warnings: string[] = [];
  for (const [at, url] of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    if (parsed.protocol !== "http:" || isLoopback(parsed.hostname)) continue;
    // The origin only: a URL's userinfo is itself a credential.
    warnings.push(
      `${at}: ${parsed.origin} uses http://, so credentials would travel unencrypted (use https://; http:// is fine only for localhost)`,
    );
  }
  return warnings;
}

/** localhost (and *.localhost), 127.0.0.0/8 and [::1]: traffic that never leaves the machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/\.$/, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === "[::1]"
  );
}

/** Issues in config order (resources[2] before resources[10]), so they read top to bottom. */
function byPath(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
}
