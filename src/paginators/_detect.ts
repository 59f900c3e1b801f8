/**
 * What dlt's detector guesses when a config leaves it open: where a page's records are,
 * how pages follow one another, and which paths name a single entity.
 */

type Keys = readonly string[];

/** Body keys that hold a page's records when found at the end of a list's path (dlt's list). */
const RECORD_KEYS = new Set(
  "data items results entries records rows entities payload content objects values".split(" "),
);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => ["string", "number", "boolean"].includes(typeof value);

/** A path's keys as a JSONPath this module's engine reads (keys with dots or brackets quoted). */
export function pathOf(keys: Keys): string {
  return keys.length === 0
    ? "$"
    : `$${keys.map((key) => (/^[\w-]+$/.test(key) ? `.${key}` : key.includes("'") ? `["${key}"]` : `['${key}']`)).join("")}`;
}

/**
 * Where a body's records are, as dlt finds them: the first list (depth first, up to three keys
 * deep) whose key is a usual record key, else the first list, else the whole body (`$`).
 * Unlike dlt, a list of scalars (`tags: ["a"]`) is passed over: it cannot hold records.
 */
export function recordsPath(body: unknown): string {
  if (!isObject(body)) return "$";
  const lists: Keys[] = [];
  const walk = (node: Record<string, unknown>, path: Keys) => {
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(value)) {
        if (value.length === 0 || isObject(value[0])) lists.push([...path, key]);
      } else if (isObject(value) && path.length < 2) walk(value, [...path, key]);
    }
  };
  walk(body, []);
  return pathOf(lists.find((keys) => RECORD_KEYS.has(keys[keys.length - 1]!)) ?? lists[0] ?? []);
}

/** The first key starting with "next" (any case) holding a scalar, or a `{ href | url… }` object: its path and value. */
export function nextPath(node: unknown, path: Keys = []): { keys: Keys; value: unknown } | undefined {
  if (!isObject(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.toLowerCase().startsWith("next")) {
      if (isObject(value)) {
        for (const [inner, link] of Object.entries(value))
          if (/^(href|url)/.test(inner.toLowerCase()) && isScalar(link))
            return { keys: [...path, key, inner], value: link };
      } else if (isScalar(value)) return { keys: [...path, key], value };
    }
    const found = isObject(value) ? nextPath(value, [...path, key]) : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * A total page count (`total_pages`, `pages`, `totalPages`) readable as an integer, and the number of the
 * page that came with it when the same object says so (`page`, `current_page`, `page_number`).
 */
export function totalPagesPath(
  node: unknown,
  path: Keys = [],
): { keys: Keys; current: number | undefined } | undefined {
  if (!isObject(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (/^(total_?pages|pages)$/.test(key.toLowerCase()) && isScalar(value)) {
      if (!Number.isFinite(Number.parseInt(String(value), 10))) return undefined;
      const current = Object.entries(node).find(([name]) =>
        /^(current_?)?page(_?number)?$/.test(name.toLowerCase()),
      )?.[1];
      return { keys: [...path, key], current: Number.isInteger(current) ? (current as number) : undefined };
    }
    const found = isObject(value) ? totalPagesPath(value, [...path, key]) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** dlt's rule: a path whose last segment holds a `{placeholder}` returns one entity. */
export function isSingleEntityPath(path: string): boolean {
  const last = path.replace(/\/+$/, "").split("/").pop() ?? "";
  return /\{[\w.-]+\}/.test(last);
}
