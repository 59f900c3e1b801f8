/**
 * Origin and redirect cases, one list for every runtime (Node, Chromium, workerd):
 * each names two scripted servers' routes (the API's origin and a foreign one),
 * the config to run, and what must hold afterwards — the report, and what each
 * origin received (method, URL, headers). Plain data and web-standard code only,
 * so the list is imported as is by the Node suite, the browser suite and the test
 * Worker; test/contract/origin-runner.ts runs one case anywhere.
 *
 * Route strings are templates: `{api}` and `{foreign}` (origins), `{foreign_host}`
 * (host:port of the foreign origin), `{key}` (the API key) and `{key_enc}` (the
 * key URL-encoded with lower-case hex, a spelling a server may echo).
 */
import { type RestApiConfig, secrets } from "restsync";

export type Runtime = "node" | "chromium" | "workerd";

/** One scripted answer: the first route whose method, path and query match answers. */
export interface ScriptedRoute {
  /** @default "GET" */
  method?: string;
  /** The exact pathname. */
  path: string;
  /** Query parameters the request must have (exact values). */
  query?: Record<string, string>;
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  body?: unknown;
  /** A body sent as is. */
  raw?: string;
  /** A compressed body of `bytes` inflated bytes (a decompression bomb). */
  bomb?: { encoding: "gzip" | "deflate" | "br"; bytes: number };
}

/** What a scripted server received. */
export interface ScriptedRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** The API key the runs use, with characters that URL-encode (`/`, `+`, `=`). */
export const KEY = "Key-9f3/+=x7Q";
/** A literal credential written into a config header (no `secrets[...]`). */
export const LITERAL = "apim-Literal-7c1d";

/** Every spelling in which a credential of the cases could travel or show. */
export function credentialSpellings(): string[] {
  const out = new Set<string>();
  for (const secret of [KEY, LITERAL]) {
    out.add(secret);
    out.add(encodeURIComponent(secret));
    out.add(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    out.add(new URLSearchParams({ s: secret }).toString().slice(2));
    out.add(btoa(secret));
  }
  out.add(btoa(`user:${KEY}`));
  return [...out];
}

export interface ResourceExpectation {
  status: "completed" | "failed";
  /** The error code of a failed resource. */
  code?: string;
  /** Records written. */
  records?: number;
  /** The error message matches. */
  message?: RegExp;
}

export interface OriginExpectation {
  /** Exactly these requests, in order, as `METHOD path?query`. */
  urls?: string[];
  /** Exactly this many requests. */
  requests?: number;
  /** At most this many requests (a loop cut short). */
  maxRequests?: number;
  /** "every": each request carries a credential of the case; "none": none does. */
  credentials?: "every" | "none";
  /** Header names (lower case) no request may carry. */
  absentHeaders?: string[];
  /** Header names (lower case) every request carries. */
  presentHeaders?: string[];
}

export interface Expectation {
  resources: Record<string, ResourceExpectation>;
  api?: OriginExpectation;
  foreign?: OriginExpectation;
}

export interface OriginCase {
  name: string;
  /**
   * Where `{foreign}` is: "port" another server on 127.0.0.1, "localhost" the
   * API's own server reached as localhost, "localhost-port" another server as
   * localhost. @default "port"
   */
  foreign?: "port" | "localhost" | "localhost-port";
  /** Runtimes the case applies to. @default all */
  runtimes?: readonly Runtime[];
  routes: { api: ScriptedRoute[]; foreign?: ScriptedRoute[] };
  config(urls: { api: string; foreign: string }): RestApiConfig;
  expect: Expectation;
  /** What differs in a runtime: each resource or origin named here replaces `expect`'s. */
  in?: Partial<
    Record<Runtime, { resources?: Expectation["resources"]; api?: OriginExpectation; foreign?: OriginExpectation }>
  >;
  /** Extra memory the run may take in Node, bytes (checked by the Node suite). */
  nodeMemory?: number;
}

const fast = { max_retries: 2, backoff_factor: 0.01 };

// ---------------------------------------------------------------- credential kinds

interface Credential {
  label: string;
  client: (urls: { api: string }) => Pick<RestApiConfig["client"], "auth" | "headers">;
  /** Header names the config sets, which must stay on the API's origin. */
  headers: string[];
  /** The browser drops it (a `Cookie` set by a script): the API does not get it there either. */
  browserDrops?: boolean;
  /** Not a credential by its value: the API gets the header, not a credential. */
  plain?: boolean;
}

const credentials: Credential[] = [
  {
    label: "api_key header",
    client: () => ({ auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"] } }),
    headers: ["api_key"],
  },
  {
    label: "api_key query",
    client: () => ({ auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "query" } }),
    headers: [],
  },
  {
    label: "api_key cookie",
    client: () => ({ auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "cookie" } }),
    headers: ["cookie"],
    browserDrops: true,
  },
  {
    label: "bearer",
    client: () => ({ auth: { type: "bearer", token: secrets["api_key"] } }),
    headers: ["authorization"],
  },
  {
    label: "http_basic",
    client: () => ({ auth: { type: "http_basic", username: "user", password: secrets["api_key"] } }),
    headers: ["authorization"],
  },
  {
    label: "literal Ocp-Apim-Subscription-Key header",
    client: () => ({ headers: { "Ocp-Apim-Subscription-Key": LITERAL } }),
    headers: ["ocp-apim-subscription-key"],
  },
  {
    label: "literal x-functions-key header",
    client: () => ({ headers: { "x-functions-key": LITERAL } }),
    headers: ["x-functions-key"],
  },
  {
    label: "custom header (secret value)",
    client: () => ({ headers: { "X-Api-Token": secrets["api_key"] } }),
    headers: ["x-api-token"],
  },
  {
    label: "custom header (plain value)",
    client: () => ({ headers: { "X-Tenant": "tenant-acme" } }),
    headers: ["x-tenant"],
    plain: true,
  },
];

/** Records of page `n`, in the body, with a next link in the body or a Link header. */
function page(n: number, next: string | undefined, how: "json_link" | "header_link"): Omit<ScriptedRoute, "path"> {
  const link = next && how === "header_link" ? { headers: { link: `<${next}>; rel="next"` } } : {};
  return {
    query: { page: String(n) },
    ...link,
    body: { data: [{ id: n }], ...(how === "json_link" && next ? { next } : {}) },
  };
}

/** Page 1 on the API links to page 2 on the foreign origin, which links back to page 3 on the API. */
function hopRoutes(how: "json_link" | "header_link"): OriginCase["routes"] {
  return {
    api: [
      { path: "/items", ...page(1, "{foreign}/items?page=2", how) },
      { path: "/items", ...page(3, undefined, how) },
    ],
    foreign: [{ path: "/items", ...page(2, "{api}/items?page=3", how) }],
  };
}

const items = (paginator: "json_link" | "header_link" | "auto", extra: Record<string, unknown> = {}) => ({
  name: "items",
  primary_key: "id",
  write_disposition: "merge" as const,
  endpoint: {
    path: "/items",
    params: { page: "1" },
    paginator: paginator === "auto" ? ("auto" as const) : { type: paginator },
    error_handler: fast,
    ...extra,
  },
});

const nextLinkCases: OriginCase[] = (["json_link", "header_link", "auto"] as const).flatMap((paginator) =>
  credentials.map(
    (credential): OriginCase => ({
      name: `${paginator} next link to another origin, ${credential.label}: no credential there, back home it returns`,
      routes: hopRoutes(paginator === "header_link" ? "header_link" : "json_link"),
      config: (urls) => ({ client: { base_url: urls.api, ...credential.client(urls) }, resources: [items(paginator)] }),
      expect: {
        resources: { items: { status: "completed", records: 3 } },
        api: { requests: 2, credentials: credential.plain ? undefined : "every", presentHeaders: credential.headers },
        foreign: { urls: ["GET /items?page=2"], credentials: "none", absentHeaders: credential.headers },
      },
      // The browser never sends a Cookie a script sets: the API does not get that one either.
      ...(credential.browserDrops
        ? { in: { chromium: { api: { requests: 2, credentials: undefined, presentHeaders: [] } } } }
        : {}),
    }),
  ),
);

// ---------------------------------------------------------------- other origins: localhost vs 127.0.0.1

const hostCases: OriginCase[] = (["localhost", "localhost-port"] as const).map((foreign) => ({
  name: `json_link next link to ${foreign === "localhost" ? "the same server as localhost" : "another port as localhost"}: another origin, no credential`,
  foreign,
  routes: hopRoutes("json_link"),
  config: (urls) => ({
    client: {
      base_url: urls.api,
      auth: { type: "bearer", token: secrets["api_key"] },
      headers: { "X-Tenant": "tenant-acme" },
    },
    resources: [items("json_link")],
  }),
  expect: {
    resources: { items: { status: "completed", records: 3 } },
    api: { requests: 2, credentials: "every", presentHeaders: ["authorization", "x-tenant"] },
    foreign: { urls: ["GET /items?page=2"], credentials: "none", absentHeaders: ["authorization", "x-tenant"] },
  },
}));

// ---------------------------------------------------------------- OAuth2 (its code loads on first use, behind import())

const oauth2Cases: OriginCase[] = [
  {
    name: "oauth2_client_credentials: one token request, the token on every page of the API, none on another origin",
    routes: {
      api: [
        { method: "POST", path: "/token", body: { access_token: "{key}", expires_in: 3600 } },
        ...hopRoutes("json_link").api,
      ],
      foreign: hopRoutes("json_link").foreign,
    },
    config: (urls) => ({
      client: {
        base_url: urls.api,
        auth: {
          type: "oauth2_client_credentials",
          access_token_url: `${urls.api}/token`,
          client_id: "client",
          client_secret: secrets["api_key"],
        },
      },
      resources: [items("json_link")],
    }),
    expect: {
      resources: { items: { status: "completed", records: 3 } },
      api: { urls: ["POST /token", "GET /items?page=1", "GET /items?page=3"], credentials: "every" },
      foreign: { urls: ["GET /items?page=2"], credentials: "none", absentHeaders: ["authorization"] },
    },
  },
];

// ---------------------------------------------------------------- a key echoed into a next link

const queryAuth = (urls: { api: string }): RestApiConfig["client"] => ({
  base_url: urls.api,
  auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "query" },
});

const echoCases: OriginCase[] = [
  {
    name: "a next link on the API's origin echoing the query key: followed with the key",
    routes: {
      api: [
        { path: "/items", ...page(1, "{api}/items?page=2&api_key={key_enc}", "json_link") },
        { path: "/items", ...page(2, undefined, "json_link") },
      ],
    },
    config: (urls) => ({ client: queryAuth(urls), resources: [items("json_link")] }),
    expect: { resources: { items: { status: "completed", records: 2 } }, api: { requests: 2, credentials: "every" } },
  },
  {
    name: "a next link to another origin echoing the query key (DRF/Rails style): the key is stripped, the rest is kept",
    routes: {
      api: [{ path: "/items", ...page(1, "{foreign}/items?page=2&api_key={key_enc}&size=10", "json_link") }],
      foreign: [{ path: "/items", ...page(2, undefined, "json_link") }],
    },
    config: (urls) => ({ client: queryAuth(urls), resources: [items("json_link")] }),
    expect: {
      resources: { items: { status: "completed", records: 2 } },
      api: { requests: 1, credentials: "every" },
      foreign: { urls: ["GET /items?page=2&size=10"], credentials: "none" },
    },
  },
  {
    name: "a next link to another origin echoing the key under another name and in a header-auth config: stripped too",
    routes: {
      api: [{ path: "/items", ...page(1, "{foreign}/items?page=2&token={key}", "json_link") }],
      foreign: [{ path: "/items", ...page(2, undefined, "json_link") }],
    },
    config: (urls) => ({
      client: { base_url: urls.api, auth: { type: "api_key", name: "X-Key", api_key: secrets["api_key"] } },
      resources: [items("json_link")],
    }),
    expect: {
      resources: { items: { status: "completed", records: 2 } },
      foreign: { urls: ["GET /items?page=2"], credentials: "none" },
    },
  },
  {
    name: "a next link to another origin with the key in its path: refused (url_refused), never sent",
    routes: {
      api: [{ path: "/items", ...page(1, "{foreign}/k/{key_enc}/items?page=2", "json_link") }],
      foreign: [{ path: "/items", ...page(2, undefined, "json_link") }],
    },
    config: (urls) => ({ client: queryAuth(urls), resources: [items("json_link")] }),
    expect: {
      resources: { items: { status: "failed", code: "url_refused" } },
      api: { requests: 1 },
      foreign: { requests: 0 },
    },
  },
];

// ---------------------------------------------------------------- next links that can never work

const refusedLinks: Array<[label: string, link: string]> = [
  ["javascript:", "javascript:alert(document.cookie)"],
  ["data:", 'data:application/json,{"data":[{"id":99}]}'],
  ["file:", "file:///etc/passwd"],
  ["ftp:", "ftp://{foreign_host}/items"],
  ["userinfo", "http://someone:hunter2@{foreign_host}/items?page=2"],
  ["malformed", "http://[not-a-host/items?page=2"],
];

const refusedLinkCases: OriginCase[] = refusedLinks.map(([label, link]) => ({
  name: `a ${label} next link: url_refused after the one request, not retried`,
  routes: {
    api: [{ path: "/items", ...page(1, link, "json_link") }],
    foreign: [{ path: "/items", ...page(2, undefined, "json_link") }],
  },
  config: (urls) => ({
    client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
    resources: [items("json_link")],
  }),
  expect: {
    resources: { items: { status: "failed", code: "url_refused" } },
    api: { requests: 1 },
    foreign: { requests: 0 },
  },
}));

refusedLinkCases.push({
  name: "auto: a body next link that turns into javascript: on page 2 is refused, not followed or retried",
  routes: {
    api: [
      { path: "/items", ...page(1, "{api}/items?page=2", "json_link") },
      { path: "/items", ...page(2, "javascript:alert(1)", "json_link") },
    ],
  },
  config: (urls) => ({
    client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
    resources: [items("auto")],
  }),
  expect: {
    resources: { items: { status: "failed", code: "url_refused" } },
    api: { urls: ["GET /items?page=1", "GET /items?page=2"] },
  },
});
refusedLinkCases.push({
  name: "auto: a Link header with a javascript: next link is refused, not followed or retried",
  routes: {
    api: [
      {
        path: "/items",
        query: { page: "1" },
        headers: { link: '<javascript:alert(1)>; rel="next"' },
        body: { data: [{ id: 1 }] },
      },
    ],
  },
  config: (urls) => ({
    client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
    resources: [items("auto")],
  }),
  expect: { resources: { items: { status: "failed", code: "url_refused" } }, api: { requests: 1 } },
});

// ---------------------------------------------------------------- redirects

const moved = (status: number, location: string): ScriptedRoute => ({ path: "/moved", status, headers: { location } });
const movedResource = {
  name: "moved",
  primary_key: "id",
  write_disposition: "merge" as const,
  endpoint: { path: "/moved", paginator: "single_page" as const, error_handler: fast },
};
const landed: ScriptedRoute = { path: "/landed", body: { data: [{ id: 1 }, { id: 2 }] } };
/** The browser hides a redirect's target: a credentialed request is refused there, with advice. */
const refusedInBrowser = (api: number) => ({
  resources: { moved: { status: "failed" as const, code: "redirect_refused", message: /hides.*redirect.*base_url/is } },
  api: { requests: api },
  foreign: { requests: 0 },
});

const redirectCases: OriginCase[] = [
  ...[301, 302, 307, 308].map(
    (status): OriginCase => ({
      name: `a ${status} redirect to another origin (api_key header, a secret header, the key echoed in the Location): no credential arrives there`,
      routes: { api: [moved(status, "{foreign}/landed?api_key={key_enc}&v=1")], foreign: [landed] },
      config: (urls) => ({
        client: {
          base_url: urls.api,
          auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"] },
          headers: { "X-Api-Token": secrets["api_key"], "X-Tenant": "tenant-acme" },
        },
        resources: [movedResource],
      }),
      expect: {
        resources: { moved: { status: "completed", records: 2 } },
        api: { requests: 1, credentials: "every" },
        foreign: {
          urls: ["GET /landed?v=1"],
          credentials: "none",
          absentHeaders: ["api_key", "x-api-token", "x-tenant"],
        },
      },
      in: { chromium: refusedInBrowser(1) },
    }),
  ),
  {
    name: "a 302 redirect to another origin with the key in the query auth: stripped there",
    routes: { api: [moved(302, "{foreign}/landed?api_key={key}")], foreign: [landed] },
    config: (urls) => ({ client: queryAuth(urls), resources: [movedResource] }),
    expect: {
      resources: { moved: { status: "completed", records: 2 } },
      api: { requests: 1, credentials: "every" },
      foreign: { urls: ["GET /landed"], credentials: "none" },
    },
    in: { chromium: refusedInBrowser(1) },
  },
  {
    name: "a 302 redirect to localhost (the same server, another origin) with bearer auth: no credential there",
    foreign: "localhost",
    routes: { api: [moved(302, "{foreign}/landed")], foreign: [landed] },
    config: (urls) => ({
      client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
      resources: [movedResource],
    }),
    expect: {
      resources: { moved: { status: "completed", records: 2 } },
      api: { requests: 1, credentials: "every" },
      foreign: { requests: 1, credentials: "none", absentHeaders: ["authorization"] },
    },
    in: { chromium: refusedInBrowser(1) },
  },
  {
    name: "a 302 redirect on the API's own origin keeps the credentials",
    routes: { api: [moved(302, "/landed"), landed] },
    config: (urls) => ({
      client: { base_url: urls.api, auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"] } },
      resources: [movedResource],
    }),
    expect: {
      resources: { moved: { status: "completed", records: 2 } },
      api: { urls: ["GET /moved", "GET /landed"], credentials: "every" },
    },
    in: { chromium: refusedInBrowser(1) },
  },
  ...[
    ["on the API's origin", "/landed"],
    ["to another origin", "{foreign}/landed"],
  ].map(
    ([where, location]): OriginCase => ({
      name: `a 302 redirect ${where} without any credential is followed everywhere (in browsers by the browser)`,
      routes: { api: [moved(302, location!), landed], foreign: [landed] },
      config: (urls) => ({ client: { base_url: urls.api }, resources: [movedResource] }),
      expect: { resources: { moved: { status: "completed", records: 2 } } },
    }),
  ),
  ...(
    [
      ["javascript:", "javascript:alert(1)"],
      ["ftp:", "ftp://{foreign_host}/landed"],
      ["userinfo", "http://someone:hunter2@{foreign_host}/landed"],
    ] as const
  ).map(
    ([label, location]): OriginCase => ({
      name: `a redirect to a ${label} Location: url_refused at once, not retried`,
      routes: { api: [moved(302, location)], foreign: [landed] },
      config: (urls) => ({
        client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
        resources: [movedResource],
      }),
      expect: {
        resources: { moved: { status: "failed", code: "url_refused" } },
        api: { requests: 1 },
        foreign: { requests: 0 },
      },
      in: { chromium: refusedInBrowser(1) },
    }),
  ),
  {
    name: "a redirect loop (a → b → a): redirect_loop at once, not retried",
    routes: { api: [moved(302, "/again"), { path: "/again", status: 302, headers: { location: "/moved" } }] },
    config: (urls) => ({
      client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
      resources: [movedResource],
    }),
    expect: {
      resources: { moved: { status: "failed", code: "redirect_loop" } },
      api: { urls: ["GET /moved", "GET /again"] },
    },
    in: { chromium: refusedInBrowser(1) },
  },
  {
    name: "an endless chain of distinct redirects: redirect_loop after a bounded number of hops, not retried",
    routes: {
      api: [
        moved(302, "/hop1"),
        ...Array.from(
          { length: 40 },
          (_, i): ScriptedRoute => ({ path: `/hop${i + 1}`, status: 302, headers: { location: `/hop${i + 2}` } }),
        ),
      ],
    },
    config: (urls) => ({
      client: { base_url: urls.api, auth: { type: "bearer", token: secrets["api_key"] } },
      resources: [movedResource],
    }),
    expect: { resources: { moved: { status: "failed", code: "redirect_loop" } }, api: { requests: 11 } },
    in: { chromium: refusedInBrowser(1) },
  },
];

// ---------------------------------------------------------------- bodies

const htmlCase: OriginCase = {
  name: "a 200 with an HTML body where JSON is expected: one retry at most, then response_invalid",
  routes: {
    api: [
      {
        path: "/page",
        raw: "<!doctype html><html><body>Sign in</body></html>",
        headers: { "content-type": "text/html" },
      },
    ],
  },
  config: (urls) => ({
    client: { base_url: urls.api },
    resources: [
      {
        name: "page",
        endpoint: { path: "/page", paginator: "single_page", error_handler: { max_retries: 5, backoff_factor: 0.01 } },
      },
    ],
  }),
  expect: { resources: { page: { status: "failed", code: "response_invalid" } }, api: { requests: 2 } },
};

/** 400 MB of JSON that arrives as a few hundred KB. */
const BOMB_BYTES = 400 * 1024 * 1024;
const bombCases: OriginCase[] = (["gzip", "deflate", "br"] as const).map((encoding) => ({
  name: `a ${encoding} body inflating to 400 MB under a 1 MB max_response_size: response_too_large, read no further; the other resource completes`,
  // Where the runtime inflates the encoding: Chromium asks for br over https only, workerd hands deflate on as it came.
  runtimes:
    encoding === "br"
      ? ["node", "workerd"]
      : encoding === "deflate"
        ? ["node", "chromium"]
        : ["node", "chromium", "workerd"],
  routes: {
    api: [
      { path: "/bomb", bomb: { encoding, bytes: BOMB_BYTES } },
      { path: "/small", body: { data: [{ id: 1 }, { id: 2 }] } },
    ],
  },
  config: (urls) => ({
    client: {
      base_url: urls.api,
      max_response_size: 1024 * 1024,
      auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "query" },
    },
    resources: [
      { name: "small", primary_key: "id", endpoint: { path: "/small", paginator: "single_page" } },
      { name: "bomb", endpoint: { path: "/bomb", paginator: "single_page", error_handler: fast } },
    ],
  }),
  expect: {
    resources: {
      small: { status: "completed", records: 2 },
      bomb: {
        status: "failed",
        code: "response_too_large",
        message:
          /^bomb: response from http:\/\/127\.0\.0\.1:\d+\/bomb\?api_key=\*\*\* is larger than max_response_size \(1048576 bytes\): stopped reading at \d+ bytes$/,
      },
    },
    api: { requests: 2, credentials: "every" },
  },
  nodeMemory: 100 * 1024 * 1024,
}));

/** Every origin, redirect and body case, in the order the suites run them. */
export const originCases: OriginCase[] = [
  ...nextLinkCases,
  ...hostCases,
  ...oauth2Cases,
  ...echoCases,
  ...refusedLinkCases,
  ...redirectCases,
  htmlCase,
  ...bombCases,
];

/** The cases that apply to `runtime`. */
export const originCasesFor = (runtime: Runtime): OriginCase[] =>
  originCases.filter((c) => !c.runtimes || c.runtimes.includes(runtime));
