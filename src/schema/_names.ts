/**
 * dlt's `snake_case` naming: the same identifiers dlt would give a field, so a
 * table restsync fills reads like the one dlt loads. Facts taken from dlt
 * (`normalizers/naming/snake_case.py`): `+-*@|` become `x_xal`, anything else
 * outside `[a-zA-Z0-9_]` an underscore; camelCase breaks into words; lower case;
 * a leading digit gets `_` before it; trailing underscores become `x`; runs of
 * underscores collapse to one (so `__`, the path separator, never appears inside
 * a name). An empty name is `_empty`. Our own: a name longer than
 * {@link MAX_IDENTIFIER} keeps its two ends around a hash tag of the whole path.
 */

/** Longest identifier (table or column name) restsync produces; longer ones are shortened with a hash tag. */
export const MAX_IDENTIFIER = 64;

const REDUCE: Record<string, string> = { "+": "x", "-": "_", "*": "x", "@": "a", "|": "l" };
const cache = new Map<string, string>();

/** One field or resource name in dlt's snake_case (not shortened: paths are shortened whole). */
export function snakeCase(raw: string): string {
  const hit = cache.get(raw);
  if (hit !== undefined) return hit;
  let name = raw
    .trim()
    .replace(/[+\-*@|]/g, (c) => REDUCE[c]!)
    .replace(/[^a-zA-Z\d_]+/g, "_")
    .replace(/([^_])([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
  if (/^\d/.test(name)) name = `_${name}`;
  const stripped = name.replace(/_+$/, "");
  name = stripped + "x".repeat(name.length - stripped.length);
  name = name.replace(/__+/g, "_");
  if (name === "") name = "_empty";
  if (cache.size < 10_000) cache.set(raw, name);
  return name;
}

/** Joins normalised fragments with dlt's `__` and shortens the result to {@link MAX_IDENTIFIER}. */
export function joinPath(...fragments: string[]): string {
  return shorten(fragments.join("__"));
}

/** `name` if short enough, else its two ends around an 8-character tag of the whole name. */
export function shorten(name: string, max = MAX_IDENTIFIER): string {
  if (name.length <= max) return name;
  const tag = hashTag(name);
  const keep = max - tag.length;
  return name.slice(0, Math.ceil(keep / 2)) + tag + name.slice(name.length - Math.floor(keep / 2));
}

/** FNV-1a (two 32-bit lanes) in base 36: deterministic everywhere, no async crypto needed. */
function hashTag(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x0100019d) >>> 0;
  }
  return (a.toString(36) + b.toString(36)).slice(0, 8).padStart(8, "0");
}

/**
 * The names taken in one table. A name already taken (two fields that normalise
 * alike, `userName` and `user_name`) gets `_2`, `_3`… in the order the fields
 * first appeared; the schema keeps who has which, so later runs agree.
 */
export class NameSpace {
  readonly #taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.#taken.add(name);
  }

  /** Marks a name (read back from a saved schema) as taken. */
  take(name: string): void {
    this.#taken.add(name);
  }

  /** A free name for `wanted` (already shortened), taking it. */
  claim(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.#taken.has(name); n++) name = `${shorten(wanted, MAX_IDENTIFIER - `_${n}`.length)}_${n}`;
    this.#taken.add(name);
    return name;
  }
}
