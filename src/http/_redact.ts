import { isCredentialParam } from "../_credential-names";

/**
 * Removes secret values from any text that may reach users: raw, URL-encoded
 * (either case of hex), form-encoded, JSON-escaped (also `\/` and `\uXXXX`
 * spellings), and base64 of anything that contains one (a `Basic` header echoed
 * back). Secrets issued during a run, such as an OAuth access token, are taught
 * with {@link Redactor.add}.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;
  /** Shortest base64 run that can hold the shortest secret. */
  #minRun = Infinity;

  constructor(secrets: Iterable<string> = []) {
    this.add(...secrets);
  }

  /** Learns more secrets (e.g. a token handed out by the token endpoint); ignores non-strings. */
  add(...secrets: unknown[]): void {
    let changed = false;
    for (const secret of secrets) {
      // Too short to redact without mangling ordinary text.
      if (typeof secret !== "string" || secret.length < 3 || this.#secrets.has(secret)) continue;
      this.#secrets.add(secret);
      changed = true;
    }
    if (!changed) return;
    this.#pattern = buildPattern(this.#secrets);
    const shortest = Math.min(...[...this.#secrets].map((secret) => new TextEncoder().encode(secret).length));
    this.#minRun = Math.ceil((shortest * 4) / 3);
  }

  /** `text` with every secret replaced by `***`. */
  text(text: string): string {
    if (!this.#pattern) return text;
    return this.#base64(text.replace(this.#pattern, "***"));
  }

  /** True when `text` holds a secret in any spelling {@link Redactor.text} removes. */
  has(text: string): boolean {
    // Asked of every request's URL: tests first, and the base64 scan only where a run is long enough to hold a secret.
    const pattern = this.#pattern;
    if (!pattern) return false;
    pattern.lastIndex = 0;
    const found = pattern.test(text);
    pattern.lastIndex = 0;
    return found || (this.#hasLongRun(text) && this.#base64(text) !== text);
  }

  /** A run of base64 characters as long as the base64 of the shortest secret (a shorter one decodes to too few bytes). */
  #hasLongRun(text: string): boolean {
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const base64 =
        (c >= 65 && c <= 90) ||
        (c >= 97 && c <= 122) ||
        (c >= 48 && c <= 57) ||
        c === 43 ||
        c === 47 ||
        c === 45 ||
        c === 95;
      run = base64 ? run + 1 : 0;
      if (run >= this.#minRun) return true;
    }
    return false;
  }

  /** A URL fit for errors and logs: secrets and userinfo removed. */
  url(url: string | URL): string {
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      return this.text(String(url));
    }
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? "***" : "";
      parsed.password = parsed.password ? "***" : "";
    }
    // A query value holding a secret in a spelling the URL does not show literally; and, as dlt's
    // sanitize_url, whatever a credential-named param holds, even nothing (`api_key=` → `api_key=***`).
    const params = [...parsed.searchParams];
    const hidden = (key: string, value: string) => isCredentialParam(key) || this.#holds(value);
    if (params.some(([key, value]) => this.#holds(key) || hidden(key, value))) {
      const clean = new URLSearchParams();
      for (const [key, value] of params)
        clean.append(this.#holds(key) ? "***" : key, hidden(key, value) ? "***" : value);
      parsed.search = clean.toString();
    }
    if (this.#pattern) {
      // A path segment holding a secret in a spelling the URL does not show literally.
      const segments = parsed.pathname.split("/");
      if (segments.some((segment) => this.#holds(decode(segment)))) {
        parsed.pathname = segments.map((segment) => (this.#holds(decode(segment)) ? "***" : segment)).join("/");
      }
    }
    return this.text(parsed.toString());
  }

  #holds(text: string): boolean {
    for (const secret of this.#secrets) if (text.includes(secret)) return true;
    return false;
  }

  /** Base64 runs that decode to text holding a secret become `***`. */
  #base64(text: string): string {
    return text.replace(BASE64_RUN, (run) => {
      if (run.length < this.#minRun) return run;
      const body = run.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
      // The run may start mid-word: try every alignment.
      for (let offset = 0; offset < 4 && body.length - offset >= 4; offset++) {
        const decoded = decodeBase64(body.slice(offset));
        if (decoded !== undefined && this.#holds(decoded)) return "***";
      }
      return run;
    });
  }
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{4,}={0,2}/g;

function buildPattern(secrets: Iterable<string>): RegExp {
  const needles = new Set<string>();
  for (const secret of secrets) {
    const json = JSON.stringify(secret).slice(1, -1);
    const slashed = json.replace(/\//g, "\\/");
    const ascii = (text: string) =>
      text.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
    // JSON as JavaScript, PHP (`\/`, `\uXXXX`) and Python (`\uXXXX`) write it.
    for (const needle of [
      secret,
      encodeURIComponent(secret),
      encodeURI(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      json,
      slashed,
      ascii(json),
      ascii(slashed),
    ]) {
      needles.add(needle);
    }
  }
  // Longest first, so that a secret containing another is replaced whole.
  const sources = [...needles].sort((a, b) => b.length - a.length).map(needleSource);
  return new RegExp(sources.join("|"), "g");
}

/** A needle as a regex source; hex digits of %XX and \uXXXX escapes match in either case. */
function needleSource(needle: string): string {
  return needle.replace(/%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|[\s\S]/g, (token) => {
    if (token.length === 1) return token.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    const [lead, hex] = token[0] === "%" ? ["%", token.slice(1)] : ["\\\\u", token.slice(2)];
    return lead + [...hex].map((d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d)).join("");
  });
}

function decodeBase64(body: string): string | undefined {
  const usable = body.length % 4 === 1 ? body.slice(0, -1) : body;
  try {
    const binary = atob(usable.padEnd(Math.ceil(usable.length / 4) * 4, "="));
    return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
