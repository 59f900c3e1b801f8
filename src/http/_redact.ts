/** Removes secret values (raw and URL-encoded) from any text that may reach users. */
export class Redactor {
  readonly #needles: string[];

  constructor(secrets: Iterable<string>) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < 3) continue; // too short to redact without mangling ordinary text
      needles.add(secret);
      needles.add(encodeURIComponent(secret));
      needles.add(new URLSearchParams({ s: secret }).toString().slice(2));
    }
    // Longest first, so that a secret containing another is replaced whole.
    this.#needles = [...needles].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret replaced by `***`. */
  text(text: string): string {
    let out = text;
    for (const needle of this.#needles) if (out.includes(needle)) out = out.split(needle).join("***");
    return out;
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
    return this.text(parsed.toString());
  }
}
