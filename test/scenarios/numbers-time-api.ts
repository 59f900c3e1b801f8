/**
 * The small API behind the numbers-and-time scenario (issue 10, items 4 and
 * 6–8), served as custom routes of a reference mock. Integers past 2^53 go out
 * as bare JSON digits, the way such APIs send them; `/nt/truth` gives the same
 * data with those integers as strings, which is what the store must hold.
 */
import type { MockApi } from "../mock/index";
import { NT_BIG } from "./numbers-time";

type Row = Record<string, string | number>;

/** A naive ISO date-time (no offset) of `ms`, in UTC, to the millisecond. */
const naive = (ms: number) => new Date(ms).toISOString().slice(0, 23);

/** JSON with every string of 16+ digits written as a bare integer literal. */
const withBareIntegers = (value: unknown) => JSON.stringify(value).replace(/"(-?\d{16,})"/g, "$1");

/**
 * Adds the scenario's routes to `mock`, with fresh data. `POST /nt/advance`
 * applies the changes made between the first and second runs; the naive-time
 * resource changes by itself while its second page is being requested.
 */
export function installNumbersTimeApi(mock: MockApi): void {
  const start = Date.now();
  const data: Record<string, Row[]> = {
    snowflakes: NT_BIG.snowflakes.map((id, i) => ({ id, name: `flake ${i}` })),
    ledger: [
      { id: 1, seq: NT_BIG.below, v: "one" },
      { id: 2, seq: NT_BIG.top, v: "two" },
    ],
    events: [
      { id: 1, updated_at: naive(start - 60_000), v: "a" },
      { id: 2, updated_at: naive(start - 50_000), v: "b" },
      { id: 3, updated_at: naive(start - 40_000), v: "c" },
    ],
    pg_events: [
      { id: 1, updated_at: "2024-10-27 01:50:00+02", v: "before the fall-back" },
      { id: 2, updated_at: "2024-10-27 02:15:00+02", v: "last summer-time change" },
    ],
    precise: [
      { id: 1, updated_at: "2024-03-01T12:00:00.123456Z", v: "first" },
      { id: 2, updated_at: "2024-03-01T11:00:00Z", v: "older" },
    ],
  };
  let changedMidRun = false;

  for (const name of ["snowflakes", "ledger", "pg_events", "precise"]) {
    mock.route("GET", `/nt/${name}`, () => ({ raw: withBareIntegers({ data: data[name] }) }));
  }
  mock.route("GET", "/nt/events", (req) => {
    const offset = Number(req.query.offset ?? 0);
    if (offset > 0 && !changedMidRun) {
      // While the run reads page 2, record 1 (already read on page 1) changes, then record 3 after it.
      changedMidRun = true;
      const now = Date.now();
      data.events![0] = { ...data.events![0]!, updated_at: naive(now), v: "a, changed mid-run" };
      data.events![2] = { ...data.events![2]!, updated_at: naive(now + 1000), v: "c, changed after a" };
    }
    return { raw: withBareIntegers({ data: data.events!.slice(offset, offset + 2), total: data.events!.length }) };
  });
  mock.route("POST", "/nt/advance", () => {
    // A numeric cursor past 2^53 moves by 1.
    data.ledger![1] = { ...data.ledger![1]!, seq: NT_BIG.topPlusOne, v: "two, updated" };
    // An hour after the summer-time change, in winter time: a later instant whose text sorts first.
    data.pg_events![0] = { ...data.pg_events![0]!, updated_at: "2024-10-27 02:05:00+01", v: "after the fall-back" };
    // 333 µs later, the same millisecond.
    data.precise![0] = { ...data.precise![0]!, updated_at: "2024-03-01T12:00:00.123789Z", v: "first, updated" };
    return { body: { ok: true } };
  });
  mock.route("GET", "/nt/truth", () => ({ body: data }));
}
