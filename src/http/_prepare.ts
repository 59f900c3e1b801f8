import type { Authenticator } from "./_auth";
import type { Redactor } from "./_redact";
import type { HttpRequest, RequestContext } from "./_types";

/** A request ready for the wire. */
export interface Prepared {
  url: string;
  /** The URL's host, for per-host cooldowns. */
  host: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/** What preparing needs from the client. */
export interface PrepareTarget {
  /** The API's own origin: the only one credentials go to. */
  origin: string;
  redactor: Redactor;
  auth: Authenticator | undefined;
}

/** Headers, query and credentials for `url`; credentials only on the API's own origin. */
export async function prepareRequest(request: HttpRequest, context: RequestContext, target: PrepareTarget): Promise<Prepared> {
  const url = new URL(request.url);
  const headers = new Headers();
  const sameOrigin = url.origin === target.origin;
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    // Configured headers may carry secrets: those stay on the API's own origin.
    if (sameOrigin || target.redactor.text(value) === value) headers.set(key, value);
  }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    url.searchParams.delete(key);
    if (typeof value === "string") url.searchParams.set(key, value);
    else for (const item of value) url.searchParams.append(key, item);
  }
  if (sameOrigin && !context.anonymous && target.auth) {
    await target.auth.apply({ headers, query: url.searchParams }, { signal: context.signal, resource: context.resource, onAttempt: context.onAttempt, onRetry: context.onRetry });
  }
  if (!headers.has("accept")) headers.set("accept", "application/json");
  let body: string | undefined;
  if (request.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = request.form.toString();
  } else if (request.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(request.json);
  }
  return { url: url.toString(), host: url.host, method: request.method, headers, body };
}
