import { RestsyncError } from "./errors";
/**
 * The JSONPath dlt configs use, read as dlt's jsonpath_ng (ext) reads it: `$`, dotted and
 * bracketed names, `*` / `[*]` wildcards, (negative) indices and `[start:end]` slices,
 * recursive descent (`$..items`, `..*`) and filters on list items: `[?(@.active)]`
 * (the field exists), `[?(@.n >= 5 & @.kind == "x")]` (`==`/`=`, `!=`, `<`, `<=`, `>`, `>=`
 * against a number, a quoted string, true, false or null; `&`/`&&` for "and"). Anything
 * else is refused at config time so a typo never silently selects nothing.
 */
export type PathStep =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "descend" }
  | { kind: "slice"; start: number | undefined; end: number | undefined }
  | { kind: "filter"; test: (node: unknown) => boolean };

const cache = new Map<string, PathStep[]>();

/** Parses `expr`; throws a {@link JsonPathError} with a readable message when it is not in the subset. */
export function parsePath(expr: string): PathStep[] {
  const cached = cache.get(expr);
  if (cached) return cached;
  const steps: PathStep[] = [];
  let i = 0;
  const src = expr.trim();
  if (src === "") throw new JsonPathError("empty path");
  if (src[0] === "$") i = 1;
  const fail = (what: string) => new JsonPathError(`${what} in "${expr}"`);
  const readName = () => {
    const start = i;
    while (i < src.length && src[i] !== "." && src[i] !== "[") i++;
    if (i === start) throw fail(`expected a name at position ${start}`);
    const name = src.slice(start, i);
    steps.push(name === "*" ? { kind: "wildcard" } : { kind: "name", name });
  };
  if (i === 0 && src[0] !== "[" && src[0] !== ".") readName();
  while (i < src.length) {
    const ch = src[i];
    if (ch === ".") {
      i++;
      if (src[i] === ".") {
        i++;
        steps.push({ kind: "descend" });
        if (src[i] === "[") continue;
      }
      readName();
    } else if (ch === "[") {
      const close = findClose(src, i, fail);
      steps.push(bracket(src.slice(i + 1, close).trim(), fail));
      i = close + 1;
    } else {
      throw fail(`unexpected "${ch}" at position ${i}`);
    }
  }
  cache.set(expr, steps);
  return steps;
}

const int = (text: string) => (text.trim() === "" ? undefined : Number(text));

function bracket(inner: string, fail: (what: string) => JsonPathError): PathStep {
  if (inner === "*") return { kind: "wildcard" };
  if (/^-?\d+$/.test(inner)) return { kind: "index", index: Number(inner) };
  if (/^(['"]).*\1$/s.test(inner)) return { kind: "name", name: inner.slice(1, -1) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice) return { kind: "slice", start: int(slice[1]!), end: int(slice[2]!) };
  if (inner[0] === "?") return { kind: "filter", test: filter(inner.slice(1).trim(), fail) };
  throw fail(`unsupported selector [${inner}] (unions, slice steps and script expressions are not supported)`);
}

/** The closing `]` of the bracket at `open`, past quoted text and nested brackets. */
function findClose(src: string, open: number, fail: (what: string) => JsonPathError): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = open; j < src.length; j++) {
    const ch = src[j]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "[") depth++;
    else if (ch === "]" && --depth === 0) return j;
  }
  throw fail("unterminated bracket");
}

const CONDITION =
  /^(@[\w.$[\]'"*-]*|[A-Za-z_][\w.]*)\s*(?:(==|=|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?|'[^']*'|"[^"]*"|true|false|null))?$/;

/** A filter's test on one list item: every `&`-joined condition holds. */
function filter(body: string, fail: (what: string) => JsonPathError): (node: unknown) => boolean {
  const text = body[0] === "(" && body.endsWith(")") ? body.slice(1, -1) : body;
  const tests = text.split(/&&?(?=(?:[^'"]|'[^']*'|"[^"]*")*$)/).map((part) => {
    const match = CONDITION.exec(part.trim());
    if (!match)
      throw fail(
        `unsupported filter [?${body}]: write @.field (it exists) or @.field <op> value with ==, !=, <, <=, >, >= and a number, quoted string, true, false or null, joined by & (no ||, !, =~ or functions)`,
      );
    const [, target, op, raw] = match;
    const path = target![0] === "@" ? `$${target!.slice(1)}` : `$.${target}`;
    parsePath(path);
    if (!op) return (node: unknown) => findAll(node, path).length > 0;
    const literal: unknown = /^['"]/.test(raw!) ? raw!.slice(1, -1) : JSON.parse(raw!);
    // As jsonpath_ng: against an integer literal the value is read as an integer ("5" matches 5).
    const asInt = typeof literal === "number" && !raw!.includes(".");
    return (node: unknown) =>
      findAll(node, path).some((found) => {
        const value = asInt ? toInt(found) : found;
        return value !== undefined && compare(value, op, literal);
      });
  });
  return (node) => tests.every((test) => test(node));
}

function toInt(value: unknown): number | undefined {
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "number") return Math.trunc(value);
  return typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : undefined;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === "==" || op === "=") return a === b;
  if (op === "!=") return a !== b;
  // Orders only within one type: a number is never less than a string.
  if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "string")) return false;
  const [x, y] = [a as number, b as number];
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
}

/** Every value `expr` matches in `root`, in document order. */
export function findAll(root: unknown, expr: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of parsePath(expr)) {
    const next: unknown[] = [];
    for (const node of current) {
      if (step.kind === "name") {
        if (isObject(node) && Object.hasOwn(node, step.name)) next.push(node[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(node)) {
          const index = step.index < 0 ? node.length + step.index : step.index;
          if (index >= 0 && index < node.length) next.push(node[index]);
        }
      } else if (step.kind === "slice") {
        if (Array.isArray(node)) next.push(...node.slice(step.start, step.end));
      } else if (step.kind === "filter") {
        if (Array.isArray(node)) next.push(...node.filter(step.test));
      } else if (step.kind === "descend") {
        descend(node, next);
      } else if (Array.isArray(node)) {
        next.push(...node);
      } else if (isObject(node)) {
        next.push(...Object.values(node));
      }
    }
    current = next;
  }
  return current;
}

/** `node` and everything below it, depth first (the step after `..` applies to each). */
function descend(node: unknown, out: unknown[]): void {
  out.push(node);
  if (Array.isArray(node)) for (const item of node) descend(item, out);
  else if (isObject(node)) for (const value of Object.values(node)) descend(value, out);
}

/**
 * The first value `expr` matches, or `undefined`. Paths of names and indices
 * match at most one value: those are walked directly, with no arrays built
 * (this runs for every record's cursor).
 */
export function findFirst(root: unknown, expr: string): unknown {
  const steps = parsePath(expr);
  let node = root;
  for (const step of steps) {
    if (step.kind === "name") {
      if (!isObject(node) || !Object.hasOwn(node, step.name)) return undefined;
      node = node[step.name];
    } else if (step.kind === "index") {
      if (!Array.isArray(node)) return undefined;
      const index = step.index < 0 ? node.length + step.index : step.index;
      if (index < 0 || index >= node.length) return undefined;
      node = node[index];
    } else return findAll(root, expr)[0];
  }
  return node;
}

/** True when `expr` can match more than one value. */
export function isMultiPath(expr: string): boolean {
  return parsePath(expr).some((step) => step.kind !== "name" && step.kind !== "index");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSONPath restsync cannot read; config validation turns it into an issue at its config path. */
export class JsonPathError extends RestsyncError {
  constructor(message: string) {
    super("config_invalid", message);
  }
}
