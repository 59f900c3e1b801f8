import { describe, expect, it } from "vitest";
import type { IncrementalConfig } from "../src/config/types";
import { type CursorValue, compareCursor, IncrementalFilter } from "../src/pipeline/_incremental";
import { inTimeZone, TEST_ZONES } from "./_helpers/time-zones";

const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);

/** [a, b, sign of compareCursor(a, b), why]: every row holds in every zone. */
const ORDER: Array<[CursorValue, CursorValue, -1 | 0 | 1, string]> = [
  // Naive date-times and dates are UTC, wherever the machine is.
  ["2024-01-01T10:00:00", "2024-01-01T09:30:00Z", 1, "naive is UTC, not local time"],
  ["2024-01-01T10:00:00", "2024-01-01T10:00:00Z", 0, "naive equals the same UTC time"],
  ["2024-01-01 10:00:00", "2024-01-01T10:00:00.000Z", 0, "space separator, naive"],
  ["2024-01-01T10:00", "2024-01-01T10:00:00Z", 0, "no seconds"],
  ["2024-01-01", "2024-01-01T00:00:00Z", 0, "a date is UTC midnight"],
  ["2024-01-01", "2023-12-31T23:59:59.999Z", 1, "a date after the previous day's last millisecond"],
  ["0001-01-01T00:00:00", "1901-01-01T00:00:00Z", -1, ".NET's DateTime.MinValue is year 1, not 1901"],
  ["2024-03-01t12:00:00z", "2024-03-01T12:00:00Z", 0, "lower-case t and z"],
  // Offsets in every spelling, Postgres text included.
  ["2024-10-27T01:15:00Z", "2024-10-27 02:15:00+01", 0, "Postgres +HH equals the same instant in Z"],
  ["2024-10-27 02:05:00+01", "2024-10-27 02:15:00+02", 1, "DST fall-back: later instant, smaller text"],
  ["2024-10-27 02:15:00.123456+05:30", "2024-10-26T20:45:00.123456Z", 0, "Postgres +HH:MM with microseconds"],
  ["2024-10-27 02:15:00+0200", "2024-10-27T00:15:00Z", 0, "+HHMM"],
  ["2024-10-27 02:15:00 +02:00", "2024-10-27T00:15:00Z", 0, "a space before the offset"],
  ["2024-03-01T12:00:00-08:00", "2024-03-01T20:00:00Z", 0, "negative offset"],
  ["2024-03-01T12:00:00-08", "2024-03-01T19:59:59Z", 1, "negative -HH"],
  ["2024-03-01 12:00:00 UTC", "2024-03-01T12:00:00Z", 0, "a UTC suffix"],
  ["1900-01-01 00:00:00+00:53:28", "1899-12-31T23:06:32Z", 0, "Postgres local mean time offset with seconds"],
  // Fractions keep every digit.
  ["2024-03-01T12:00:00.123789Z", "2024-03-01T12:00:00.123456Z", 1, "microseconds"],
  ["2024-03-01T12:00:00.1234567891Z", "2024-03-01T12:00:00.123456789Z", 1, "beyond nanoseconds"],
  ["2024-03-01T12:00:00.120Z", "2024-03-01T12:00:00.12Z", 0, "trailing zeros"],
  ["2024-03-01T12:00:00.5Z", "2024-03-01T12:00:00.49Z", 1, "fractions of different lengths"],
  ["2024-03-01T12:00:01Z", "2024-03-01T12:00:00.999999999Z", 1, "a whole second over a long fraction"],
  // HTTP and RFC 2822 dates.
  ["Tue, 15 Nov 1994 08:12:31 GMT", "1994-11-15T08:12:31Z", 0, "HTTP date"],
  ["Tue, 15 Nov 1994 08:12:31 +0100", "1994-11-15T07:12:31Z", 0, "RFC 2822 with an offset"],
  ["Fri, 18 Nov 1994 08:00:00 GMT", "Tue, 15 Nov 1994 08:00:00 GMT", 1, "HTTP dates as instants, not by weekday name"],
  ["15 Nov 1994 08:12:31 EST", "1994-11-15T13:12:31Z", 0, "RFC 2822 obsolete zone, no weekday"],
  // Numbers past 2^53, exactly.
  ["1152921504606846978", "1152921504606846977", 1, "integer strings past 2^53"],
  ["9007199254740993", 9007199254740992, 1, "an integer string against a number"],
  [1152921504606846976, "1152921504606846977", -1, "a large number against the string one above it"],
  ["10", "9", 1, "integer strings as numbers, not text"],
  ["2.5", "10", -1, "decimal strings as numbers"],
  ["-10", "-9", -1, "negative integer strings"],
  ["12345678901234567890.5", "12345678901234567890.25", 1, "decimals past 2^53"],
  ["0.1", 0.1, 0, "a decimal string equals the number it spells"],
  ["1000000000000000000000", 1e21, 0, "a number in exponent form"],
  [1.5e-7, "0.00000014", 1, "a small number in exponent form"],
  [5, 3, 1, "numbers"],
  // Everything else is text.
  ["v10", "v9", -1, "text stays text"],
  ["abc", "abd", -1, "text"],
  ["2024-13-01", "2024-02-01", 1, "not a date (month 13): text"],
  ["2024-02-30T00:00:00Z", "2024-03-01T00:00:00Z", -1, "not a date (30 February): text"],
  ["2024-01-01T25:00:00Z", "2024-01-01T30:00:00Z", -1, "not a time (hour 25): text"],
  ["2024-01-01T10:00:00.", "2024-01-01T10:00:00Z", -1, "a decimal point without digits: text"],
  ["2024-01-01T10:00:00+25:00", "2024-01-01T10:00:00+01:00", 1, "an offset beyond a day: text"],
  ["2024-01-01T24:00:00Z", "2024-01-02T00:00:00Z", 0, "24:00 ends the day"],
  ["2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z", 0, "a leap second"],
];

describe.each(TEST_ZONES)("compareCursor in %s", (zone) => {
  inTimeZone(zone);

  it.each(ORDER)("%s vs %s → %i (%s)", (a, b, expected) => {
    expect(sign(compareCursor(a, b))).toBe(expected);
    expect(sign(compareCursor(b, a))).toBe(expected === 0 ? 0 : -expected);
  });

  it("is consistent across forms: sorting mixed forms gives the instants' order", () => {
    const values = [
      "2024-10-27 02:05:00+01",
      "2024-10-27T00:15:00Z",
      "2024-10-27 02:10:00",
      "2024-10-27T00:15:00.000001Z",
      "Sun, 27 Oct 2024 00:14:59 GMT",
    ];
    expect([...values].sort(compareCursor)).toEqual([
      "Sun, 27 Oct 2024 00:14:59 GMT",
      "2024-10-27T00:15:00Z",
      "2024-10-27T00:15:00.000001Z",
      "2024-10-27 02:05:00+01",
      "2024-10-27 02:10:00",
    ]);
  });
});

const config = (extra: Partial<IncrementalConfig> = {}): IncrementalConfig =>
  ({ cursor_path: "updated_at", ...extra }) as IncrementalConfig;
const previous = (last_value: CursorValue, boundary_keys: string[] = []) => ({ last_value, boundary_keys });

describe.each(TEST_ZONES)("lag and the cap on the cursor in %s", (zone) => {
  inTimeZone(zone);

  it.each<[CursorValue, number, CursorValue]>([
    ["2024-01-01T10:00:00", 60, "2024-01-01T09:59:00"],
    ["2024-01-01T10:00:00Z", 60, "2024-01-01T09:59:00Z"],
    ["2024-10-27 02:15:00+01", 300, "2024-10-27 02:10:00+01"],
    ["2024-10-27 02:15:00.123456+05:30", 0.5, "2024-10-27 02:14:59.623456+05:30"],
    ["2024-03-01T12:00:00.123456Z", 0.000001, "2024-03-01T12:00:00.123455Z"],
    ["2024-01-01", 3600, "2023-12-31T23:00:00Z"],
    ["Tue, 15 Nov 1994 08:12:31 GMT", 60, "Tue, 15 Nov 1994 08:11:31 GMT"],
    ["1152921504606846977", 1, "1152921504606846976"],
    ["12345678901234567890.5", 0.75, "12345678901234567889.75"],
    [100, 5, 95],
  ])("moves %s back by %s exactly, in the form the API used: %s", (last, lag, expected) => {
    const filter = new IncrementalFilter(config({ lag }), previous(last));
    expect(filter.startValue).toBe(expected);
  });

  it("judges records against a lagged start as instants", () => {
    const filter = new IncrementalFilter(config({ lag: 60 }), previous("2024-01-01T10:00:00"));
    expect(filter.judge({ updated_at: "2024-01-01T09:59:30Z" }, "1")).toBe("new");
    expect(filter.judge({ updated_at: "2024-01-01 18:58:59+09" }, "2")).toBe("seen");
  });

  it("caps a naive cursor at the API's time, read as UTC", () => {
    const filter = new IncrementalFilter(config(), undefined);
    filter.judge({ updated_at: "2024-01-01T10:00:05" }, "1");
    const next = filter.nextState(Date.UTC(2024, 0, 1, 10, 0, 0));
    expect(compareCursor(next!.last_value, "2024-01-01T10:00:00Z")).toBe(0);
    // The capped cursor keeps the API's (naive) form, and a record changed after the cap is new.
    expect(next!.last_value).toBe("2024-01-01T10:00:00");
    const after = new IncrementalFilter(config(), next);
    expect(after.judge({ updated_at: "2024-01-01T10:00:00.001" }, "2")).toBe("new");
  });

  it("caps a Postgres-style cursor at the API's time and keeps its offset", () => {
    const filter = new IncrementalFilter(config(), undefined);
    filter.judge({ updated_at: "2024-10-27 02:15:00+01" }, "1");
    const next = filter.nextState(Date.UTC(2024, 9, 27, 1, 0, 0));
    expect(next!.last_value).toBe("2024-10-27 02:00:00+01");
    expect(next!.boundary_keys).toEqual([]);
  });

  it("caps a microsecond cursor that is a fraction of a millisecond past the API's time", () => {
    const filter = new IncrementalFilter(config(), undefined);
    filter.judge({ updated_at: "2024-03-01T12:00:00.123456Z" }, "1");
    const next = filter.nextState(Date.UTC(2024, 2, 1, 12, 0, 0, 123));
    expect(next!.last_value).toBe("2024-03-01T12:00:00.123000Z");
    const after = new IncrementalFilter(config(), next);
    expect(after.judge({ updated_at: "2024-03-01T12:00:00.123001Z" }, "2")).toBe("new");
  });

  it("does not cap a cursor at or before the API's time, and never moves one backwards", () => {
    const filter = new IncrementalFilter(config(), undefined);
    filter.judge({ updated_at: "2024-01-01 19:00:00+09" }, "1");
    expect(filter.nextState(Date.UTC(2024, 0, 1, 10, 0, 0))).toEqual({
      last_value: "2024-01-01 19:00:00+09",
      boundary_keys: ["1"],
    });
    const ahead = new IncrementalFilter(config(), previous("2024-01-01T10:30:00"));
    ahead.judge({ updated_at: "2024-01-01T11:00:00" }, "1");
    expect(ahead.nextState(Date.UTC(2024, 0, 1, 10, 0, 0))).toEqual(previous("2024-01-01T10:30:00"));
  });
});

describe("numeric cursors past 2^53", () => {
  it("a cursor that moves by 1 is an update, not a tie", () => {
    const filter = new IncrementalFilter(config(), previous("1152921504606846977", ["7"]));
    expect(filter.judge({ updated_at: "1152921504606846977" }, "7")).toBe("seen");
    expect(filter.judge({ updated_at: "1152921504606846978" }, "7")).toBe("new");
    expect(filter.nextState()).toEqual({ last_value: "1152921504606846978", boundary_keys: ["7"] });
  });
});
