import { findFirst } from "../_jsonpath";
import { RestsyncError } from "../errors";

/**
 * A value a paginator reads is missing from a page or is not what it must be (dlt raises ValueError).
 * The chain turns it into a `response_invalid` ResponseError naming the resource and the page's URL.
 */
export class PageValueError extends RestsyncError {
  constructor(message: string) {
    super("response_invalid", message);
  }
}

const shown = (value: unknown): string => (JSON.stringify(value) ?? String(value)).slice(0, 100);

/** The total at `path`, read as dlt's `int(total)`: an integer, a float (cut), a boolean, or a string of an integer. */
export function totalAt(body: unknown, path: string): number {
  const value = findFirst(body, path);
  if (value === undefined || value === null)
    throw new PageValueError(
      `total_path "${path}" is not in the response (set total_path: null when the API gives no total)`,
    );
  const n =
    typeof value === "number" || typeof value === "boolean"
      ? Number(value)
      : typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(n)) throw new PageValueError(`total_path "${path}" is not an integer: ${shown(value)}`);
  return Math.trunc(n);
}

const TRUE = ["yes", "true", "t", "y", "1"];
const FALSE = ["no", "false", "f", "n", "0"];

/** The flag at `path`, read as dlt reads it: a boolean, or a string dlt's str2bool takes ("true", "no", "1"…). */
export function hasMoreAt(body: unknown, path: string): boolean {
  const value = findFirst(body, path);
  if (value === undefined || value === null) throw new PageValueError(`has_more_path "${path}" is not in the response`);
  if (typeof value === "boolean") return value;
  const word = typeof value === "string" ? value.toLowerCase() : undefined;
  if (word !== undefined && TRUE.includes(word)) return true;
  if (word !== undefined && FALSE.includes(word)) return false;
  throw new PageValueError(`has_more_path "${path}" is not a boolean: ${shown(value)}`);
}
