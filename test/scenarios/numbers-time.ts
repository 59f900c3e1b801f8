import { type Pipeline, type RestApiConfig, type RunReport, restApiSource } from "restsync";

/** The scenario's integers past 2^53, as the digits the API sends. */
export const NT_BIG = {
  /** Four distinct snowflake-style ids: one double holds them all. */
  snowflakes: ["1152921504606846977", "1152921504606846978", "1152921504606846979", "1152921504606846980"],
  below: "1152921504606846975",
  top: "1152921504606846977",
  topPlusOne: "1152921504606846978",
} as const;

export const NT_RESOURCES = ["snowflakes", "ledger", "events", "pg_events", "precise"] as const;

/** The scenario's config against the API at `url` (see numbers-time-api.ts). */
export function numbersTimeConfig(url: string): RestApiConfig {
  const incremental = { cursor_path: "updated_at" };
  return {
    client: { base_url: `${url}/nt`, paginator: { type: "single_page" } },
    resource_defaults: { primary_key: "id", write_disposition: "merge" },
    resources: [
      { name: "snowflakes", endpoint: { path: "snowflakes", data_selector: "data" } },
      { name: "ledger", endpoint: { path: "ledger", data_selector: "data", incremental: { cursor_path: "seq" } } },
      {
        name: "events",
        endpoint: {
          path: "events",
          data_selector: "data",
          paginator: { type: "offset", limit: 2, total_path: "total" },
          incremental,
        },
      },
      { name: "pg_events", endpoint: { path: "pg_events", data_selector: "data", incremental } },
      { name: "precise", endpoint: { path: "precise", data_selector: "data", incremental } },
    ],
  };
}

type Rows = Record<string, Array<Record<string, unknown>>>;

export interface NumbersTimeResult {
  first: RunReport;
  second: RunReport;
  /** What the store holds after the second run, per resource, by id. */
  stored: Rows;
  /** What the API holds then, integers past 2^53 as strings. */
  truth: Rows;
  /** The first snowflake read back with `get` by its digits, and by a bigint (null when missing, the error's text if it threw). */
  byString: unknown;
  byBigint: unknown;
  /** `getTimezoneOffset()` on 2024-01-01 where the scenario ran, to show the zone it ran in. */
  zoneOffset: number;
}

const byId = (rows: Array<Record<string, unknown>>) =>
  [...rows].sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));

/**
 * Issue 10's numbers and time, runnable in Node, Chromium and workerd: a run
 * (during which a naive-timestamp record changes), the API's changes (a
 * numeric cursor past 2^53 moved by 1, a Postgres-style timestamp across the
 * DST fall-back, a sub-millisecond update), a second run; then what the store
 * holds next to what the API holds.
 */
export async function runNumbersTimeScenario(pipeline: Pipeline, url: string): Promise<NumbersTimeResult> {
  const source = restApiSource(numbersTimeConfig(url));
  const first = await pipeline.run(source);
  await (await fetch(`${url}/nt/advance`, { method: "POST" })).json();
  const second = await pipeline.run(source);
  const truth = (await (await fetch(`${url}/nt/truth`)).json()) as Rows;
  const stored: Rows = {};
  for (const name of NT_RESOURCES) {
    const rows: Array<Record<string, unknown>> = [];
    for await (const record of pipeline.records(name)) rows.push(record);
    stored[name] = byId(rows);
    truth[name] = byId(truth[name] ?? []);
  }
  return {
    first,
    second,
    stored,
    truth,
    byString: (await pipeline.get("snowflakes", NT_BIG.snowflakes[0])) ?? null,
    // An error is a result here (and a clear test failure), not a lost scenario.
    byBigint: (await pipeline.get("snowflakes", BigInt(NT_BIG.snowflakes[0])).catch(String)) ?? null,
    zoneOffset: new Date(2024, 0, 1).getTimezoneOffset(),
  };
}
