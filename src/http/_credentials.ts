import { setOwn } from "../_objects";
import { ResponseError } from "../errors";
import type { PageRequest } from "../paginators/types";
import type { Redactor } from "./_redact";

/** What `Redactor.url` leaves where a credential was: never data an API sent. */
const REDACTED = "***";

/** One `name=value` of a raw query string, decoded as a server would. */
function decodePart(part: string): [string, string] {
  const at = part.indexOf("=");
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, " "));
    } catch {
      return text;
    }
  };
  return at < 0 ? [decode(part), ""] : [decode(part.slice(0, at)), decode(part.slice(at + 1))];
}

/**
 * Removes from `url` (in place) every query parameter whose name or value holds
 * a secret in any spelling the redactor knows (and, with `redacted`, one already
 * redacted to `***`). The parameters kept are left exactly as they were spelt.
 * Returns the names removed.
 */
export function stripSecretParams(url: URL, redactor: Redactor, redacted = false): string[] {
  if (url.search.length < 2) return [];
  const removed: string[] = [];
  const kept: string[] = [];
  for (const part of url.search.slice(1).split("&")) {
    const [name, value] = decodePart(part);
    const secret =
      redactor.has(part) ||
      redactor.has(name) ||
      redactor.has(value) ||
      (redacted && (name.includes(REDACTED) || value.includes(REDACTED)));
    if (!secret) kept.push(part);
    else if (!removed.includes(name)) removed.push(name);
  }
  if (removed.length > 0) url.search = kept.join("&");
  return removed;
}

/** Why `url` may not be requested, whatever its origin: not http(s), or credentials in its userinfo. */
export function unfollowable(url: URL): string | undefined {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `only http: and https: URLs are requested, not ${url.protocol}`;
  if (url.username || url.password)
    return "it holds a user name or password (credentials go in auth, and only to the API's origin)";
  return undefined;
}

/** The `url_refused` error for `url`, shown without secrets. */
export function urlRefused(
  url: string | URL,
  why: string,
  redactor: Redactor,
  resource: string | undefined,
): ResponseError {
  const full = redactor.url(url);
  // A data: URL can be a whole body long.
  const shown = full.length > 200 ? `${full.slice(0, 200)}…` : full;
  return new ResponseError("url_refused", `${resource ? `${resource}: ` : ""}refused to request ${shown}: ${why}`, {
    url: shown,
    ...(resource ? { resource } : {}),
  });
}

/**
 * A copy of a page request that holds no credential, fit to be saved in state:
 * every query parameter whose name or value holds a secret (any spelling the
 * redactor knows, or an already redacted `***`) is removed from both `url` and
 * `query`, and the removed names are listed in `stripped` so that the configured
 * values can be added back when the position is resumed. A secret anywhere else
 * in the URL (path, host, fragment) or a user name/password in it cannot be
 * removed without changing what the URL means: that throws `url_refused`.
 */
export function credentialFreeRequest(request: PageRequest, redactor: Redactor, resource?: string): PageRequest {
  const url = new URL(request.url);
  const stripped = [...(request.stripped ?? [])];
  const note = (name: string) => void (stripped.includes(name) || stripped.push(name));
  const fromUrl = stripSecretParams(url, redactor, true);
  for (const name of fromUrl) note(name);
  const secret = (text: string) => redactor.has(text) || text.includes(REDACTED);
  const query: PageRequest["query"] = {};
  for (const [name, value] of Object.entries(request.query)) {
    if (secret(name) || (Array.isArray(value) ? value : [value]).some(secret)) note(name);
    else setOwn(query, name, value);
  }
  if (url.username || url.password)
    throw urlRefused(url, "it holds a user name or password, which is not saved", redactor, resource);
  if (redactor.has(url.href))
    throw urlRefused(url, "it holds a credential outside its query string, which is not saved", redactor, resource);
  return {
    url: fromUrl.length > 0 ? url.toString() : request.url,
    query,
    ...(stripped.length > 0 ? { stripped } : {}),
    ...(request.body ? { body: request.body } : {}),
  };
}
