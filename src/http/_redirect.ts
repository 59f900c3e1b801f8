import { ResponseError } from "../errors";
import { unfollowable, urlRefused } from "./_credentials";
import type { Redactor } from "./_redact";
import type { HttpRequest } from "./_types";

/** Statuses followed as redirects (when they carry a Location). */
export const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Hops after the first request before a chain is called a loop. */
export const MAX_REDIRECTS = 10;

/**
 * The URLs one request's redirect chain has visited. A URL seen twice, or more
 * than {@link MAX_REDIRECTS} hops, is a `redirect_loop`: following on cannot
 * succeed, so it fails at once instead of being retried.
 */
export class RedirectChain {
  readonly #seen = new Set<string>();

  constructor(
    readonly request: HttpRequest,
    readonly resource: string,
    readonly redactor: Redactor,
  ) {}

  /** Records a request about to be sent; throws `redirect_loop` on a repeat or past the hop limit. */
  visit(url: string): void {
    const key = url.split("#")[0]!;
    const repeat = this.#seen.has(key);
    if (repeat || this.#seen.size > MAX_REDIRECTS) {
      const shown = this.redactor.url(key);
      const why = repeat
        ? `was redirected back to ${shown}, a URL it already requested`
        : `was redirected more than ${MAX_REDIRECTS} times (last to ${shown})`;
      throw new ResponseError(
        "redirect_loop",
        `${this.resource}: ${this.request.method} ${this.redactor.url(this.request.url)} ${why}; stopping`,
        { url: shown, resource: this.resource },
      );
    }
    this.#seen.add(key);
  }

  /** A redirect's Location as a URL; `url_refused` when it is not one, not http(s), or holds userinfo. */
  target(location: string, from: string, status: number): URL {
    let target: URL;
    try {
      target = new URL(location, from);
    } catch {
      throw urlRefused(
        from,
        `it was redirected (${status}) to a Location that is not a URL`,
        this.redactor,
        this.resource,
      );
    }
    const refused = unfollowable(target);
    if (refused)
      throw urlRefused(
        target,
        `it is the Location of a ${status} redirect from ${this.redactor.url(from)}, and ${refused}`,
        this.redactor,
        this.resource,
      );
    return target;
  }

  /**
   * `redirect_refused` for a credentialed request whose redirect a browser hid
   * (an opaque redirect): its target cannot be seen, so the credentials do not follow it.
   */
  hidden(url: string): ResponseError {
    const shown = this.redactor.url(url);
    return new ResponseError(
      "redirect_refused",
      `${this.resource}: ${this.request.method} ${shown} was redirected, and the browser hides a redirect's target, so restsync cannot tell whether it ` +
        "leads to another origin and does not let the request's credentials follow it blind. Point base_url (or the path) at the final URL the API redirects to.",
      { url: shown, resource: this.resource },
    );
  }
}
