import type * as v from "valibot";
import { isPlainObject } from "../_objects";
import type { ConfigIssue } from "../errors";
import { isSecretRef } from "../secrets";

type AnySchema = v.GenericSchema & {
  type: string;
  entries?: Record<string, AnySchema>;
  wrapped?: AnySchema;
  item?: AnySchema;
  value?: AnySchema;
  key?: AnySchema | string;
  options?: AnySchema[];
};

/** `resources[6].endpoint.paginator.type` from a valibot issue path. */
export function formatPath(path: readonly (string | number)[], base = ""): string {
  let out = base;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function issuePath(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((item) => item.key as string | number);
}

/** Flattens valibot issues into ConfigIssues, preferring the most specific branch of a union. */
export function toConfigIssues(issues: readonly v.BaseIssue<unknown>[], base = ""): ConfigIssue[] {
  return dedupe(flatten(issues, [], base));
}

function flatten(issues: readonly v.BaseIssue<unknown>[], prefix: (string | number)[], base: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issuePath(issue)];
    // Union branches report paths relative to the union's input; the branch that got past the top is the one the user meant.
    const deeper = issue.type === "union" ? (issue.issues ?? []).filter((sub) => (sub.path?.length ?? 0) > 0) : [];
    if (deeper.length > 0) {
      out.push(...flatten(deeper, path, base));
      continue;
    }
    out.push({ path: formatPath(path, base), message: messageOf(issue, path) });
  }
  return out;
}

function messageOf(issue: v.BaseIssue<unknown>, path: (string | number)[]): string {
  const key = path[path.length - 1];
  if (issue.kind === "schema" && issue.input === undefined && typeof key === "string" && issue.expected === `"${key}"`)
    return `"${key}" is required`;
  return issue.message;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every key in `input` that `schema` does not know, with a did-you-mean. */
export function unknownKeyIssues(
  schema: v.GenericSchema,
  input: unknown,
  path: (string | number)[] = [],
): ConfigIssue[] {
  if (isSecretRef(input)) return [];
  const s = schema as AnySchema;
  switch (s.type) {
    case "optional":
    case "nullable":
    case "nullish":
    case "exact_optional":
      return input === undefined || input === null ? [] : unknownKeyIssues(s.wrapped!, input, path);
    case "array":
      return Array.isArray(input) ? input.flatMap((item, i) => unknownKeyIssues(s.item!, item, [...path, i])) : [];
    case "record":
      return isPlainObject(input)
        ? Object.entries(input).flatMap(([k, item]) => unknownKeyIssues(s.value!, item, [...path, k]))
        : [];
    case "object":
      return objectIssues(s, input, path);
    case "variant": {
      if (!isPlainObject(input)) return [];
      // A variant's tag is a one-name picklist (see _schema.ts).
      const option = s.options!.find((o) =>
        (o.entries?.[s.key as string]?.options as unknown[] | undefined)?.includes(input[s.key as string]),
      );
      return option ? unknownKeyIssues(option, input, path) : [];
    }
    case "union": {
      // An object a `v.custom` option takes (a CustomAuth, a paginator instance) is the user's own: its keys are its business.
      if (s.options!.some((o) => o.type === "custom" && (o as { check?: (x: unknown) => boolean }).check?.(input)))
        return [];
      const candidates = s.options!.filter((o) => accepts(o, input));
      if (candidates.length === 0) return [];
      const scored = candidates.map((o) => unknownKeyIssues(o, input, path));
      return scored.reduce((best, next) => (next.length < best.length ? next : best));
    }
    default:
      return [];
  }
}

/** Whether `schema` is a candidate for `input` by shape (object vs. scalar), ignoring contents. */
function accepts(schema: AnySchema, input: unknown): boolean {
  const type = schema.type;
  if (type === "optional" || type === "nullable" || type === "nullish") return accepts(schema.wrapped!, input);
  if (type === "object" || type === "variant" || type === "record") return isPlainObject(input);
  if (type === "array") return Array.isArray(input);
  return false;
}

function objectIssues(schema: AnySchema, input: unknown, path: (string | number)[]): ConfigIssue[] {
  if (!isPlainObject(input)) return [];
  const entries = schema.entries!;
  const known = Object.keys(entries);
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(input)) {
    const entry = entries[key];
    if (!Object.hasOwn(entries, key) || !entry) {
      const suggestion = closest(key, known);
      issues.push({
        path: formatPath([...path, key]),
        message: `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ` (expected one of ${known.join(", ")})`}`,
      });
    } else {
      issues.push(...unknownKeyIssues(entry, value, [...path, key]));
    }
  }
  return issues;
}

/** The candidate nearest to `word` by edit distance, if near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
