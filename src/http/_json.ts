/**
 * JSON.parse that keeps the digits of integers beyond ±(2^53 − 1): such an
 * integer literal (no fraction, no exponent) becomes a string of exactly the
 * digits the API sent, so snowflake ids stay distinct and big numeric cursors
 * keep their order. Everything else parses as JSON.parse parses it.
 */
export function parseJson(text: string): unknown {
  // A safe integer has at most 16 digits: bodies without a run of 16 digits take the native path alone.
  return JSON.parse(LONG_DIGITS.test(text) ? quoteUnsafeIntegers(text) : text);
}

/**
 * Sixteen digits in a row. Spelt out, not `\d{16}`: V8 then skips through the text
 * by the sequence's length (measured on the seed sync's bodies: 2 ms per 7 MB,
 * against 9 ms for `\d{16}` and 15 ms for JSON.parse itself).
 */
const LONG_DIGITS = /\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d/;
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);

/** `text` with every unsafe integer literal outside strings wrapped in quotes. Invalid JSON stays invalid. */
export function quoteUnsafeIntegers(text: string): string {
  let out = "";
  let copied = 0;
  const end = text.length;
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
    } else if (c === MINUS || isDigit(c)) {
      const start = i;
      const first = c === MINUS ? i + 1 : i;
      i = first;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      if (next === DOT || next === LOWER_E || next === UPPER_E) {
        // A fraction or an exponent: a JSON number, parsed natively; skip the rest of it.
        i++;
        while (i < end && isNumberChar(text.charCodeAt(i))) i++;
      } else if (isUnsafe(text, first, i)) {
        out += `${text.slice(copied, start)}"${text.slice(start, i)}"`;
        copied = i;
      }
    } else {
      i++;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Index just past the string literal opening at `open` (or the end of text when unterminated). */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
  return text.length;
}

/** Digits `text[from, to)` spell an integer past Number.MAX_SAFE_INTEGER (a leading zero is invalid JSON: left alone). */
function isUnsafe(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length < MAX_SAFE.length || text.charCodeAt(from) === ZERO) return false;
  return length > MAX_SAFE.length || text.slice(from, to) > MAX_SAFE;
}

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;
const isDigit = (c: number) => c >= ZERO && c <= 57;
const isNumberChar = (c: number) =>
  isDigit(c) || c === DOT || c === LOWER_E || c === UPPER_E || c === MINUS || c === PLUS;
