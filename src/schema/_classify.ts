import { parseTimestamp } from "../pipeline/_timestamp";
import type { ColumnType } from "./types";

/**
 * The kind of a value, finer than its column type: SQL views pick a mixed field's
 * values by kind with the same rules (see `adapters/_sql`), so these stay simple
 * enough to write in SQL. 0 is no value (null, undefined, NaN, ±Infinity: JSON
 * stores those as null).
 */
export const Kind = {
  None: 0,
  Bool: 1,
  /** A number that JSON writes without a fraction or exponent. */
  Int: 2,
  Real: 3,
  Text: 4,
  /** A string starting `YYYY-MM-DD` or `Www, D` that the core's timestamp parser reads. */
  Time: 5,
  /** An integer past ±2^53−1 as the string of its digits (how the core's JSON parser keeps it). */
  BigText: 6,
  Object: 7,
  List: 8,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const ISO = /^\d{4}-\d\d-\d\d/;
const RFC = /^[A-Z][a-z][a-z], \d/;
const DIGITS = /^-?[1-9]\d{15,}$/;
const MAX_SAFE = "9007199254740991";

export function kindOf(value: unknown): Kind {
  switch (typeof value) {
    case "string":
      return stringKind(value);
    case "number":
      if (!Number.isFinite(value)) return Kind.None;
      return Number.isInteger(value) && Math.abs(value) < 1e21 ? Kind.Int : Kind.Real;
    case "boolean":
      return Kind.Bool;
    case "bigint":
      return Kind.BigText;
    case "object":
      return value === null ? Kind.None : Array.isArray(value) ? Kind.List : Kind.Object;
    default:
      return Kind.None;
  }
}

function stringKind(text: string): Kind {
  const first = text.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    if (ISO.test(text)) return parseTimestamp(text) ? Kind.Time : Kind.Text;
    return isBigDigits(text) ? Kind.BigText : Kind.Text;
  }
  if (first === 45) return isBigDigits(text) ? Kind.BigText : Kind.Text;
  if (first >= 65 && first <= 90 && RFC.test(text)) return parseTimestamp(text) ? Kind.Time : Kind.Text;
  return Kind.Text;
}

/** Digits of an integer beyond ±2^53−1 (no leading zero). */
function isBigDigits(text: string): boolean {
  if (!DIGITS.test(text)) return false;
  const digits = text.charCodeAt(0) === 45 ? text.slice(1) : text;
  return digits.length > 16 || digits > MAX_SAFE;
}

/** The column type a value of `kind` starts. */
export const TYPE_OF: readonly ColumnType[] = [
  "json",
  "bool",
  "bigint",
  "double",
  "text",
  "timestamp",
  "bigint",
  "json",
  "json",
];

const bit = (...kinds: Kind[]) => kinds.reduce<number>((mask, k) => mask | (1 << k), 0);

/** The kinds each column type takes: a value goes to the first column of its field that takes it, else starts a variant. */
export const ACCEPTS: Record<ColumnType, number> = {
  text: bit(Kind.Text, Kind.Time, Kind.BigText),
  timestamp: bit(Kind.Time),
  bigint: bit(Kind.Int, Kind.BigText),
  double: bit(Kind.Int, Kind.Real),
  bool: bit(Kind.Bool),
  json: bit(Kind.Bool, Kind.Int, Kind.Real, Kind.Text, Kind.Time, Kind.BigText, Kind.Object, Kind.List),
};
