/**
 * Timestamps read as instants, independent of the machine's time zone and
 * without losing digits: `Date.parse` reads a naive date-time as local time and
 * keeps milliseconds only. Accepted: ISO 8601 / RFC 3339 date-times with `T`, `t`
 * or a space, any number of fraction digits, `Z`/`z`/` UTC`/` GMT` or an offset
 * `±HH`, `±HHMM`, `±HH:MM` (Postgres also writes `±HH:MM:SS`); a bare date;
 * and RFC 2822 / HTTP dates. A date-time without a zone, and a bare date, are UTC.
 */

/** An instant, and how it was written so that a value derived from it (lag, cap) reads the same way to the API. */
export interface Timestamp {
  /** Whole seconds since the epoch. */
  seconds: number;
  /** The fraction's digits, trailing zeros dropped. */
  fraction: string;
  /** An ISO date-time, a bare date, or an RFC 2822 / HTTP date. */
  kind: "iso" | "date" | "rfc";
  /** Between date and time. */
  sep: string;
  /** The zone as written, a leading space included; "" when naive. */
  zone: string;
  /** Offset east of UTC, seconds. */
  offset: number;
  /** Fraction digits as written. */
  digits: number;
}

/** The instant `text` names, or undefined when it is no timestamp this module reads. */
export function parseTimestamp(text: string): Timestamp | undefined {
  return text.charCodeAt(4) === DASH ? readIso(text) : readRfc(text);
}

/** Orders two instants: seconds, then the fraction digit by digit. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds - b.seconds;
  return a.fraction < b.fraction ? -1 : a.fraction > b.fraction ? 1 : 0;
}

/** The instant `ms` (epoch milliseconds) as a UTC ISO timestamp. */
export function fromMillis(ms: number): Timestamp {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  return {
    seconds,
    fraction: trimZeros(String(whole - seconds * 1000).padStart(3, "0")),
    kind: "iso",
    sep: "T",
    zone: "Z",
    offset: 0,
    digits: 3,
  };
}

/** `t` moved back by `lag` seconds (any decimal), exactly. */
export function minusSeconds(t: Timestamp, lag: number): Timestamp {
  // A negative lag (last_value_func "min") moves forward: the sign applies to whole and fraction alike.
  const [whole = "0", frac = ""] = decimal(Math.abs(lag)).split(".");
  const scale = Math.max(t.fraction.length, frac.length);
  const unit = 10n ** BigInt(scale);
  const total =
    BigInt(t.seconds) * unit +
    BigInt(t.fraction.padEnd(scale, "0") || "0") -
    (lag < 0 ? -1n : 1n) * (BigInt(whole) * unit + BigInt(frac.padEnd(scale, "0") || "0"));
  const seconds = total >= 0n ? total / unit : -((-total + unit - 1n) / unit);
  const fraction = scale === 0 ? "" : trimZeros(String(total - seconds * unit).padStart(scale, "0"));
  return { ...t, seconds: Number(seconds), fraction };
}

/**
 * The instant `at` written the way `like` is: same separator, zone and at least
 * as many fraction digits. A bare date becomes a UTC date-time; an RFC 2822 /
 * HTTP date keeps whole seconds (earlier, never later, than `at`).
 */
export function formatLike(like: Timestamp, at: Timestamp): string {
  const wall = new Date((at.seconds + like.offset) * 1000);
  if (like.kind === "rfc") return `${wall.toUTCString().slice(0, -4)} ${like.zone || "GMT"}`;
  const iso = wall.toISOString();
  const digits = Math.max(like.digits, at.fraction.length);
  return `${iso.slice(0, 10)}${like.sep}${iso.slice(11, 19)}${digits > 0 ? `.${at.fraction.padEnd(digits, "0")}` : ""}${like.zone}`;
}

/** `YYYY-MM-DD`, then optionally `[Tt ]HH:MM[:SS[.fff…]]` and a zone. Read by hand: it is every record's cursor. */
function readIso(text: string): Timestamp | undefined {
  const days =
    text.charCodeAt(7) === DASH ? dayNumber(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2)) : undefined;
  if (days === undefined) return undefined;
  if (text.length === 10)
    return { seconds: days * 86_400, fraction: "", kind: "date", sep: "T", zone: "Z", offset: 0, digits: 0 };
  const sep = text[10]!;
  if ((sep !== "T" && sep !== "t" && sep !== " ") || text.charCodeAt(13) !== COLON) return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  let second = 0;
  let end = 16;
  let fraction = "";
  if (text.charCodeAt(16) === COLON) {
    second = digits(text, 17, 2);
    end = 19;
    const mark = text.charCodeAt(19);
    if (mark === DOT || mark === COMMA) {
      while (isDigit(text.charCodeAt(++end)));
      if (end === 20) return undefined;
      fraction = text.slice(20, end);
    }
  }
  if (!validTime(hour, minute, second)) return undefined;
  const zone = text.slice(end);
  const offset = zone === "" || zone === "Z" ? 0 : isoOffset(zone);
  if (offset === undefined) return undefined;
  return {
    seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset,
    fraction: trimZeros(fraction),
    kind: "iso",
    sep,
    zone,
    offset,
    digits: fraction.length,
  };
}

const ISO_ZONE = /^ ?(?:[Zz]|UTC|GMT|([+-])(\d\d)(?::?(\d\d)(?::(\d\d))?)?)$/;

function isoOffset(zone: string): number | undefined {
  const m = ISO_ZONE.exec(zone);
  if (!m) return undefined;
  if (!m[1]) return 0;
  const offset = +m[2]! * 3600 + +(m[3] ?? 0) * 60 + +(m[4] ?? 0);
  return offset >= 86_400 ? undefined : m[1] === "-" ? -offset : offset;
}

const RFC =
  /^(?:[A-Za-z]{3}, ?)?(\d\d?) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))?(?: (GMT|UTC?|Z|[ECMP][SD]T|[+-]\d{4}))?$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** RFC 2822's obsolete US zones, hours east of UTC in standard time. */
const US_ZONES: Record<string, number> = { E: -5, C: -6, M: -7, P: -8 };

/** `[Day, ]D Mon YYYY HH:MM[:SS] [zone]`, the zone GMT/UT/UTC/Z, a US one or ±HHMM (none: UTC). */
function readRfc(text: string): Timestamp | undefined {
  const m = text.length > 12 && text.length < 40 ? RFC.exec(text) : null;
  if (!m) return undefined;
  const [, d, mon, y, h, mi, s = "0", zone = ""] = m;
  const days = dayNumber(+y!, MONTHS.indexOf(mon!.toLowerCase()) + 1, +d!);
  if (days === undefined || !validTime(+h!, +mi!, +s)) return undefined;
  const us = US_ZONES[zone[0]!];
  const offset =
    zone[0] === "+" || zone[0] === "-"
      ? (zone[0] === "-" ? -1 : 1) * (+zone.slice(1, 3) * 3600 + +zone.slice(3, 5) * 60)
      : us !== undefined && zone.length === 3
        ? (us + (zone[1] === "D" ? 1 : 0)) * 3600
        : 0;
  return {
    seconds: days * 86_400 + +h! * 3600 + +mi! * 60 + +s - offset,
    fraction: "",
    kind: "rfc",
    sep: " ",
    zone,
    offset,
    digits: 0,
  };
}

/** Days since 1970-01-01 of a proleptic Gregorian date, or undefined when there is no such day. */
function dayNumber(year: number, month: number, day: number): number | undefined {
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  // Howard Hinnant's days_from_civil: exact for every year, unlike Date.UTC's 0–99 → 1900s.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** 24:00:00 ends a day; :60 is a leap second (read as the next second's start). */
const validTime = (h: number, mi: number, s: number) =>
  h >= 0 && mi >= 0 && s >= 0 && ((h < 24 && mi < 60 && s <= 60) || (h === 24 && mi === 0 && s === 0));

/** The number `count` ASCII digits at `from` spell, or -1 when one of them is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + c - 48;
  }
  return value;
}

const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const isDigit = (c: number) => c >= 48 && c <= 57;
const trimZeros = (digits: string) => (digits.endsWith("0") ? digits.replace(/0+$/, "") : digits);

/** A non-negative number's plain decimal digits (no exponent). */
function decimal(n: number): string {
  const text = String(n);
  return text.includes("e") ? n.toFixed(20).replace(/\.?0+$/, "") : text;
}
