import { setOwn } from "../_objects";
import { RestsyncError } from "../errors";

/**
 * `{name}` and `{resources.parent.field}` / `{incremental.start_value}` placeholders in templates,
 * read as Python's str.format reads them (dlt's templates): `{{` and `}}` are a literal brace each.
 */
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]+)\}/g;

/** Names of every placeholder in `template`, in order, without duplicates. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].flatMap((m) => (m[1] ? [m[1].trim()] : [])))];
}

/**
 * `template` with the placeholders named in `values` filled (braces in a value escaped, so they stay
 * literal), every other placeholder and every `{{`/`}}` left as written for the request's fill.
 */
export function bindTemplate(template: string, values: ReadonlyMap<string, unknown>): string {
  if (values.size === 0) return template;
  return template.replace(PLACEHOLDER, (match, raw: string | undefined) =>
    raw !== undefined && values.has(raw.trim()) ? String(values.get(raw.trim())).replace(/[{}]/g, "$&$&") : match,
  );
}

/** Placeholders in every string inside `value` (params, json bodies). */
export function placeholdersDeep(value: unknown): string[] {
  if (typeof value === "string") return placeholdersIn(value);
  if (Array.isArray(value)) return value.flatMap(placeholdersDeep);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(placeholdersDeep);
  return [];
}

/**
 * Fills placeholders in `template`. A template that is exactly one placeholder
 * keeps the value's type (for JSON bodies); otherwise values are stringified,
 * through `encode` when given (paths: pass `encodeURIComponent`, so that a value
 * such as `../admin` stays inside its segment).
 */
export function fillTemplate(
  template: string,
  values: ReadonlyMap<string, unknown>,
  encode?: (s: string) => string,
): unknown {
  const whole = /^\{([^{}]+)\}$/.exec(template);
  if (whole && !encode) {
    const key = whole[1]!.trim();
    if (values.has(key)) return values.get(key);
  }
  const filled = template.replace(PLACEHOLDER, (match, raw: string | undefined) => {
    if (raw === undefined) return match[0]!;
    const key = raw.trim();
    if (!values.has(key)) return match;
    const text = stringify(values.get(key));
    if (!encode) return text;
    try {
      return encode(text);
    } catch {
      // encodeURIComponent throws on a lone surrogate: nothing can carry it in a URL.
      throw new RestsyncError(
        "record_invalid",
        `a parent value for {${key}} in "${template}" is not valid Unicode, so it cannot be put in a URL`,
      );
    }
  });
  // Only a path with a dot in it (or its %2e spelling) can hold a dot segment.
  if (encode && (filled.includes(".") || /%2e/i.test(filled))) checkSegments(template, filled);
  return filled;
}

/** `.`, `..` and their %2e spellings: URL parsers remove them, moving the request to another path. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * No encoding keeps a value of `.` or `..` in its segment (`%2E%2E` is a dot
 * segment too), so a filled path segment that became one is refused rather than
 * sent to the parent path.
 */
function checkSegments(template: string, filled: string): void {
  const pathOf = (url: string) => url.split(/[?#]/, 1)[0]!.split("/");
  const written = pathOf(template);
  const segments = pathOf(filled);
  segments.forEach((segment, i) => {
    // Segments line up unless `encode` let a "/" through; then any dot segment the template lacks counts.
    const own = segments.length === written.length ? written[i] === segment : written.includes(segment);
    if (DOT_SEGMENT.test(segment) && !own) {
      throw new RestsyncError(
        "record_invalid",
        `a parent value makes the path segment "${segment}" in "${template}": URLs cannot carry it, so the request is not sent`,
      );
    }
  });
}

/** Fills placeholders in every string inside `value`. */
export function fillDeep<T>(value: T, values: ReadonlyMap<string, unknown>): T {
  if (typeof value === "string") return fillTemplate(value, values) as T;
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, values)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, fillDeep(item, values));
    return out as T;
  }
  return value;
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** English plural of a singular noun, as resource names are spelt: category → categories, story → stories. */
export function plural(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}
