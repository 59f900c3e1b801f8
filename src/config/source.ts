import * as v from "valibot";
import { isPlainObject, setOwn } from "../_objects";
import { ConfigError, type ConfigIssue } from "../errors";
import { isSingleEntityPath } from "../paginators/_detect";
import { withSecretRefs } from "../secrets";
import type { JsonRecord } from "../store";
import { bodyIssues, bothPlacesIssues, customIssues, endlessIssues } from "./_body-paging";
import { linkParents, type ParentLink, topologicalOrder } from "./_dependencies";
import { toConfigIssues, unknownKeyIssues } from "./_issues";
import { bindTemplate, placeholdersDeep, placeholdersIn } from "./_placeholders";
import { buildRecordsResource, isRecordsResource } from "./_records-resource";
import { EndpointSchema, isHeaderValue, isPlainParam, ResourceSchema, RestApiConfigSchema } from "./_schema";
import { withDltSpellings } from "./_spellings";
import {
  deleteMissingParentIssues,
  type HardDelete,
  hasIgnoredColumnHints,
  type MergeStrategy,
  writePlan,
} from "./_writes";
import type { RecordsFunction } from "./records";
import type { ResourceNames, ResourceRecords } from "./typed";
import type {
  AuthConfig,
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
  /** A form body (an object, or `[name, value]` pairs) or a raw one (a string): dlt's `endpoint.data`. */
  readonly data: string | Readonly<Record<string, unknown>> | readonly (readonly [string, unknown])[] | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
  /** Names of the headers filled from placeholders: `endpoint.headers` (dlt sends `client.headers` as written). */
  readonly headerTemplates: readonly string[];
  readonly dataSelector: string | undefined;
  readonly paginator: PaginatorConfig;
  readonly incremental: IncrementalConfig | undefined;
  readonly responseActions: readonly ResponseAction[];
  /** `endpoint.auth`: this resource's own auth instead of the client's; `null`: none; `undefined`: the client's. */
  readonly auth: AuthConfig | null | undefined;
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
  /** Under merge: dlt's strategy. */
  readonly mergeStrategy: MergeStrategy | undefined;
  /** delete-insert: records of a merge key this run stored replace every stored record of that key. */
  readonly mergeKey: readonly string[] | undefined;
  /** Under merge: a record with this column set is deleted from the store, not stored. */
  readonly hardDelete: HardDelete | undefined;
  /** Records a complete listing no longer returns are removed, or flagged with `deleted_at`. */
  readonly deleteMissing: "remove" | "flag" | undefined;
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

/** Retried whatever `retry_on_status_codes` lists: 429 and every 5xx, dlt's `DEFAULT_RETRY_STATUS`. */
const ALWAYS_RETRIED = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

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
  const config = withDltSpellings(withSecretRefs(given));
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
    isHeaderValue,
    HEADER_VALUE,
  );
  issues.push(...bothPlacesIssues(rawClient.paginator, "client.paginator"));
  issues.push(...customIssues(parsed.output.client.paginator ?? undefined, "client.paginator"));
  issues.push(...endlessIssues(parsed.output.client.paginator, "client.paginator"));
  const rawDefaults = (config as { resource_defaults?: Record<string, unknown> }).resource_defaults ?? {};
  const rawResources = (config as { resources: unknown[] }).resources;
  const resources = rawResources.map((raw, index) =>
    isRecordsResource(raw, index, issues)
      ? buildRecordsResource(raw, index, issues, (r, at) =>
          resourceKeys(r, r.incremental !== undefined, at, issues, warnings),
        )
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
      templated: [r.params, r.json ?? {}, r.data ?? {}, r.headerTemplates.map((name) => r.headers[name])],
      index: r.index,
    })),
    issues,
  );
  const order = topologicalOrder([...seen.keys()], links, issues);
  deleteMissingParentIssues(built, links, issues);
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
  const { path, bound } = boundPath(endpoint.path ?? r.name, endpoint.params);
  if (endpoint.method === "GET" && endpoint.json !== undefined)
    // dlt's requests sends it; fetch (browsers, Workers, Node) throws before sending, whatever the API would do.
    issues.push({
      path: `${at}.endpoint.json`,
      message: `a GET request cannot carry a JSON body in fetch (browsers, Workers, Node); set method: "POST", or send the fields as params`,
    });
  const { params, incremental } = paramsOf(endpoint, at, issues);
  for (const name of bound.keys()) delete params[name];
  if (incremental?.transform) {
    incremental.convert ??= incremental.transform;
    delete incremental.transform;
    warnings.push(`${at}: incremental "transform" is dlt's deprecated name of "convert" (write convert)`);
  }
  const templated = [params, endpoint.json ?? {}, endpoint.data ?? {}, endpoint.headers ?? {}];
  issues.push(
    ...incrementalPlaceholderIssues([...placeholdersIn(path), ...placeholdersDeep(templated)], incremental, at),
  );
  if (incremental?.lag && typeof incremental.last_value_func === "function")
    warnings.push(`${at}.endpoint.incremental.lag: ignored beside a last_value_func function, as in dlt`);

  // dlt: a path ending in a {placeholder} returns one entity, so unless the resource (or its defaults)
  // says otherwise it is read as one page selected whole, whatever client.paginator says.
  const single = isSingleEntityPath(path);
  // dlt maps an endpoint's "auto" to no paginator, so the client's applies when there is one.
  const paginator =
    endpoint.paginator?.type === "auto"
      ? (client.paginator ?? endpoint.paginator)
      : (endpoint.paginator ??
        (single ? { type: "single_page" as const } : (client.paginator ?? { type: "auto" as const })));
  if (isPlainObject(merged.endpoint))
    issues.push(...bothPlacesIssues(merged.endpoint.paginator, `${at}.endpoint.paginator`));
  issues.push(...bodyIssues(paginator, endpoint, at));
  if (endpoint.paginator) issues.push(...customIssues(endpoint.paginator, `${at}.endpoint.paginator`));
  issues.push(...endlessIssues(endpoint.paginator, `${at}.endpoint.paginator`));
  if (incremental && (paginator.type === "offset" || paginator.type === "page_number")) {
    warnings.push(shiftingPagesWarning(at, r.name, paginator.type));
  }

  const keys = resourceKeys(r, incremental !== undefined, at, issues, warnings);

  const handler = endpoint.error_handler;
  return {
    name: r.name,
    index,
    path,
    method: endpoint.method,
    params,
    rawParams: endpoint.params ?? {},
    json: endpoint.json,
    data: endpoint.data,
    headers: { ...(clientHeaders ?? {}), ...(endpoint.headers ?? {}) },
    headerTemplates: Object.keys(endpoint.headers ?? {}),
    dataSelector: endpoint.data_selector ?? (single ? "$" : undefined),
    paginator,
    incremental,
    responseActions: endpoint.response_actions,
    auth: endpoint.auth,
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

/** Static params fill the path's placeholders of their name and leave the query, as dlt binds them. */
function boundPath(template: string, params: Record<string, unknown> | undefined) {
  const bound = new Map<string, unknown>();
  for (const name of placeholdersIn(template)) {
    const value = params && Object.hasOwn(params, name) ? params[name] : undefined;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") bound.set(name, value);
  }
  return { path: bindTemplate(template, bound), bound };
}

/** `{incremental.*}` placeholders need an incremental, and one of the values it has. */
function incrementalPlaceholderIssues(placeholders: string[], incremental: unknown, at: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const p of placeholders) {
    if (!p.startsWith("incremental.")) continue;
    if (!incremental) issues.push({ path: `${at}.endpoint`, message: `{${p}} needs endpoint.incremental` });
    else if (!INCREMENTAL_VALUES.includes(p.slice(12)))
      issues.push({
        path: `${at}.endpoint`,
        message: `unknown placeholder {${p}} (expected ${INCREMENTAL_VALUES.map((name) => `{incremental.${name}}`).join(", ")})`,
      });
  }
  return issues;
}

/** What every resource's config says the same way, whatever feeds it: its name checked, schema hints, keys, disposition. */
function resourceKeys(r: ResourceOutput, incremental: boolean, at: string, issues: ConfigIssue[], warnings: string[]) {
  if (r.name === "__proto__")
    issues.push({
      path: `${at}.name`,
      message: `"__proto__" cannot be a resource name (reports are keyed by resource name)`,
    });
  for (const hint of ["table_name", "columns", "max_table_nesting", "table_format", "schema_contract"] as const) {
    if (r[hint] !== undefined && (hint !== "columns" || hasIgnoredColumnHints(r.columns)))
      warnings.push(`${at}.${hint}: dlt schema hint ignored by restsync`);
  }
  const writes = writePlan(r, incremental, at, issues);
  const primaryKey =
    r.primary_key === undefined ? undefined : typeof r.primary_key === "string" ? [r.primary_key] : r.primary_key;
  if (writes.writeDisposition === "merge" && !primaryKey)
    issues.push({ path: `${at}.primary_key`, message: `write_disposition "merge" needs a primary_key` });
  return { ...writes, primaryKey };
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
      isHeaderValue,
      HEADER_VALUE,
    ),
  };
}

/** The static query params, and the incremental (from `endpoint.incremental` or an incremental param, not both). */
function paramsOf(endpoint: ReturnType<typeof endpointOf>, at: string, issues: ConfigIssue[]) {
  const params: Record<string, ParamValue> = {};
  let incremental = endpoint.incremental ?? undefined;
  let incrementalParam: string | undefined;
  for (const [key, value] of Object.entries(endpoint.params ?? {})) {
    if (isPlainObject(value) && value.type === "incremental") {
      if (incremental) {
        const message = incrementalParam
          ? `two incremental params (${JSON.stringify(incrementalParam)} and ${JSON.stringify(key)}); an endpoint has one incremental, as in dlt: keep one`
          : "incremental is set both here and in endpoint.incremental; keep one";
        issues.push({ path: `${at}.endpoint.params.${key}`, message });
        continue;
      }
      const {
        type: _type,
        end_value: _end,
        end_param: _endParam,
        ...rest
      } = value as Extract<ParamValue, { type: "incremental" }>;
      // dlt refuses an upper bound here: the param form sends only the start value.
      const end = (["end_value", "end_param"] as const).find(
        (bound) => (value as Record<string, unknown>)[bound] != null,
      );
      if (end) {
        const message = `only cursor_path, initial_value and the options beside them go in an incremental param (dlt refuses ${end} here too); to send an end value, move it to endpoint.incremental: { cursor_path, initial_value, start_param: ${JSON.stringify(key)}, end_value, end_param }`;
        issues.push({ path: `${at}.endpoint.params.${key}.${end}`, message });
      }
      incrementalParam = key;
      incremental = { ...rest, start_param: key };
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
const HEADER_VALUE = 'must be a string or secrets["name"]';
/** What `{incremental.x}` may name: dlt's Incremental attributes a request can use. */
const INCREMENTAL_VALUES = ["start_value", "last_value", "initial_value", "end_value", "lag"];

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
  const auth = client.auth as { type?: unknown; access_token_url?: string } | null | undefined;
  if (auth?.type === "oauth2_client_credentials" && auth.access_token_url)
    urls.push(["client.auth.access_token_url", auth.access_token_url]);
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
