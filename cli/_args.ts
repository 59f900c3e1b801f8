import { parseArgs } from "node:util";
import { UsageError } from "./_io";

/** The options a command takes, in `parseArgs`' terms. */
type Options = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** What `parseArgs` returns for `O`, spelt out (its own type cannot be named in declarations). */
type Values<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : O[K] extends { multiple: true } ? string[] : string;
} & {
  help?: boolean;
};

/** `parseArgs`, strict, with messages that name the command and suggest the option meant. */
export function parseCommandArgs<const O extends Options>(
  command: string,
  args: string[],
  options: O,
): { values: Values<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
    return { values: parsed.values as Values<O>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(describe(error as Error & { code?: string }, options, command), command);
  }
}

function describe(error: Error & { code?: string }, options: Options, command: string): string {
  const quoted = /'(-{1,2}[^'\s]+)/.exec(error.message)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const name = quoted.replace(/^-+/, "").split("=")[0]!;
    const near = closest(name, ["help", ...Object.keys(options)]);
    return `unknown option ${quoted} for "restsync ${command}"${near ? ` (did you mean --${near}?)` : ""}`;
  }
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = quoted.replace(/^-+/, "").split(/[\s=]/)[0]!;
    return options[name]?.type === "boolean" ? `option --${name} takes no value` : `option --${name} needs a value`;
  }
  return error.message;
}

/** The candidate within two edits of `word`, if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** Exactly `count` positionals, or a usage error naming what is missing or extra. */
export function positionals(
  command: string,
  given: string[],
  names: string[],
  optional = false,
): Array<string | undefined> {
  if (given.length > names.length)
    throw new UsageError(`unexpected argument "${given[names.length]}" for "restsync ${command}"`, command);
  if (!optional && given.length < names.length)
    throw new UsageError(
      `"restsync ${command}" needs ${names
        .slice(given.length)
        .map((n) => `<${n}>`)
        .join(" ")}`,
      command,
    );
  return names.map((_, i) => given[i]);
}

/** A positive integer option value. */
export function positiveInteger(
  command: string,
  option: string,
  value: string | undefined,
  min = 1,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `--${option} must be a ${min === 0 ? "non-negative" : "positive"} whole number, got "${value}"`,
      command,
    );
  }
  return n;
}

/** `a,b , c` → `["a", "b", "c"]`; undefined when the option was not given. */
export function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** `--max-pages`: a page count for every resource (`3`), or per resource (`epics=3,stories=1`). */
export function pageLimitArg(value: string | undefined): number | Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const refused = () =>
    new UsageError(
      `--max-pages must be a positive whole number or name=n pairs (epics=3,stories=1), got "${value}"`,
      "run",
    );
  if (/^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw refused();
    return n;
  }
  const limits: Record<string, number> = {};
  for (const pair of commaList(value) ?? []) {
    const match = /^([^=]+)=(\d+)$/.exec(pair);
    const n = Number(match?.[2]);
    if (!match || !Number.isSafeInteger(n) || n < 1) throw refused();
    Object.defineProperty(limits, match[1]!.trim(), { value: n, enumerable: true, writable: true, configurable: true });
  }
  if (Object.keys(limits).length === 0) throw refused();
  return limits;
}
