import type { AuthConfig } from "../config/types";
import type { RetryEvent } from "./_types";

/** What auth may change on an outgoing request. */
export interface AuthTarget {
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

export function createAuthenticator(
  auth: AuthConfig | undefined,
  fetchToken: TokenFetcher,
  now: () => number = Date.now,
): Authenticator | undefined {
  if (!auth) return undefined;
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
      return lazyOauth2(auth, fetchToken, now);
  }
}

/**
 * OAuth2 client credentials, loaded on first use: only configs with this auth
 * type ship its code. Until the first request no token exists, so there is none to drop.
 */
function lazyOauth2(
  auth: Extract<AuthConfig, { type: "oauth2_client_credentials" }>,
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
