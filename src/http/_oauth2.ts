import type { BuiltInAuthConfig } from "../config/types";
import { ResponseError } from "../errors";
import type { AuthContext, Authenticator, TokenFetcher } from "./_auth";

/** OAuth2 client credentials: a token fetched on first use, shared by concurrent requests, refreshed before it expires. */
export function oauth2(
  auth: Extract<BuiltInAuthConfig, { type: "oauth2_client_credentials" }>,
  fetchToken: TokenFetcher,
  now: () => number,
): Authenticator {
  // Secrets are resolved (and a token URL from one checked) before a run builds its authenticator.
  const url = String(auth.access_token_url);
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const obtain = async (context: AuthContext): Promise<string> => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: String(auth.client_id),
      client_secret: String(auth.client_secret),
    });
    for (const [key, value] of Object.entries(auth.access_token_request_data ?? {})) form.set(key, String(value));
    const body = (await fetchToken(url, form, context)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof body?.access_token !== "string" || body.access_token === "") {
      throw new ResponseError(
        "response_invalid",
        `${context.resource}: the token response from ${url} has no access_token`,
        { url, resource: context.resource },
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
      const fresh = () => (token && now() < token.expiresAt ? token.value : undefined);
      let value = fresh();
      while (!value) {
        const mine = pending === undefined;
        pending ??= obtain(context).finally(() => (pending = undefined));
        const obtained = await pending;
        // A token that expires at once (expires_in: 0) serves the request that fetched it, as in dlt;
        // a request that waited on that fetch gets its own.
        value = mine ? obtained : fresh();
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
