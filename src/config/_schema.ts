import * as v from "valibot";
import { parsePath } from "../_jsonpath";
import { isSecretRef, type SecretRef } from "../secrets";
import type { JsonRecord } from "../store";
import type { RecordsFunction } from "./records";

function isValibotSchema(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "schema" &&
    typeof (value as { "~run"?: unknown })["~run"] === "function"
  );
}

// Number bounds are plain `v.check`s rather than valibot's minValue / integer / gtValue / maxValue
// actions: our messages are custom anyway, and one generic action ships less code than four.
const atLeast = (min: number, message: string) => v.check<number, string>((value) => value >= min, message);
const isInteger = (what: string) => v.check<number, string>(Number.isInteger, `${what} must be an integer`);
const positive = (what: string) => v.check<number, string>((value) => value > 0, `${what} must be positive`);

const text = (what: string) =>
  v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`));

const parsedUrl = (value: string): URL | undefined => (URL.canParse(value) ? new URL(value) : undefined);
/**
 * An absolute http(s) URL without userinfo. A `user:pass@` is refused rather than
 * turned into basic auth: the message says what to write instead, and shows the
 * URL with both parts masked (an API key is often the user name).
 */
const httpUrl = (what: string, example: string) =>
  v.pipe(
    text(what),
    v.check((value) => URL.canParse(value), `${what} must be an absolute URL, e.g. ${example}`),
    v.check(
      (value) => ["http:", "https:", undefined].includes(parsedUrl(value)?.protocol),
      `${what} must be an http:// or https:// URL`,
    ),
    v.check(
      (value) => !parsedUrl(value)?.username && !parsedUrl(value)?.password,
      (issue) => {
        const url = new URL(String(issue.input));
        const masked = `${url.protocol}//${url.username ? "***" : ""}${url.password ? ":***" : ""}@${url.host}${url.pathname === "/" ? "" : url.pathname}`;
        return `${what} holds a user name or password (${masked}); credentials do not belong in a URL: use auth: { type: "http_basic", username: …, password: secrets["password"] } instead`;
      },
    ),
  );

// `| undefined` only in the type: under `noUncheckedIndexedAccess`, `secrets["api_key"]`
// reads as `SecretRef | undefined`, and configs must still compile. Validation rejects it.
export const isSecretOrText = (value: unknown): boolean =>
  (typeof value === "string" && value !== "") || isSecretRef(value);
const secretOrText = v.custom<string | SecretRef | undefined>(
  isSecretOrText,
  'expected a non-empty string or secrets["name"]',
);

const jsonPath = (what: string) =>
  v.pipe(
    text(what),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      try {
        parsePath(dataset.value);
      } catch (error) {
        addIssue({ message: `${what} is not a supported JSONPath: ${(error as Error).message}` });
      }
    }),
  );

const positiveInt = (what: string) =>
  v.pipe(v.number(`${what} must be a number`), isInteger(what), atLeast(1, `${what} must be at least 1`));
const nonNegative = (what: string) =>
  v.pipe(v.number(`${what} must be a number`), atLeast(0, `${what} must not be negative`));
const nonNegativeInt = (what: string) => v.pipe(nonNegative(what), isInteger(what));

/**
 * The `type` of a variant: a one-name picklist rather than `v.literal`, which would be one more schema
 * in the bundle for what picklist already does (same "Expected \"cursor\"" issue, same literal type).
 */
const tag = <const T extends string>(name: T) => v.picklist([name]);

// ---------------------------------------------------------------- auth

export const PaginatorTypes = [
  "single_page",
  "cursor",
  "json_link",
  "header_link",
  "header_cursor",
  "offset",
  "page_number",
  "auto",
] as const;
export const AuthTypes = ["api_key", "bearer", "http_basic", "oauth2_client_credentials"] as const;

/**
 * An auth field that holds a credential itself. Every field built with it is named
 * in {@link CREDENTIAL_AUTH_FIELDS}, so a literal value there is redacted like a
 * secret: a new auth type cannot forget to list one.
 */
const credential = v.custom<string | SecretRef | undefined>(
  isSecretOrText,
  'expected a non-empty string or secrets["name"]',
);

const apiKeyAuth = v.object({
  type: tag("api_key"),
  /** Header, query parameter or cookie name. @default "Authorization" */
  name: v.optional(text("name"), "Authorization"),
  api_key: credential,
  /** @default "header" */
  location: v.optional(
    v.picklist(["header", "query", "cookie"], 'location must be "header", "query" or "cookie"'),
    "header",
  ),
});
const bearerAuth = v.object({ type: tag("bearer"), token: credential });
const basicAuth = v.object({ type: tag("http_basic"), username: secretOrText, password: v.optional(credential) });
const oauth2Auth = v.object({
  type: tag("oauth2_client_credentials"),
  access_token_url: httpUrl("access_token_url", "https://auth.example.com/oauth/token"),
  client_id: secretOrText,
  client_secret: credential,
  /** Extra form fields sent with the token request (e.g. `scope`, `audience`). */
  access_token_request_data: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  /** Token lifetime in seconds when the token response has no `expires_in`. @default 3600 */
  default_token_expiration: v.optional(positiveInt("default_token_expiration"), 3600),
});

const authVariant = v.variant(
  "type",
  [apiKeyAuth, bearerAuth, basicAuth, oauth2Auth],
  (issue) => `unknown auth type ${JSON.stringify(issue.input)} (expected one of ${AuthTypes.join(", ")})`,
);
export const AuthSchema = authVariant;

/** Auth fields that hold the credential itself (`client.auth.<field>`), read off the auth schemas above. */
export const CREDENTIAL_AUTH_FIELDS: readonly string[] = [
  ...new Set(
    [apiKeyAuth, bearerAuth, basicAuth, oauth2Auth].flatMap((schema) =>
      Object.entries(schema.entries as Record<string, { wrapped?: unknown }>)
        .filter(([, entry]) => entry === credential || entry.wrapped === credential)
        .map(([field]) => field),
    ),
  ),
];

// ---------------------------------------------------------------- paginators

const singlePage = v.object({ type: tag("single_page") });
const autoPaginator = v.object({ type: tag("auto") });
const cursorPaginator = v.object({
  type: tag("cursor"),
  /** JSONPath to the next cursor in the body. @default "cursors.next" */
  cursor_path: v.optional(jsonPath("cursor_path"), "cursors.next"),
  /** Query parameter the cursor is sent in. @default "cursor" */
  cursor_param: v.optional(text("cursor_param"), "cursor"),
  /** Page size, sent as `limit_param` on every request. */
  limit: v.optional(positiveInt("limit")),
  /** @default "limit" */
  limit_param: v.optional(text("limit_param"), "limit"),
});
const jsonLink = v.object({
  type: tag("json_link"),
  /** @default "next" */
  next_url_path: v.optional(jsonPath("next_url_path"), "next"),
});
const headerLink = v.object({
  type: tag("header_link"),
  /** The `rel` of the Link header entry to follow. @default "next" */
  links_next_key: v.optional(text("links_next_key"), "next"),
});
const headerCursor = v.object({
  type: tag("header_cursor"),
  /** Response header holding the next cursor. @default "next" */
  cursor_key: v.optional(text("cursor_key"), "next"),
  /** @default "cursor" */
  cursor_param: v.optional(text("cursor_param"), "cursor"),
});
const rangeStops = {
  /** JSONPath to the total count (items for offset, pages for page_number). Missing in the body = unknown. */
  total_path: v.optional(v.nullable(jsonPath("total_path")), "total"),
  /** Stop when a page has no records. @default true */
  stop_after_empty_page: v.optional(v.boolean("stop_after_empty_page must be true or false"), true),
  /** JSONPath to a boolean that says whether more pages exist. */
  has_more_path: v.optional(jsonPath("has_more_path")),
};
const offsetPaginator = v.object({
  type: tag("offset"),
  limit: positiveInt("limit"),
  /** @default 0 */
  offset: v.optional(nonNegativeInt("offset"), 0),
  offset_param: v.optional(text("offset_param"), "offset"),
  limit_param: v.optional(text("limit_param"), "limit"),
  maximum_offset: v.optional(nonNegativeInt("maximum_offset")),
  ...rangeStops,
});
const pageNumberPaginator = v.object({
  type: tag("page_number"),
  /** Number of the first page. @default 0 */
  base_page: v.optional(nonNegativeInt("base_page"), 0),
  /** Page to start at. @default base_page */
  page: v.optional(nonNegativeInt("page")),
  page_param: v.optional(text("page_param"), "page"),
  maximum_page: v.optional(nonNegativeInt("maximum_page")),
  ...rangeStops,
});

export const paginatorVariant = v.variant(
  "type",
  [
    singlePage,
    autoPaginator,
    cursorPaginator,
    jsonLink,
    headerLink,
    headerCursor,
    offsetPaginator,
    pageNumberPaginator,
  ],
  (issue) => `unknown paginator ${JSON.stringify(issue.input)} (expected one of ${PaginatorTypes.join(", ")})`,
);
/** A paginator: an object with `type`, or a type name alone for the ones that need no settings. */
export const PaginatorSchema = v.union(
  [
    // A bare name means that paginator with all its defaults.
    v.pipe(
      v.picklist(["single_page", "auto", "json_link", "header_link", "header_cursor"]),
      v.transform((type) => v.safeParse(paginatorVariant, { type }).output as v.InferOutput<typeof paginatorVariant>),
    ),
    paginatorVariant,
  ],
  (issue) =>
    typeof issue.input === "string"
      ? `unknown paginator ${JSON.stringify(issue.input)} (expected one of ${PaginatorTypes.join(", ")}; offset, page_number and cursor need an object)`
      : "paginator must be an object with a type, or a paginator name",
);

// ---------------------------------------------------------------- endpoint

type Scalar = string | number | boolean | null;
// Numbers as valibot's v.number() takes them: NaN is not one.
const isScalar = (value: unknown): boolean =>
  value === null ||
  typeof value === "string" ||
  typeof value === "boolean" ||
  (typeof value === "number" && !Number.isNaN(value));
/** A param sent as it is: a scalar, a list of non-null scalars, or a secret. */
export const isPlainParam = (value: unknown): boolean =>
  isScalar(value) ||
  isSecretRef(value) ||
  (Array.isArray(value) && value.every((item) => item !== null && isScalar(item)));

export const ResolveParamSchema = v.object({
  type: tag("resolve"),
  resource: text("resource"),
  field: jsonPath("field"),
});

export const IncrementalSchema = v.object({
  /** JSONPath to the cursor field in each record, e.g. `updated_at`. */
  cursor_path: jsonPath("cursor_path"),
  /** Cursor value to start from on the first run. */
  initial_value: v.optional(v.union([v.string(), v.number()])),
  /** Upper bound: records above it are left out and the stored cursor is not moved. */
  end_value: v.optional(v.union([v.string(), v.number()])),
  /** Query parameter that sends the start value to the API. */
  start_param: v.optional(text("start_param")),
  /** Query parameter that sends `end_value` to the API. */
  end_param: v.optional(text("end_param")),
  /** Re-read this much below the stored cursor (seconds for dates, units for numbers). */
  lag: v.optional(nonNegative("lag")),
  /** What to do with a record that has no cursor value. @default "include" */
  on_cursor_value_missing: v.optional(
    v.picklist(["include", "exclude", "raise"], 'on_cursor_value_missing must be "include", "exclude" or "raise"'),
    "include",
  ),
});

const incrementalParam = v.object({
  type: tag("incremental"),
  cursor_path: jsonPath("cursor_path"),
  initial_value: v.optional(v.union([v.string(), v.number()])),
  end_value: v.optional(v.union([v.string(), v.number()])),
});

export const paramValue = v.union(
  // A predicate for scalars and secrets rather than a union of four schemas; lists keep their schema, whose issues name the bad item.
  [
    v.custom<Scalar | SecretRef | undefined>((value) => isScalar(value) || isSecretRef(value)),
    v.array(v.union([v.string(), v.number(), v.boolean()])),
    ResolveParamSchema,
    incrementalParam,
  ],
  'a param must be a string, number, boolean, null, a list of those, secrets["name"], or { type: "resolve" | "incremental", … }',
);

export const ErrorHandlerSchema = v.object({
  /** Statuses retried besides network errors and 502/503/504. @default [429] */
  retry_on_status_codes: v.optional(
    v.array(
      v.pipe(
        v.number("retry_on_status_codes item must be a number"),
        v.check<number, string>(
          (status) => Number.isInteger(status) && status >= 100 && status <= 599,
          "retry_on_status_codes item must be an HTTP status (an integer from 100 to 599)",
        ),
      ),
      "retry_on_status_codes must be a list of HTTP statuses",
    ),
    () => [429],
  ),
  /** @default 5 */
  max_retries: v.optional(nonNegativeInt("max_retries"), 5),
  /** Wait before retry n (from 0) is `backoff_factor × 2^n` seconds. @default 1 */
  backoff_factor: v.optional(nonNegative("backoff_factor"), 1),
  /** Longest single wait, in seconds, computed or from Retry-After. @default 60 */
  max_backoff: v.optional(nonNegative("max_backoff"), 60),
});

export const ResponseActionSchema = v.object({
  status_code: v.optional(v.union([v.number(), v.array(v.number())])),
  /** A substring of the body that selects the action. */
  content: v.optional(v.string()),
  action: v.picklist(["ignore", "retry"], 'action must be "ignore" or "retry"'),
});

export const EndpointSchema = v.object({
  path: v.optional(v.string("path must be a string")),
  method: v.optional(v.picklist(["GET", "POST"], 'method must be "GET" or "POST"'), "GET"),
  params: v.optional(v.record(v.string(), paramValue)),
  json: v.optional(v.record(v.string(), v.unknown())),
  headers: v.optional(v.record(v.string(), secretOrText)),
  data_selector: v.optional(jsonPath("data_selector")),
  paginator: v.optional(PaginatorSchema),
  incremental: v.optional(IncrementalSchema),
  response_actions: v.optional(v.array(ResponseActionSchema), () => []),
  /** Retries: statuses, attempts, backoff (each with its own default). */
  error_handler: v.optional(ErrorHandlerSchema, () => ({})),
  /**
   * Most pages one chain may have (one per parent for child resources); past it the resource
   * fails with `page_limit`. Far more than a real list needs at any page size (the seed's
   * `search_epics` pages one record at a time), yet an endless run of distinct next links
   * from a broken or hostile server ends. @default 100000
   */
  max_pages: v.optional(positiveInt("max_pages"), 100_000),
});

// ---------------------------------------------------------------- resources

const fn = <F>(what: string) => v.custom<F>((value) => typeof value === "function", `${what} must be a function`);
/** One processing step: a filter, a map, or dlt's `yield_map` (one record in, any number out). */
type Step =
  | { filter: (record: JsonRecord) => unknown }
  | { map: (record: JsonRecord) => JsonRecord }
  | { yield_map: (record: JsonRecord) => Iterable<JsonRecord> };
// An object of the three optional keys and one check, rather than a union of three objects whose
// issues would name every branch: a wrong key or value is reported at its own path.
export const processingStep = v.pipe(
  v.object({
    filter: v.optional(fn<(record: JsonRecord) => unknown>("filter")),
    map: v.optional(fn<(record: JsonRecord) => JsonRecord>("map")),
    yield_map: v.optional(fn<(record: JsonRecord) => Iterable<JsonRecord>>("yield_map")),
  }),
  v.check(
    (step) => Object.keys(step).length === 1,
    "a processing step is one of { filter: (record) => boolean }, { map: (record) => record }, { yield_map: (record) => records }",
  ),
) as unknown as v.GenericSchema<Step, Step>;

const primaryKey = v.union(
  [text("primary_key"), v.pipe(v.array(text("primary_key item")), v.minLength(1, "primary_key must not be empty"))],
  "primary_key must be a field name or a list of them",
);
const writeDisposition = v.union(
  [v.picklist(["merge", "append", "replace"]), v.object({ disposition: v.picklist(["merge", "append", "replace"]) })],
  'write_disposition must be "merge", "append" or "replace"',
);

/** Keys of a resource that defaults may also set. */
const resourceCommon = {
  endpoint: v.optional(v.union([v.string(), EndpointSchema], "endpoint must be a path or an endpoint object")),
  primary_key: v.optional(primaryKey),
  /** @default "append" */
  write_disposition: v.optional(writeDisposition, "append"),
  /** `false`: fetched only to feed children, never stored. @default true */
  selected: v.optional(v.boolean("selected must be true or false"), true),
  /** Parent fields copied into child records as `_<parent>_<field>`. @default [] */
  include_from_parent: v.optional(v.array(text("include_from_parent item")), () => []),
  /** Filters, maps and yield_maps applied to each record, in order, before the incremental filter. @default [] */
  processing_steps: v.optional(v.array(processingStep), () => []),
  /** Whether children fan out only over parents written in this run (see DESIGN). @default false */
  parent_incremental: v.optional(v.boolean("parent_incremental must be true or false"), false),
  /**
   * A valibot schema for the resource's records: it types them and validates each one
   * at run time, and its OUTPUT is what is stored. `v.object` drops every field it does
   * not name (an epic of 16 fields stored as 2): use `v.looseObject({ id: v.number() })`
   * to type some fields and keep the rest. A run warns once per resource when the
   * schema drops fields the API sent.
   */
  schema: v.optional(
    v.custom<v.GenericSchema>(isValibotSchema, "schema must be a valibot schema, e.g. v.object({ id: v.number() })"),
  ),
  /** A record that fails `schema`: fail the resource, or drop the record and count it. @default "fail" */
  on_invalid_record: v.optional(v.picklist(["fail", "drop"], 'on_invalid_record must be "fail" or "drop"'), "fail"),
  // dlt schema hints: meaningful for a warehouse, accepted and ignored by a key-value store.
  table_name: v.optional(v.string()),
  columns: v.optional(v.unknown()),
  max_table_nesting: v.optional(v.unknown()),
  table_format: v.optional(v.unknown()),
  schema_contract: v.optional(v.unknown()),
};

export const ResourceSchema = v.object({
  name: text("name"),
  ...resourceCommon,
  /** Records from a function instead of an endpoint (dlt accepts a DltResource beside config resources). */
  records: v.optional(fn<RecordsFunction>("records")),
  /** A records function's incremental (an endpoint's goes in `endpoint.incremental`). */
  incremental: v.optional(IncrementalSchema),
});
export const ResourceDefaultsSchema = v.object(resourceCommon);

const positiveRate = (what: string) => v.optional(v.pipe(v.number(`${what} must be a number`), positive(what)));

/** Client-side pacing, shared by every request of a run. */
const RateLimitSchema = v.pipe(
  v.object(
    {
      requests_per_second: positiveRate("requests_per_second"),
      requests_per_minute: positiveRate("requests_per_minute"),
      requests_per_hour: positiveRate("requests_per_hour"),
      /**
       * Requests that may go back to back after an idle spell. More than 1 lets
       * the first window exceed the rate, which a sliding-window server answers with 429. @default 1
       */
      burst: v.optional(positiveInt("burst"), 1),
    },
    "rate_limit must be an object",
  ),
  v.check(
    (limit) =>
      limit.requests_per_second !== undefined ||
      limit.requests_per_minute !== undefined ||
      limit.requests_per_hour !== undefined,
    "rate_limit needs at least one of requests_per_second, requests_per_minute, requests_per_hour",
  ),
);

export const ClientSchema = v.object({
  base_url: httpUrl("base_url", "https://api.example.com"),
  headers: v.optional(v.record(v.string(), secretOrText)),
  auth: v.optional(AuthSchema),
  paginator: v.optional(PaginatorSchema),
  /** Per-request timeout in seconds. @default 60 */
  timeout: v.optional(v.pipe(v.number("timeout must be a number of seconds"), positive("timeout")), 60),
  /** Client-side rate limit, paced smoothly across every request of a run. */
  rate_limit: v.optional(RateLimitSchema),
  /** Largest response body accepted, in bytes. @default 67108864 (64 MiB) */
  max_response_size: v.optional(positiveInt("max_response_size"), 64 * 1024 * 1024),
});

export const RestApiConfigSchema = v.object({
  client: ClientSchema,
  resource_defaults: v.optional(ResourceDefaultsSchema),
  resources: v.pipe(
    v.array(
      v.union([text("resource name"), ResourceSchema], "a resource is a name or a resource object"),
      "resources must be a list",
    ),
    v.minLength(1, "resources must name at least one resource"),
  ),
});
