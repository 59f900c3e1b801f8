import { afterAll, beforeAll } from "vitest";

/**
 * Zones the cursor tests run in: UTC, Tokyo (east of UTC, where a naive
 * timestamp read as local time falls 9 h behind) and Chatham (+12:45/+13:45,
 * with daylight saving).
 */
export const TEST_ZONES = ["UTC", "Asia/Tokyo", "Pacific/Chatham"] as const;

/** Offsets (minutes, as `getTimezoneOffset` gives them) on 2024-01-01, to prove the zone took effect. */
const OFFSET_ON_NEW_YEAR: Record<(typeof TEST_ZONES)[number], number> = {
  UTC: 0,
  "Asia/Tokyo": -540,
  "Pacific/Chatham": -825,
};

/**
 * Runs the enclosing describe block's tests with the process's time zone set to
 * `zone` (Node honours a runtime change of `process.env.TZ`; vitest runs each
 * file in its own process). Throws if the zone did not take effect, so a test
 * can never pass in UTC while claiming Tokyo.
 */
export function inTimeZone(zone: (typeof TEST_ZONES)[number]): void {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.TZ;
    process.env.TZ = zone;
    const offset = new Date(2024, 0, 1).getTimezoneOffset();
    if (offset !== OFFSET_ON_NEW_YEAR[zone]) throw new Error(`TZ=${zone} did not take effect (offset ${offset})`);
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  });
}
