/**
 * credentialFreeRequest(): the copy of a page request that may be saved in state —
 * no credential in its URL or query, in any spelling the redactor knows, and the
 * names it removed listed so the configured values can go back on resume.
 */

import { isResponseError, type ResponseError } from "restsync";
import { describe, expect, it } from "vitest";
import { credentialFreeRequest } from "../src/http/_credentials";
import { Redactor } from "../src/http/_redact";

const KEY = "Key-9f3/+=x7Q";
const redactor = new Redactor([KEY]);
const upper = encodeURIComponent(KEY); // Key-9f3%2F%2B%3Dx7Q
const lower = upper.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());

function refusal(url: string): ResponseError {
  try {
    credentialFreeRequest({ url, query: {} }, redactor, "items");
  } catch (error) {
    expect(isResponseError(error)).toBe(true);
    return error as ResponseError;
  }
  throw new Error(`${url} was accepted`);
}

describe("credentialFreeRequest", () => {
  it("removes a key echoed into the URL's query and lists its name; the rest stays as spelt", () => {
    const request = {
      url: `https://api.example.com/items?q=a%20b&page=2&api_key=${upper}&x=1+2`,
      query: { limit: "10" },
    };
    expect(credentialFreeRequest(request, redactor)).toEqual({
      url: "https://api.example.com/items?q=a%20b&page=2&x=1+2",
      query: { limit: "10" },
      stripped: ["api_key"],
    });
  });

  it.each([
    ["upper-case hex", upper],
    ["lower-case hex", lower],
    ["form-encoded", new URLSearchParams({ s: KEY }).toString().slice(2)],
    ["base64", btoa(KEY)],
  ])("finds the key URL-encoded with %s, under any parameter name", (_, spelling) => {
    const result = credentialFreeRequest(
      { url: `https://api.example.com/items?cursor=abc&token=${spelling}`, query: {} },
      redactor,
    );
    expect(result).toEqual({ url: "https://api.example.com/items?cursor=abc", query: {}, stripped: ["token"] });
  });

  it("removes the key from the query object too, also inside a list, and a parameter named by the key", () => {
    const request = {
      url: `https://api.example.com/items?${upper}=1`,
      query: { api_key: KEY, ids: ["1", `x${KEY}`], page: "3" },
    };
    expect(credentialFreeRequest(request, redactor)).toEqual({
      url: "https://api.example.com/items",
      query: { page: "3" },
      stripped: [KEY, "api_key", "ids"],
    });
  });

  it("removes a value already redacted to *** (literal or URL-encoded): it was a credential, and is not data to send back", () => {
    const request = { url: "https://api.example.com/items?page=2&api_key=***&token=%2A%2A%2A", query: { key: "***" } };
    expect(credentialFreeRequest(request, redactor)).toEqual({
      url: "https://api.example.com/items?page=2",
      query: {},
      stripped: ["api_key", "token", "key"],
    });
  });

  it("leaves a request without credentials as it was (same URL string, no stripped)", () => {
    const request = { url: "https://API.example.com/items?page=2&q=x%2Fy", query: { limit: "10" } };
    expect(credentialFreeRequest(request, redactor)).toEqual(request);
  });

  it("is idempotent, and keeps the names an earlier pass stripped", () => {
    const once = credentialFreeRequest({ url: `https://api.example.com/items?api_key=${upper}`, query: {} }, redactor);
    const twice = credentialFreeRequest({ ...once, url: `${once.url}?token=${lower}` }, redactor);
    expect(twice).toEqual({ url: "https://api.example.com/items", query: {}, stripped: ["api_key", "token"] });
    expect(credentialFreeRequest(twice, redactor)).toEqual(twice);
  });

  it.each([
    ["the path (upper-case hex)", `https://api.example.com/k/${upper}/items`],
    ["the path (lower-case hex)", `https://api.example.com/k/${lower}/items`],
    ["the fragment", `https://api.example.com/items#${lower}`],
    ["the host", "https://key-9f3x7q.example.com/items"],
  ])("refuses (url_refused) a key in %s: it cannot be removed without changing the URL", (where, url) => {
    const redactorWithHost = new Redactor([KEY, "key-9f3x7q"]);
    let error: unknown;
    try {
      credentialFreeRequest({ url, query: {} }, where === "the host" ? redactorWithHost : redactor, "items");
    } catch (e) {
      error = e;
    }
    expect(isResponseError(error)).toBe(true);
    const refused = error as ResponseError;
    expect(refused.code).toBe("url_refused");
    expect(refused.resource).toBe("items");
    expect(refused.message).toMatch(/^items: refused to request .*: it holds a credential outside its query string/);
    for (const text of [refused.message, refused.url, JSON.stringify(refused)]) {
      for (const spelling of [KEY, upper, lower, "key-9f3x7q"]) expect(text).not.toContain(spelling);
    }
  });

  it("refuses a URL with a user name or password, without showing them", () => {
    const error = refusal("https://someone:hunter2@api.example.com/items");
    expect(error.code).toBe("url_refused");
    expect(error.message).toMatch(/user name or password/);
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("someone");
  });
});
