import type { AuthConfig, BuiltInAuthConfig } from "../config/types";
import { ResponseError } from "../errors";
import type { RetryEvent } from "./_types";
import { type CustomAuth, isCustomAuth, registeredAuth } from "./custom-auth";

/** What auth may change on an outgoing request. */
export interface AuthTarget {
  url: string;
  method: string;
  headers: Headers;
  query: URLSearchParams;
}

/** Applies credentials to requests; may fetch and refresh tokens. */
/** The request on whose behalf auth runs: a token fetch is counted and reported for it. */
export interface AuthContext {
  signal: AbortSignal | undefined;
  resource: string;
  onAttempt: (() => void) | undefined;
  onRetry: ((event: RetryEvent) => void) | undefined;
}

export interface Authenticator {
  apply(target: AuthTarget, context: AuthContext): Promise<void>;
  /** Drops a cached token after a 401; true when a retry with a fresh one makes sense. */
  invalidate?(): boolean;
}

/** Fetches an OAuth token: form-encoded POST, parsed JSON back. */
export type TokenFetcher = (url: string, form: URLSearchParams, context: AuthContext) => Promise<unknown>;

/** Learns credential values a custom auth declares (the run's redactor). */
export type SecretSink = (...values: string[]) => void;

export function createAuthenticator(
  auth: AuthConfig | null | undefined,
  fetchToken: TokenFetcher,
  now: () => number = Date.now,
  secret: SecretSink = () => {},
): Authenticator | undefined {
  if (!auth) return undefined;
  if (isCustomAuth(auth)) return custom(auth, secret);
  const registered = registeredAuth(auth.type);
  if (registered) {
    const { type: _type, ...fields } = auth;
    return custom(registered(fields), secret);
  }
  return builtIn(auth as BuiltInAuthConfig, fetchToken, now);
}

function builtIn(auth: BuiltInAuthConfig, fetchToken: TokenFetcher, now: () => number): Authenticator {
  switch (auth.type) {
    case "api_key": {
      const key = String(auth.api_key);
      return {
        async apply({ headers, query }) {
          if (auth.location === "query") query.set(auth.name, key);
          else if (auth.location === "cookie") {
            const cookie = `${auth.name}=${encodeURIComponent(key)}`;
            const existing = headers.get("cookie");
            headers.set("cookie", existing ? `${existing}; ${cookie}` : cookie);
          } else headers.set(auth.name, key);
        },
      };
    }
    case "bearer": {
      const value = `Bearer ${String(auth.token)}`;
      return { apply: async ({ headers }) => headers.set("authorization", value) };
    }
    case "http_basic": {
      const value = `Basic ${base64(`${String(auth.username)}:${String(auth.password ?? "")}`)}`;
      return { apply: async ({ headers }) => headers.set("authorization", value) };
    }
    case "oauth2_client_credentials":
      return oauth2(auth, fetchToken, now);
  }
}

function custom(auth: CustomAuth, secret: SecretSink): Authenticator {
  return {
    apply: async ({ url, method, headers, query }, context) =>
      auth.apply({ url, method, headers, query }, { resource: context.resource, signal: context.signal, secret }),
    ...(auth.refresh ? { invalidate: () => auth.refresh!() } : {}),
  };
}

function oauth2(
  auth: Extract<BuiltInAuthConfig, { type: "oauth2_client_credentials" }>,
  fetchToken: TokenFetcher,
  now: () => number,
): Authenticator {
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const obtain = async (context: AuthContext): Promise<string> => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: String(auth.client_id),
      client_secret: String(auth.client_secret),
    });
    for (const [key, value] of Object.entries(auth.access_token_request_data ?? {})) form.set(key, String(value));
    const body = (await fetchToken(auth.access_token_url, form, context)) as
      | { access_token?: unknown; expires_in?: unknown }
      | undefined;
    if (typeof body?.access_token !== "string" || body.access_token === "") {
      throw new ResponseError(
        "response_invalid",
        `${context.resource}: the token response from ${auth.access_token_url} has no access_token`,
        { url: auth.access_token_url, resource: context.resource },
      );
    }
    // As dlt: a given expires_in counts, 0 (or less) included — the token serves this request and no other.
    const lifetime =
      Math.max(0, typeof body.expires_in === "number" ? body.expires_in : auth.default_token_expiration) * 1000;
    // Refresh a little early so a token never expires mid-request.
    const margin = Math.min(30_000, lifetime / 10);
    token = { value: body.access_token, expiresAt: now() + lifetime - margin };
    return token.value;
  };
  return {
    async apply({ headers }, context) {
      let value = token && now() < token.expiresAt ? token.value : undefined;
      if (!value) {
        pending ??= obtain(context).finally(() => (pending = undefined));
        value = await pending;
      }
      headers.set("authorization", `Bearer ${value}`);
    },
    invalidate() {
      const had = token !== undefined;
      token = undefined;
      return had;
    },
  };
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
