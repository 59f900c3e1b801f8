import type { AuthConfig, BuiltInAuthConfig } from "../config/types";
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
      // Secrets are resolved before a run builds its authenticator: a name from secrets is a string here.
      const name = String(auth.name);
      return {
        async apply({ headers, query }) {
          if (auth.location === "query") query.set(name, key);
          else if (auth.location === "cookie") {
            const cookie = `${name}=${encodeURIComponent(key)}`;
            const existing = headers.get("cookie");
            headers.set("cookie", existing ? `${existing}; ${cookie}` : cookie);
          } else headers.set(name, key);
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
      return lazyOauth2(auth, fetchToken, now);
  }
}

function custom(auth: CustomAuth, secret: SecretSink): Authenticator {
  return {
    apply: async ({ url, method, headers, query }, context) =>
      auth.apply({ url, method, headers, query }, { resource: context.resource, signal: context.signal, secret }),
    ...(auth.refresh ? { invalidate: () => auth.refresh!() } : {}),
  };
}

/**
 * OAuth2 client credentials, loaded on first use: only configs with this auth
 * type ship its code. Until the first request no token exists, so there is none to drop.
 */
function lazyOauth2(
  auth: Extract<BuiltInAuthConfig, { type: "oauth2_client_credentials" }>,
  fetchToken: TokenFetcher,
  now: () => number,
): Authenticator {
  let loaded: Promise<Authenticator> | undefined;
  let authenticator: Authenticator | undefined;
  return {
    async apply(target, context) {
      loaded ??= import("./_oauth2").then((module) => (authenticator = module.oauth2(auth, fetchToken, now)));
      return (await loaded).apply(target, context);
    },
    invalidate: () => authenticator?.invalidate?.() ?? false,
  };
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
