/**
 * The conformance harness: one `dltCase` per dlt test case (pytest node id,
 * e.g. `test_offline::test_load_mock_api[resolve_params_in_path]`), run as a
 * plain test, as `it.fails` while `_expected.ts` lists it as pending, or
 * skipped with its reason; and `runDlt`, which runs a dlt config, translated
 * mechanically (only `base_url` is pointed at the 127.0.0.1 mock), through
 * restsync's public API with the memory adapter.
 *
 * `DLT_RAW=1 npx vitest run test/dlt` runs every case plainly, to see what
 * really fails (pending cases then fail for their reasons).
 */

import {
  createPipeline,
  isConfigError,
  type Pipeline,
  type RestApiConfig,
  type RunOptions,
  type RunReport,
  restApiSource,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { expect, it } from "vitest";
import { EXPECTED } from "./_expected";
import type { DltMock } from "./_server";

/** dlt's MOCK_BASE_URL; `runDlt` replaces it with the mock's 127.0.0.1 URL. */
export const API = "https://api.example.com";

/** A dlt config as dlt's test writes it (keys restsync may not know yet included). */
export type DltConfig = Record<string, any>;

const registered = new Set<string>();

/**
 * Registers one dlt case under its pytest id, honouring `_expected.ts`. `timeout`
 * bounds a case that would otherwise hang for long on a missing feature.
 */
export function dltCase(id: string, fn: () => unknown, timeout?: number): void {
  if (registered.has(id)) throw new Error(`duplicate dlt case id ${id}`);
  registered.add(id);
  const entry = EXPECTED[id];
  if (process.env.DLT_RAW || !entry) return void it(id, fn, timeout);
  if ("skip" in entry) return void it.skip(`${id} (skipped: ${entry.skip})`, fn);
  it.fails(`${id} (pending ${entry.pending})`, fn, timeout);
}

/** Last test of a file: every `_expected.ts` entry for this file names a case that exists. */
export function expectedEntriesExist(prefix: string): void {
  it(`_expected.ts entries for ${prefix} name existing cases`, () => {
    const stale = Object.keys(EXPECTED).filter((id) => id.startsWith(`${prefix}::`) && !registered.has(id));
    expect(stale).toEqual([]);
  });
}

/** The config with dlt's mock base URL pointed at `mock`. */
export function onMock(mock: DltMock, config: DltConfig): RestApiConfig {
  const client = { ...config.client };
  if (typeof client.base_url === "string")
    client.base_url = client.base_url.replace(/^https?:\/\/api\.example\.com\/?/, `${mock.url}/`);
  return { ...config, client } as RestApiConfig;
}

/** `restApiSource` over a dlt config (no run). */
export const sourceOf = (config: DltConfig) => restApiSource(config as RestApiConfig);

export interface DltRun {
  report: RunReport;
  pipeline: Pipeline;
  /** What the pipeline stored for `name`, in store order. */
  rows(name: string): Promise<Record<string, unknown>[]>;
}

let runs = 0;

/**
 * Runs a dlt config against the mock. `resources` is dlt's `with_resources(...)`;
 * `addLimit` is dlt's `add_limit(n)`, sent as the `maxPages` run option.
 */
export async function runDlt(
  mock: DltMock,
  config: DltConfig,
  options: { resources?: string[]; addLimit?: number; pipeline?: Pipeline } = {},
): Promise<DltRun> {
  const source = restApiSource(onMock(mock, config));
  const pipeline = options.pipeline ?? createPipeline({ name: `dlt${++runs}`, store: memoryAdapter() });
  const runOptions = {
    ...(options.resources ? { resources: options.resources } : {}),
    ...(options.addLimit ? { maxPages: options.addLimit } : {}),
  } as RunOptions;
  const report = await pipeline.run(source, runOptions);
  return {
    report,
    pipeline,
    async rows(name) {
      const out: Record<string, unknown>[] = [];
      for await (const row of pipeline.records(name)) out.push(row as Record<string, unknown>);
      return out;
    },
  };
}

/** dlt's assert_load_info: the run loaded without a failed job. */
export function expectLoaded(run: DltRun): void {
  expect(
    Object.fromEntries(Object.entries(run.report.resources).map(([k, r]) => [k, r.error?.message ?? r.status])),
  ).toEqual(Object.fromEntries(Object.keys(run.report.resources).map((k) => [k, "completed"])));
}

/** dlt raises at `rest_api_source(config)`: restsync throws a ConfigError from `restApiSource`. */
export function expectConfigError(config: DltConfig, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    restApiSource(config as RestApiConfig);
  } catch (error) {
    thrown = error;
  }
  expect(isConfigError(thrown), `expected a ConfigError, got ${String(thrown)}`).toBe(true);
  for (const fragment of fragments) expect((thrown as Error).message).toContain(fragment);
}

/** The records of `name` as dlt's `list(source.with_resources(name))` would yield them. */
export async function listResource(
  mock: DltMock,
  config: DltConfig,
  name: string,
  options: { addLimit?: number } = {},
): Promise<Record<string, unknown>[]> {
  const run = await runDlt(mock, config, { resources: [name], ...options });
  expectLoaded(run);
  return run.rows(name);
}
