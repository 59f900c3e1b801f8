/**
 * The HTTP client's redirect policy at the fetch boundary: a browser's opaque
 * redirect (simulated here; the real one runs in test/browser/origins.test.ts)
 * is followed blind only by a request that carries nothing to leak, and
 * redirects that can never work fail at once, without retries.
 */

import { isResponseError, type ResponseError } from "restsync";
import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "../src/config/source";
import { createAuthenticator } from "../src/http/_auth";
import { Redactor } from "../src/http/_redact";
import { HttpClient, type HttpRequest } from "../src/http/client";

const KEY = "opaque-K3y/+=";
const API = "https://api.example.com";
const RETRY: RetryPolicy = {
  retryOnStatus: new Set([429, 502, 503, 504]),
  maxRetries: 3,
  backoffFactor: 0.001,
  maxBackoff: 1,
};

/** What a browser's fetch does with `redirect: "manual"`: a filtered response that hides status and Location. */
class OpaqueRedirect extends Response {
  override get type(): ResponseType {
    return "opaqueredirect";
  }
}

/** A fetch that answers every manual request with an opaque redirect and a followed one with JSON; logs both. */
function browserLike() {
  const calls: Array<{ url: string; redirect: RequestRedirect | undefined; headers: Headers }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({
      url: String(input instanceof Request ? input.url : input),
      redirect: init?.redirect,
      headers: new Headers(init?.headers),
    });
    if (init?.redirect === "manual") return new OpaqueRedirect(null, { status: 200 });
    return new Response(JSON.stringify([{ id: 1 }]), { headers: { "content-type": "application/json" } });
  };
  return { fetch, calls };
}

function client(fetch: typeof globalThis.fetch, auth = false) {
  const redactor = new Redactor([KEY]);
  const authenticator = auth
    ? createAuthenticator({ type: "api_key", name: "X-Api-Key", api_key: KEY, location: "header" }, async () => ({}))
    : undefined;
  return new HttpClient({ baseUrl: API, auth: authenticator, timeoutMs: 5_000, concurrency: 2, redactor, fetch });
}

async function refusal(promise: Promise<unknown>): Promise<ResponseError> {
  try {
    await promise;
  } catch (error) {
    expect(isResponseError(error)).toBe(true);
    return error as ResponseError;
  }
  throw new Error("expected a refusal");
}

describe("an opaque redirect (a browser hides where it leads)", () => {
  const get = (http: HttpClient, request: Partial<HttpRequest> = {}) =>
    http.request({ url: `${API}/items`, method: "GET", ...request }, { resource: "items", retry: RETRY });

  it.each<[string, boolean, Partial<HttpRequest>]>([
    ["auth applied", true, {}],
    ["a configured header, even a plain one", false, { headers: { "X-Tenant": "acme" } }],
    ["a secret in the URL", false, { url: `${API}/items?api_key=${encodeURIComponent(KEY)}` }],
    ["a body", false, { method: "POST", json: { q: 1 } }],
  ])(
    "with %s: refused (redirect_refused) after the one request, never re-sent with redirect: follow",
    async (_, auth, request) => {
      const browser = browserLike();
      const error = await refusal(get(client(browser.fetch, auth), request));
      expect(error.code).toBe("redirect_refused");
      expect(error.message).toMatch(
        /^items: (GET|POST) https:\/\/api\.example\.com\/items\S* was redirected, and the browser hides a redirect's target/,
      );
      expect(error.message).toMatch(/Point base_url \(or the path\) at the final URL/);
      expect(error.message).not.toContain(KEY);
      expect(error.message).not.toContain(encodeURIComponent(KEY));
      expect(browser.calls.map((c) => c.redirect)).toEqual(["manual"]);
    },
  );

  it("with no credential at all: the browser follows it", async () => {
    const browser = browserLike();
    const response = await get(client(browser.fetch));
    expect(response.body).toEqual([{ id: 1 }]);
    expect(browser.calls.map((c) => c.redirect)).toEqual(["manual", "follow"]);
  });
});

describe("redirects that can never work", () => {
  it("a Location that is not a URL: url_refused at once", async () => {
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      calls.push(String(input));
      return new Response(null, { status: 302, headers: { location: "http://[not-a-host/x" } });
    };
    const error = await refusal(
      client(fetch, true).request({ url: `${API}/items`, method: "GET" }, { resource: "items", retry: RETRY }),
    );
    expect(error.code).toBe("url_refused");
    expect(error.message).toMatch(/Location that is not a URL/);
    expect(calls).toHaveLength(1);
  });
});
