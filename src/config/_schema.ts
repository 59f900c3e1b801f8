import * as v from "valibot";
import { parsePath } from "../_jsonpath";
import { isPlainObject } from "../_objects";
import { type CustomAuth, isCustomAuth, registeredAuth, registeredAuthTypes } from "../http/custom-auth";
import { type CustomPaginator, customConfig, isCustomSpec, registeredPaginators } from "../paginators/custom";
import { isSecretRef, type SecretRef, secretOr, secrets, settingRef } from "../secrets";
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
/** A header value: any string (dlt sends an empty one as it is) or a secret. */
export const isHeaderValue = (value: unknown): boolean => typeof value === "string" || isSecretRef(value);
/** True for a header value fetch throws on: the Fetch spec trims spaces, tabs and line breaks at the ends, and refuses these inside. */
export const fetchRefusesHeaderValue = (value: string): boolean =>
  /[\0\r\n\u0100-\uffff]/.test(value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ""));
export const REFUSED_HEADER_VALUE =
  "a header value cannot hold a line break, a NUL or a character above \\u00FF (fetch refuses it)";
const headerValue = v.pipe(
  v.custom<string | SecretRef | undefined>(isHeaderValue, 'expected a string or secrets["name"]'),
  // A config error, not a TypeError at the first request (nor a network error retried).
  v.check((value) => typeof value !== "string" || !fetchRefusesHeaderValue(value), REFUSED_HEADER_VALUE),
);
/** The Fetch spec's header name (an HTTP token): fetch throws a TypeError on anything else. */
const headerName = v.pipe(
  v.string(),
  v.regex(
    /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
    "not a valid header name: fetch takes letters, digits and !#$%&'*+-.^_`|~ only (no spaces, braces, colons); header names are not templated",
  ),
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

/** A dotted path into the request's JSON body (`query.page.cursor`), as dlt's `*_body_path` keys take it. */
const bodyPath = (what: string) =>
  v.pipe(
    text(what),
    v.check((value) => !value.split(".").includes(""), `${what} must be dot-separated keys, e.g. "paging.cursor"`),
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

/**
 * An auth credential field that, left out, is read from the secret `credentials.<field>`, as dlt's
 * config providers fill an auth's missing fields (`SOURCES__REST_API__CREDENTIALS__TOKEN`, `CREDENTIALS__TOKEN`…).
 */
const fromSecrets = <S extends v.GenericSchema>(schema: S, field: string | (() => SecretRef)) =>
  v.optional(schema, typeof field === "string" ? () => secrets[`credentials.${field}`] : field);

const tokenUrl = httpUrl("access_token_url", "https://auth.example.com/oauth/token");
/** Why `value` cannot be an OAuth2 token URL, or undefined when it can. */
export const tokenUrlProblem = (value: unknown): string | undefined => {
  const result = v.safeParse(tokenUrl, value);
  return result.success ? undefined : result.issues[0].message;
};

const apiKeyAuth = v.pipe(
  v.object({
    type: tag("api_key"),
    /** Header, query parameter or cookie name. @default "Authorization" (or the secret `credentials.name`, as dlt reads it) */
    name: v.optional(v.union([text("name"), v.custom<SecretRef>(isSecretRef)]), () =>
      settingRef("credentials.name", "Authorization"),
    ),
    api_key: fromSecrets(credential, "api_key"),
    /** `"param"` is dlt's other spelling of `"query"`. @default "header" */
    location: v.optional(
      v.pipe(
        v.picklist(
          ["header", "query", "param", "cookie"],
          'location must be "header", "query" or "cookie" (or dlt\'s "param" for "query")',
        ),
        v.transform((location) => (location === "param" ? "query" : location)),
      ),
      "header",
    ),
  }),
  // In a header or a cookie, a value fetch refuses fails here rather than at the first request (a query encodes it).
  v.forward(
    v.check(
      (auth) => auth.location === "query" || typeof auth.api_key !== "string" || !fetchRefusesHeaderValue(auth.api_key),
      REFUSED_HEADER_VALUE,
    ),
    ["api_key"],
  ),
);
/** A credential that may be empty: dlt's `HttpBasicAuth` sends `user:` for an empty password. */
const credentialOrEmpty = v.custom<string | SecretRef | undefined>(
  (value) => value === "" || isSecretOrText(value),
  'expected a string or secrets["name"]',
);
/** A credential sent as a header value: refused here when fetch would refuse it at the first request. */
const headerCredential = v.pipe(
  credential,
  v.check((value) => typeof value !== "string" || !fetchRefusesHeaderValue(value), REFUSED_HEADER_VALUE),
);
const bearerAuth = v.object({ type: tag("bearer"), token: fromSecrets(headerCredential, "token") });
const basicAuth = v.object({
  type: tag("http_basic"),
  // dlt sends `:password` for an empty user name (GitHub-style token auth).
  username: fromSecrets(
    v.custom<string | SecretRef>(
      (value) => value === "" || isSecretOrText(value),
      'expected a string or secrets["name"]',
    ),
    "username",
  ),
  /** @default the secret `credentials.password`, else empty */
  password: v.optional(credentialOrEmpty, () => secretOr("credentials.password", "")),
});
const oauth2Auth = v.object({
  type: tag("oauth2_client_credentials"),
  /** Given as a secret (dlt reads it from its config sections), it is checked when a run resolves it. */
  access_token_url: fromSecrets(
    v.custom<string | SecretRef>(
      (value) => isSecretRef(value) || tokenUrlProblem(value) === undefined,
      (issue) => tokenUrlProblem(issue.input) ?? "",
    ),
    () => settingRef("credentials.access_token_url"),
  ),
  client_id: fromSecrets(secretOrText, "client_id"),
  client_secret: fromSecrets(credential, "client_secret"),
  /** Extra form fields sent with the token request (e.g. `scope`, `audience`). */
  access_token_request_data: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  /** Token lifetime in seconds when the token response has no `expires_in`. @default 3600 */
  default_token_expiration: v.optional(positiveInt("default_token_expiration"), 3600),
});

export const authVariant = v.variant(
  "type",
  [apiKeyAuth, bearerAuth, basicAuth, oauth2Auth],
  (issue) =>
    `unknown auth type ${JSON.stringify(issue.input)} (expected one of ${[...AuthTypes, ...registeredAuthTypes()].join(", ")})`,
);
/**
 * dlt's shorthand: an auth type's name alone, its credential fields read from secrets named as dlt's
 * config providers name them (`credentials.token` → `SOURCES__REST_API__CREDENTIALS__TOKEN`, `CREDENTIALS__TOKEN`…).
 */
const authByName = v.pipe(
  v.picklist(["bearer", "api_key", "http_basic", "oauth2_client_credentials"]),
  // Its fields are all left out, so read from dlt's credentials section (see fromSecrets).
  v.transform((type) => v.parse(authVariant, { type })),
);
/** A config's auth for a type registered with `registerAuth`: its fields go to the factory as they are. */
const registeredAuthConfig = v.custom<{ type: string; [field: string]: unknown }>(
  (value) => isPlainObject(value) && registeredAuth(value.type) !== undefined,
);
/**
 * Auth: an object with `type` (built in, or registered with `registerAuth`), without one (dlt's
 * default, bearer), a type's name alone, or a `CustomAuth` object.
 */
export const AuthSchema = v.union(
  // CustomAuth first: an object with its own `token` would otherwise read as a bearer dict, its `apply` dropped.
  [v.custom<CustomAuth>(isCustomAuth), authByName, authVariant, registeredAuthConfig],
  (issue) =>
    typeof issue.input === "string"
      ? `unknown auth type ${JSON.stringify(issue.input)} (expected one of ${AuthTypes.join(", ")})`
      : "auth must be an object with a type, or an auth type's name",
);

/** Auth fields that hold the credential itself (`client.auth.<field>`), read off the auth schemas above. */
export const CREDENTIAL_AUTH_FIELDS: readonly string[] = [
  ...new Set(
    [apiKeyAuth, bearerAuth, basicAuth, oauth2Auth].flatMap((schema) =>
      Object.entries(schema.entries as Record<string, { wrapped?: unknown }>)
        .filter(([, entry]) =>
          [credential, credentialOrEmpty, headerCredential].some((c) => entry === c || entry.wrapped === c),
        )
        .map(([field]) => field),
    ),
  ),
];

// ---------------------------------------------------------------- paginators

/** An optional key that also takes `null` for not set, as dlt's `None` (`maximum_offset: null`). */
const nullIsUnset = <S extends v.GenericSchema>(schema: S) =>
  v.optional(
    v.pipe(
      v.nullable(schema),
      v.transform((value) => value ?? undefined),
    ),
  );

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
  /** Dotted path in the JSON body the cursor is written to, instead of `cursor_param` (POST search APIs). */
  cursor_body_path: v.optional(bodyPath("cursor_body_path")),
  /** Stop when a page has no records. @default false */
  stop_after_empty_page: v.optional(v.boolean("stop_after_empty_page must be true or false"), false),
  /** JSONPath to a boolean that says whether more pages exist. */
  has_more_path: v.optional(jsonPath("has_more_path")),
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
  has_more_path: nullIsUnset(jsonPath("has_more_path")),
};
const offsetPaginator = v.object({
  type: tag("offset"),
  limit: positiveInt("limit"),
  /** @default 0 */
  offset: v.optional(nonNegativeInt("offset"), 0),
  offset_param: v.optional(text("offset_param"), "offset"),
  limit_param: v.optional(text("limit_param"), "limit"),
  maximum_offset: nullIsUnset(nonNegativeInt("maximum_offset")),
  /** Dotted paths in the JSON body the offset and limit are written to, instead of the query. */
  offset_body_path: v.optional(bodyPath("offset_body_path")),
  limit_body_path: v.optional(bodyPath("limit_body_path")),
  ...rangeStops,
});
const pageNumberPaginator = v.object({
  type: tag("page_number"),
  /** Number of the first page. @default 0 */
  base_page: v.optional(nonNegativeInt("base_page"), 0),
  /** Page to start at. @default base_page */
  page: v.optional(nonNegativeInt("page")),
  page_param: v.optional(text("page_param"), "page"),
  maximum_page: nullIsUnset(nonNegativeInt("maximum_page")),
  /** Dotted path in the JSON body the page number is written to, instead of the query. */
  page_body_path: v.optional(bodyPath("page_body_path")),
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
    // dlt's deprecated alias of json_link.
    v.pipe(
      v.object({ type: tag("json_response"), next_url_path: jsonLink.entries.next_url_path }),
      v.transform((paginator) => ({ ...paginator, type: "json_link" as const })),
    ),
  ],
  (issue) => `unknown paginator ${JSON.stringify(issue.input)} (expected one of ${paginatorNames()})`,
);
/** Built-in and registered paginator names, for messages. */
const paginatorNames = () => [...PaginatorTypes, ...registeredPaginators()].join(", ");

/** A custom paginator: an instance, or a name registered with `registerPaginator` (alone or as `type`, with options). */
const customPaginator = v.pipe(
  v.custom<CustomPaginator | `${string}` | { type: string; [option: string]: unknown }>(isCustomSpec),
  v.transform((spec) => customConfig(spec)),
);

/** A paginator: an object with `type`, or a type name alone for the ones that need no settings, or a custom one. */
export const PaginatorSchema = v.union(
  [
    customPaginator,
    // A bare name means that paginator with all its defaults, as dlt builds it with no arguments.
    v.pipe(
      v.picklist([
        "single_page",
        "auto",
        "json_link",
        "json_response",
        "header_link",
        "header_cursor",
        "cursor",
        "page_number",
      ]),
      v.transform(
        (type) =>
          v.safeParse(paginatorVariant, { type: type === "json_response" ? "json_link" : type })
            .output as v.InferOutput<typeof paginatorVariant>,
      ),
    ),
    paginatorVariant,
  ],
  (issue) =>
    typeof issue.input === "string"
      ? `unknown paginator ${JSON.stringify(issue.input)} (expected one of ${paginatorNames()}; offset needs an object with its limit)`
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

/** dlt's `last_value_func`: the value further on of several cursor values (one of those given). */
export type LastValueFunc = (values: Array<string | number>) => string | number;
const isFunction = (value: unknown) => typeof value === "function";
/** Options dlt's incremental has beside cursor and bounds, in both the endpoint and the param form. */
const incrementalOptions = {
  /** Which way the cursor moves: `"max"`, `"min"`, or a function picking the value further on. @default "max" */
  last_value_func: v.optional(
    v.union(
      [v.picklist(["max", "min"]), v.custom<LastValueFunc>(isFunction)],
      'last_value_func must be "max", "min" or a function',
    ),
    "max",
  ),
  /** `closed`: a record at the start value is kept (unless stored before); `open`: dropped. @default "closed" */
  range_start: v.optional(v.picklist(["open", "closed"], 'range_start must be "open" or "closed"'), "closed"),
  /** `open`: a record at `end_value` is left out; `closed`: kept. @default "open" */
  range_end: v.optional(v.picklist(["open", "closed"], 'range_end must be "open" or "closed"'), "open"),
  /** The API's order of records by cursor: paging stops once a page goes past the range. */
  row_order: v.optional(v.picklist(["asc", "desc"], 'row_order must be "asc" or "desc"')),
  /** Turns a cursor value into what is sent (start_param, end_param, `{incremental.*}`); never used to compare. */
  convert: v.optional(v.custom<(value: string | number) => unknown>(isFunction, "convert must be a function")),
  /** dlt's deprecated name of `convert`: read as it, with a warning. */
  transform: v.optional(v.custom<(value: string | number) => unknown>(isFunction, "transform must be a function")),
};

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
  ...incrementalOptions,
});

const incrementalParam = v.object({
  type: tag("incremental"),
  cursor_path: jsonPath("cursor_path"),
  initial_value: v.optional(v.union([v.string(), v.number()])),
  // end_value and end_param are parsed only to be refused with dlt's reason (config/source.ts paramsOf).
  end_value: v.optional(v.union([v.string(), v.number()])),
  end_param: v.optional(v.string()),
  lag: IncrementalSchema.entries.lag,
  on_cursor_value_missing: IncrementalSchema.entries.on_cursor_value_missing,
  ...incrementalOptions,
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
  /** Statuses retried besides network errors, 429 and every 5xx (always retried, as in dlt). @default [429] */
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
  /** Retries after the first attempt: dlt's `request_max_attempts` 5 is 4 retries. @default 4 */
  max_retries: v.optional(nonNegativeInt("max_retries"), 4),
  /** Wait before retry n (from 0) is `backoff_factor × 2^n` seconds. @default 1 */
  backoff_factor: v.optional(nonNegative("backoff_factor"), 1),
  /** Longest single wait, in seconds, computed or from Retry-After (dlt's `request_max_retry_delay`). @default 300 */
  max_backoff: v.optional(nonNegative("max_backoff"), 300),
});

/** The response a response action function sees (and may return changed, e.g. a cleaned-up `text`). */
export interface HookResponse {
  status: number;
  headers: Headers;
  /** The URL that answered: it may hold credentials, keep it out of logs. */
  url: string;
  text: string;
}
/** dlt's callable response action: returns an action, a changed response, or nothing (go on). */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is written `() => void`.
export type ResponseHook = (response: HookResponse) => "ignore" | "retry" | HookResponse | undefined | void;
const responseHook = v.custom<ResponseHook>((value) => typeof value === "function", "must be a function");

export const ResponseActionSchema = v.object({
  status_code: v.optional(v.union([v.number(), v.array(v.number())])),
  /** A substring of the body that selects the action. */
  content: v.optional(v.string()),
  /** What to do with a matching response: a name, or function(s) run on it in order. */
  action: v.union(
    [v.picklist(["ignore", "retry"]), responseHook, v.array(responseHook)],
    'action must be "ignore", "retry", a function or a list of functions',
  ),
});
/** One of `response_actions`: a condition with its action, or a function run on every response. */
export const responseActionItem = v.union(
  [ResponseActionSchema, responseHook],
  "a response action is { status_code, content, action } or a function",
);

export const EndpointSchema = v.object({
  path: v.optional(v.string("path must be a string")),
  method: v.optional(v.picklist(["GET", "POST"], 'method must be "GET" or "POST"'), "GET"),
  params: v.optional(v.record(v.string(), paramValue)),
  json: v.optional(v.record(v.string(), v.unknown())),
  /**
   * A form body (`application/x-www-form-urlencoded`) from an object or a list of `[name, value]` pairs
   * (dlt's list of tuples, in order), or a string sent as it is. Empty: no body.
   */
  data: v.optional(
    v.union(
      [
        v.string(),
        v.array(v.tuple([v.string(), v.union([v.string(), v.number(), v.boolean()])])),
        v.record(
          v.string(),
          v.union([
            v.string(),
            v.number(),
            v.boolean(),
            v.null(),
            v.array(v.union([v.string(), v.number(), v.boolean()])),
          ]),
        ),
      ],
      "data must be an object of form fields, a list of [name, value] pairs or a string",
    ),
  ),
  headers: v.optional(v.record(headerName, headerValue)),
  /** `null` (as in dlt): not set here, so a default's is dropped and records are found automatically. */
  data_selector: v.optional(v.nullable(jsonPath("data_selector"))),
  /** `null` (as in dlt): a default's paginator is dropped and the client's applies. */
  paginator: v.optional(v.nullable(PaginatorSchema)),
  incremental: v.optional(v.nullable(IncrementalSchema)),
  response_actions: v.optional(v.array(responseActionItem), () => []),
  /** This endpoint's own auth, replacing `client.auth` (dlt's `endpoint.auth`); `null`: none. */
  auth: v.optional(v.nullable(AuthSchema)),
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
/** dlt's merge strategies; `scd2` is refused at validation (see `_writes.ts`). */
export const MergeStrategies = ["delete-insert", "upsert", "insert-only", "scd2"] as const;
const writeDisposition = v.union(
  [
    v.picklist(["merge", "append", "replace"]),
    v.object({
      disposition: v.picklist(["merge", "append", "replace"]),
      /** dlt's merge strategy (merge only). @default "delete-insert" */
      strategy: v.optional(
        v.picklist(MergeStrategies, `strategy must be one of ${MergeStrategies.map((name) => `"${name}"`).join(", ")}`),
      ),
    }),
  ],
  'write_disposition must be "merge", "append" or "replace", or { disposition, strategy }',
);

/** Keys of a resource that defaults may also set. */
const resourceCommon = {
  endpoint: v.optional(v.union([v.string(), EndpointSchema], "endpoint must be a path or an endpoint object")),
  primary_key: v.optional(primaryKey),
  /** @default "append" */
  write_disposition: v.optional(writeDisposition, "append"),
  /** dlt's merge key (delete-insert): a run that stores a record deletes every stored record of its merge key it did not store. */
  merge_key: v.optional(
    v.union(
      [text("merge_key"), v.pipe(v.array(text("merge_key item")), v.minLength(1, "merge_key must not be empty"))],
      "merge_key must be a field name or a list of them",
    ),
  ),
  /** Beyond dlt: records a complete listing no longer returns are removed, or flagged with `deleted_at`. */
  delete_missing: v.optional(v.picklist(["remove", "flag"], 'delete_missing must be "remove" or "flag"')),
  /** `false`: fetched only to feed children, never stored. @default true */
  selected: v.optional(v.boolean("selected must be true or false"), true),
  /** Parent fields copied into child records as `_<parent>_<field>`. @default [] */
  include_from_parent: v.optional(v.array(text("include_from_parent item")), () => []),
  /** Filters, maps and yield_maps applied to each record, in order, before the incremental filter. @default [] */
  processing_steps: v.optional(v.array(processingStep), () => []),
  /**
   * dlt's `parallelized`: accepted; restsync already requests a child's parents concurrently
   * (up to the pipeline's `concurrency`) and runs resources one after another either way.
   */
  parallelized: v.optional(v.boolean("parallelized must be true or false")),
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
  // dlt also takes a function of the record (a table per record kind).
  table_name: v.optional(
    v.union([v.string(), v.custom<(record: never) => string>(isFunction)], "table_name must be a string or a function"),
  ),
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
  headers: v.optional(v.record(headerName, headerValue)),
  auth: v.optional(v.nullable(AuthSchema)),
  paginator: v.optional(v.nullable(PaginatorSchema)),
  /** Per-request timeout in seconds. @default 60 */
  timeout: v.optional(v.pipe(v.number("timeout must be a number of seconds"), positive("timeout")), 60),
  /** Client-side rate limit, paced smoothly across every request of a run. */
  rate_limit: v.optional(RateLimitSchema),
  /** Largest response body accepted, in bytes. @default 67108864 (64 MiB) */
  max_response_size: v.optional(positiveInt("max_response_size"), 64 * 1024 * 1024),
  /** dlt's `http_show_error_body`: add the error response's body (secrets redacted) to error messages. @default false */
  http_show_error_body: v.optional(v.boolean("http_show_error_body must be true or false"), false),
  /** dlt's `http_max_error_body_length`: characters of that body shown before "… (truncated)". @default 8192 */
  http_max_error_body_length: v.optional(nonNegativeInt("http_max_error_body_length"), 8192),
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
