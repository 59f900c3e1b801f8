import { isResponseError, recordKey } from "restsync";
import { describe, expect, it } from "vitest";
import { Redactor } from "../src/http/_redact";
import { parseBody } from "../src/http/_response";

const parse = (text: string) =>
  parseBody(
    text,
    new Headers({ "content-type": "application/json" }),
    () => "http://api.test/items",
    "items",
    new Redactor(),
  );

describe("response bodies: integers beyond ±2^53−1 keep their digits", () => {
  it("reads snowflake ids as strings with the exact digits, four ids as four values", () => {
    const body = parse(
      '{"data":[{"id":1152921504606846977},{"id":1152921504606846978},{"id":1152921504606846979},{"id":1152921504606846980}]}',
    );
    expect(body).toEqual({
      data: [
        { id: "1152921504606846977" },
        { id: "1152921504606846978" },
        { id: "1152921504606846979" },
        { id: "1152921504606846980" },
      ],
    });
  });

  it("keeps safe integers as numbers and quotes exactly those past the limit, negatives included", () => {
    expect(
      parse("[9007199254740991, 9007199254740992, -9007199254740991, -9007199254740992, 1000000000000000, 0, -0, 12]"),
    ).toEqual([
      9007199254740991,
      "9007199254740992",
      -9007199254740991,
      "-9007199254740992",
      1000000000000000,
      0,
      -0,
      12,
    ]);
    expect(parse("123456789012345678901234567890")).toBe("123456789012345678901234567890");
    expect(parse('{"a":[[{"b":{"c":-123456789012345678901}}]]}')).toEqual({
      a: [[{ b: { c: "-123456789012345678901" } }]],
    });
  });

  it("leaves numbers with a fraction or an exponent, and long digit runs inside strings, as they are", () => {
    const body = parse(
      '{"lat":52.52000659999999123,"big":12345678901234567e3,"e":1.5E+300,"f":-0.12345678901234567890,"s":"id 1152921504606846977","t":"\\"1152921504606846977\\\\","n":1152921504606846977,"k":{"1152921504606846977":1}}',
    );
    expect(body).toEqual({
      lat: 52.52000659999999123,
      big: 12345678901234567e3,
      e: 1.5e300,
      f: -0.1234567890123456789,
      s: "id 1152921504606846977",
      t: '"1152921504606846977\\',
      n: "1152921504606846977",
      k: { "1152921504606846977": 1 },
    });
  });

  it("still refuses what is not JSON, a big integer with a leading zero included", () => {
    expect(isResponseError(parse('{"id": 01152921504606846977}'))).toBe(true);
    expect(isResponseError(parse('{"id": 1152921504606846977'))).toBe(true);
    expect(isResponseError(parse("<html>1152921504606846977</html>"))).toBe(true);
  });
});

describe("recordKey", () => {
  it("accepts bigint: its decimal digits, the same key as the number or string of that value", () => {
    expect(recordKey([1152921504606846977n])).toBe("1152921504606846977");
    expect(recordKey([1152921504606846977n])).toBe(recordKey(["1152921504606846977"]));
    expect(recordKey([42n])).toBe(recordKey([42]));
    expect(recordKey([42n, "a"])).toBe(recordKey([42, "a"]));
    expect(recordKey([-5n, 1152921504606846977n])).toBe(recordKey([-5, "1152921504606846977"]));
  });
});
