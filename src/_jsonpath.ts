import { RestsyncError } from "./errors";
/**
 * The JSONPath subset dlt configs use: `$`, dotted and bracketed names,
 * `*` / `[*]` wildcards and (negative) indices. Anything else is rejected at
 * config time so a typo never silently selects nothing.
 */
export type PathStep = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" };

const cache = new Map<string, PathStep[]>();

/** Parses `expr`; throws a plain `Error` with a readable message when it is not in the subset. */
export function parsePath(expr: string): PathStep[] {
  const cached = cache.get(expr);
  if (cached) return cached;
  const steps: PathStep[] = [];
  let i = 0;
  const src = expr.trim();
  if (src === "") throw new JsonPathError("empty path");
  if (src[0] === "$") i = 1;
  const readName = (): string => {
    const start = i;
    while (i < src.length && src[i] !== "." && src[i] !== "[") i++;
    if (i === start) throw new JsonPathError(`expected a name at position ${start} in "${expr}"`);
    return src.slice(start, i);
  };
  let first = i === 0;
  while (i < src.length) {
    const ch = src[i];
    if (first) {
      first = false;
      if (ch !== "[") {
        const name = readName();
        steps.push(name === "*" ? { kind: "wildcard" } : { kind: "name", name });
        continue;
      }
    }
    if (ch === ".") {
      i++;
      if (src[i] === ".") throw new JsonPathError(`recursive descent ("..") is not supported in "${expr}"`);
      const name = readName();
      steps.push(name === "*" ? { kind: "wildcard" } : { kind: "name", name });
    } else if (ch === "[") {
      const close = findClose(src, i, expr);
      const inner = src.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === "*") steps.push({ kind: "wildcard" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^(['"]).*\1$/s.test(inner)) steps.push({ kind: "name", name: inner.slice(1, -1) });
      else throw new JsonPathError(`unsupported selector [${inner}] in "${expr}"`);
    } else {
      throw new JsonPathError(`unexpected "${ch}" at position ${i} in "${expr}"`);
    }
  }
  cache.set(expr, steps);
  return steps;
}

function findClose(src: string, open: number, expr: string): number {
  const quote = src[open + 1] === "'" || src[open + 1] === '"' ? src[open + 1] : undefined;
  if (quote) {
    const end = src.indexOf(quote, open + 2);
    if (end < 0 || src[end + 1] !== "]") throw new JsonPathError(`unterminated bracket in "${expr}"`);
    return end + 1;
  }
  const end = src.indexOf("]", open);
  if (end < 0) throw new JsonPathError(`unterminated bracket in "${expr}"`);
  return end;
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

/**
 * The first value `expr` matches, or `undefined`. Paths without a wildcard
 * match at most one value: those are walked directly, with no arrays built
 * (this runs for every record's cursor).
 */
export function findFirst(root: unknown, expr: string): unknown {
  const steps = parsePath(expr);
  let node = root;
  for (const step of steps) {
    if (step.kind === "wildcard") return findAll(root, expr)[0];
    if (step.kind === "name") {
      if (!isObject(node) || !Object.hasOwn(node, step.name)) return undefined;
      node = node[step.name];
    } else {
      if (!Array.isArray(node)) return undefined;
      const index = step.index < 0 ? node.length + step.index : step.index;
      if (index < 0 || index >= node.length) return undefined;
      node = node[index];
    }
  }
  return node;
}

/** True when `expr` can match more than one value. */
export function isMultiPath(expr: string): boolean {
  return parsePath(expr).some((step) => step.kind === "wildcard");
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
