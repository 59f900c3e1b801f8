/**
 * Timestamps read as instants, independent of the machine's time zone and
 * without losing digits: `Date.parse` reads a naive date-time as local time and
 * keeps milliseconds only. Accepted: ISO 8601 / RFC 3339 date-times with `T`, `t`
 * or a space, any number of fraction digits, `Z`/`z`/` UTC`/` GMT` or an offset
 * `±HH`, `±HHMM`, `±HH:MM` (Postgres also writes `±HH:MM:SS`); a bare date;
 * and RFC 2822 / HTTP dates. A date-time without a zone is UTC.
 */

/** How a timestamp was written, so that a value derived from it (lag, cap) reads the same way to the API. */
interface Form {
  /** "iso" date-time, bare "date", or "rfc" (RFC 2822 / HTTP date). */
  kind: "iso" | "date" | "rfc";
  /** Separator between date and time (iso). */
  sep: string;
  /** The zone as written, leading space included ("" when naive). */
  zone: string;
  /** Offset east of UTC, seconds. */
  offset: number;
  /** Fraction digits as written. */
  digits: number;
}

/** An instant: whole seconds since the epoch and the fraction's digits, trailing zeros dropped. */
export interface Timestamp {
  seconds: number;
  fraction: string;
  form: Form;
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:([Tt ])(\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?( ?(?:[Zz]|UTC|GMT|([+-])(\d\d)(?::?(\d\d)(?::(\d\d))?)?))?)?$/;
const RFC = /^(?:[A-Za-z]{3}, ?)?(\d\d?) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))?(?: (GMT|UTC?|Z|[ECMP][SD]T|[+-]\d{4}))?$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** RFC 2822's obsolete US zones, hours east of UTC. */
const US_ZONES: Record<string, number> = { E: -5, C: -6, M: -7, P: -8 };
const NAIVE: Form = { kind: "iso", sep: "T", zone: "", offset: 0, digits: 0 };
const UTC: Form = { ...NAIVE, zone: "Z" };

/** The instant `text` names, or undefined when it is no timestamp this module reads. */
export function parseTimestamp(text: string): Timestamp | undefined {
  const m = ISO.exec(text);
  if (m) {
    const [, y, mo, d, sep, h, mi, s, frac = "", zone = "", sign, oh = "0", om = "0", os = "0"] = m;
    const days = dayNumber(+y!, +mo!, +d!);
    if (days === undefined || (h !== undefined && !validTime(+h, +mi!, +(s ?? 0)))) return undefined;
    const offset = sign ? (sign === "-" ? -1 : 1) * (+oh * 3600 + +om * 60 + +os) : 0;
    if (Math.abs(offset) >= 86_400) return undefined;
    const seconds = days * 86_400 + (h === undefined ? 0 : +h * 3600 + +mi! * 60 + +(s ?? 0)) - offset;
    const form: Form = h === undefined ? { ...NAIVE, kind: "date" } : { kind: "iso", sep: sep!, zone, offset, digits: frac.length };
    return { seconds, fraction: trimZeros(frac), form };
  }
  const r = text.length > 12 && text.length < 40 ? RFC.exec(text) : null;
  if (!r) return undefined;
  const [, d, mon, y, h, mi, s = "0", zone = ""] = r;
  const month = MONTHS.indexOf(mon!.toLowerCase()) + 1;
  const days = month > 0 ? dayNumber(+y!, month, +d!) : undefined;
  if (days === undefined || !validTime(+h!, +mi!, +s)) return undefined;
  const offset = zoneOffset(zone);
  return { seconds: days * 86_400 + +h! * 3600 + +mi! * 60 + +s - offset, fraction: "", form: { kind: "rfc", sep: " ", zone, offset, digits: 0 } };
}

/** Orders two instants: seconds, then the fraction digit by digit. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds - b.seconds;
  return a.fraction < b.fraction ? -1 : a.fraction > b.fraction ? 1 : 0;
}

/** The instant `ms` (epoch milliseconds) as a timestamp in the UTC ISO form. */
export function fromMillis(ms: number): Timestamp {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  return { seconds, fraction: trimZeros(String(whole - seconds * 1000).padStart(3, "0")), form: { ...UTC, digits: 3 } };
}

/** `t` moved back by `lag` seconds (any decimal), exactly. */
export function minusSeconds(t: Timestamp, lag: number): Timestamp {
  const [whole = "0", frac = ""] = decimal(lag).split(".");
  const scale = Math.max(t.fraction.length, frac.length);
  const unit = 10n ** BigInt(scale);
  const total = BigInt(t.seconds) * unit + BigInt(t.fraction.padEnd(scale, "0") || "0") - (BigInt(whole) * unit + BigInt(frac.padEnd(scale, "0") || "0"));
  const seconds = total >= 0n ? total / unit : -((-total + unit - 1n) / unit);
  const fraction = scale === 0 ? "" : trimZeros(String(total - seconds * unit).padStart(scale, "0"));
  return { seconds: Number(seconds), fraction, form: t.form };
}

/**
 * The instant `at` written in the form of `like`: same separator, zone and at
 * least as many fraction digits. A bare date becomes a UTC date-time; an RFC
 * 2822 / HTTP date keeps whole seconds (earlier, never later, than `at`).
 */
export function formatLike(like: Timestamp, at: Timestamp): string {
  const form = like.form.kind === "date" ? UTC : like.form;
  const wall = new Date((at.seconds + form.offset) * 1000);
  if (form.kind === "rfc") return `${wall.toUTCString().slice(0, -4)} ${form.zone || "GMT"}`;
  const iso = wall.toISOString();
  const digits = Math.max(form.digits, at.fraction.length);
  return `${iso.slice(0, 10)}${form.sep}${iso.slice(11, 19)}${digits > 0 ? `.${at.fraction.padEnd(digits, "0")}` : ""}${form.zone}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date, or undefined when there is no such day. */
function dayNumber(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
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
const validTime = (h: number, mi: number, s: number) => (h < 24 && mi < 60 && s <= 60) || (h === 24 && mi === 0 && s === 0);

function zoneOffset(zone: string): number {
  if (zone[0] === "+" || zone[0] === "-") return (zone[0] === "-" ? -1 : 1) * (+zone.slice(1, 3) * 3600 + +zone.slice(3, 5) * 60);
  const us = US_ZONES[zone[0]!];
  return us === undefined || zone.length !== 3 ? 0 : (us + (zone[1] === "D" ? 1 : 0)) * 3600;
}

const trimZeros = (digits: string) => (digits.endsWith("0") ? digits.replace(/0+$/, "") : digits);

/** A non-negative number's plain decimal digits (no exponent). */
function decimal(n: number): string {
  const text = String(n);
  return text.includes("e") ? n.toFixed(20).replace(/\.?0+$/, "") : text;
}
