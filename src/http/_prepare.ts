import { isCredentialHeader } from "../_credential-names";
import type { Authenticator } from "./_auth";
import { stripSecretParams, unfollowable, urlRefused } from "./_credentials";
import type { Redactor } from "./_redact";
import type { HttpRequest, RequestContext } from "./_types";

/** A request ready for the wire. */
export interface Prepared {
  url: string;
  /** The URL's host, for per-host cooldowns. */
  host: string;
  method: string;
  headers: Headers;
  body: string | Uint8Array | undefined;
  /**
   * True when the request carries anything that could be a credential: auth, a
   * configured header, a secret in its URL, or a body. Such a request is never
   * handed to a redirect whose target cannot be seen (a browser's opaque redirect).
   */
  credentialed: boolean;
  /** Carries the run's credential: auth, or a configured header holding a secret. */
  authenticated: boolean;
}

/** What preparing needs from the client. */
export interface PrepareTarget {
  /** The API's own origin: the only one credentials go to. */
  origin: string;
  redactor: Redactor;
  auth: Authenticator | undefined;
}

/**
 * Headers, query and credentials for `url`. Auth and every configured header go
 * only to the API's own origin; a request to another origin loses every query
 * parameter holding a secret, and is refused (`url_refused`) when a secret sits
 * anywhere else in its URL. A URL that is not http(s) or that holds a user name
 * or password is refused whatever its origin.
 */
export async function prepareRequest(
  request: HttpRequest,
  context: RequestContext,
  target: PrepareTarget,
): Promise<Prepared> {
  const { redactor } = target;
  // One parse: a URL that does not parse is refused.
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw urlRefused(request.url, "it is not a URL", redactor, context.resource);
  }
  const refused = unfollowable(url);
  if (refused) throw urlRefused(url, refused, redactor, context.resource);
  const headers = new Headers();
  const sameOrigin = url.origin === target.origin;
  // Configured headers go to the API's origin only, whatever their name or value (a literal
  // `Ocp-Apim-Subscription-Key` is as much a credential as `Authorization`).
  if (sameOrigin) for (const [key, value] of Object.entries(request.headers ?? {})) headers.set(key, value);
  else if (request.endpointOrigin?.origin === url.origin)
    // The endpoint's own headers for its own absolute URL (dlt sends them), unless a name or value marks a credential.
    for (const name of request.endpointOrigin.headers) {
      const value = request.headers?.[name];
      if (value !== undefined && !isCredentialHeader(name) && !redactor.has(value)) headers.set(name, value);
    }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    url.searchParams.delete(key);
    if (typeof value === "string") url.searchParams.set(key, value);
    else for (const item of value) url.searchParams.append(key, item);
  }
  const authed = sameOrigin && !context.anonymous && target.auth !== undefined;
  if (authed) {
    await target.auth!.apply(
      { url: url.toString(), method: request.method, headers, query: url.searchParams },
      { signal: context.signal, resource: context.resource, onAttempt: context.onAttempt, onRetry: context.onRetry },
    );
  } else if (!sameOrigin) {
    // An API that echoes its key into a next link or a Location (DRF, Rails) must not hand it to another origin.
    stripSecretParams(url, redactor);
    if (redactor.has(url.href))
      throw urlRefused(
        url,
        `it leads to another origin (${url.origin}) and holds a credential outside its query string`,
        redactor,
        context.resource,
      );
  }
  if (!headers.has("accept")) headers.set("accept", "application/json");
  let body: string | Uint8Array | undefined;
  if (request.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = request.form.toString();
  } else if (request.text !== undefined) {
    // As bytes: a string would go out as application/json (ofetch's default) or text/plain (fetch's); dlt
    // (requests) sends a raw body with no Content-Type unless the endpoint's headers give one.
    body = new TextEncoder().encode(request.text);
  } else if (request.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(request.json);
  }
  const href = url.toString();
  const credentialed =
    authed || (sameOrigin && Object.keys(request.headers ?? {}).length > 0) || body !== undefined || redactor.has(href);
  const authenticated =
    authed ||
    (sameOrigin && !context.anonymous && Object.values(request.headers ?? {}).some((value) => redactor.has(value)));
  return { url: href, host: url.host, method: request.method, headers, body, credentialed, authenticated };
}
