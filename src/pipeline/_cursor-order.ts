import { compareTimestamps, formatLike, fromMillis, minusSeconds, parseTimestamp, type Timestamp } from "./_timestamp";

/** A cursor value as records carry it: a timestamp or other string, or a number. */
import type { CursorValue } from "./state";

export type { CursorValue };

/** A decimal number's sign and digits, without leading zeros (integer part) or trailing ones (fraction). */
interface Decimal {
  negative: boolean;
  int: string;
  frac: string;
}

/**
 * A cursor value read once for ordering: a timestamp (an instant), a number
 * (numbers, integer and decimal strings: exact at any size), or text.
 */
export type CursorOrder =
  | { kind: "time"; raw: string; time: Timestamp }
  | { kind: "number"; raw: CursorValue; small: number | undefined; decimal: Decimal | undefined }
  | { kind: "text"; raw: string };

const DECIMAL = /^(-?)0*(\d*?)(?:\.(\d*?)0*)?$/;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
/** Integers of up to 15 digits are exact as doubles: compared without building a decimal. */
const SMALL_INT = /^-?\d{1,15}$/;

/** Reads `value` for ordering; see {@link compareOrder}. */
export function cursorOrder(value: CursorValue): CursorOrder {
  if (typeof value === "number")
    return Number.isFinite(value)
      ? { kind: "number", raw: value, small: value, decimal: undefined }
      : { kind: "text", raw: String(value) };
  const time = parseTimestamp(value);
  if (time) return { kind: "time", raw: value, time };
  if (SMALL_INT.test(value)) return { kind: "number", raw: value, small: Number(value), decimal: undefined };
  if (NUMERIC.test(value)) return { kind: "number", raw: value, small: undefined, decimal: decimalOf(value) };
  return { kind: "text", raw: value };
}

/**
 * Orders two cursor values read by {@link cursorOrder}: timestamps as instants
 * (whatever their zone or form, to every fraction digit), numbers by value
 * (integers past 2^53 and decimal strings exactly), anything else, or values of
 * different kinds, as text by code unit.
 */
export function compareOrder(a: CursorOrder, b: CursorOrder): number {
  if (a.kind === "time" && b.kind === "time") return compareTimestamps(a.time, b.time);
  if (a.kind === "number" && b.kind === "number") {
    // Two doubles, or a double and an integer a double holds exactly: the doubles' order is exact.
    if (a.small !== undefined && b.small !== undefined) return a.small - b.small;
    return compareDecimals((a.decimal ??= decimalOf(a.raw)), (b.decimal ??= decimalOf(b.raw)));
  }
  const x = String(a.raw);
  const y = String(b.raw);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders cursor values: see {@link compareOrder}. */
export function compareCursor(a: CursorValue, b: CursorValue): number {
  return compareOrder(cursorOrder(a), cursorOrder(b));
}

/**
 * `value` moved back by `lag`: seconds for timestamps (written in the value's own
 * form and zone), units for numbers (integer and decimal strings exactly).
 * Text is returned unchanged.
 */
export function lagged(value: CursorValue, lag: number | undefined): CursorValue {
  if (!lag) return value;
  const order = cursorOrder(value);
  if (order.kind === "time") return formatLike(order.time, minusSeconds(order.time, lag));
  if (order.kind !== "number") return value;
  if (typeof value === "number") return value - lag;
  return formatDecimal(subtract((order.decimal ??= decimalOf(value)), decimalOf(lag)));
}

/**
 * A timestamp cursor capped at `notAfter` (epoch ms) when it is later, written
 * in the cursor's own form; undefined when it is no later, or no timestamp.
 */
export function cappedAt(order: CursorOrder, notAfter: number): string | undefined {
  if (order.kind !== "time") return undefined;
  const cap = fromMillis(notAfter);
  return compareTimestamps(order.time, cap) > 0 ? formatLike(order.time, cap) : undefined;
}

function decimalOf(value: CursorValue): Decimal {
  let text: string;
  if (typeof value === "string") text = value;
  else if (Number.isInteger(value)) text = BigInt(value).toString();
  else text = plain(String(value));
  const [, sign = "", int = "", frac = ""] = DECIMAL.exec(text)!;
  return { negative: sign === "-" && (int !== "" || frac !== ""), int, frac };
}

/** A number's shortest round-trip spelling without its exponent ("1.5e-7" → "0.00000015"). */
function plain(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, int, frac = "", exp] = m;
  const digits = int! + frac;
  const point = int!.length + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function compareDecimals(a: Decimal, b: Decimal): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const magnitude =
    a.int.length !== b.int.length
      ? a.int.length - b.int.length
      : a.int !== b.int
        ? a.int < b.int
          ? -1
          : 1
        : a.frac < b.frac
          ? -1
          : a.frac > b.frac
            ? 1
            : 0;
  return a.negative ? -magnitude : magnitude;
}

/** a − b, exactly. */
function subtract(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.frac.length, b.frac.length);
  const scaled = (d: Decimal) => (d.negative ? -1n : 1n) * BigInt(`${d.int}${d.frac.padEnd(scale, "0")}` || "0");
  const difference = scaled(a) - scaled(b);
  const digits = (difference < 0n ? -difference : difference).toString().padStart(scale + 1, "0");
  return decimalOf(
    `${difference < 0n ? "-" : ""}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`,
  );
}

const formatDecimal = (d: Decimal) => `${d.negative ? "-" : ""}${d.int || "0"}${d.frac ? `.${d.frac}` : ""}`;
