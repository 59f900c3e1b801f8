/**
 * Runs one origin case (test/contract/origin-cases.ts) against a pair of scripted
 * servers (test/_helpers/scripted-server.ts) from any runtime: sets the routes
 * over HTTP, runs the config into a memory store, reads what each origin received
 * and checks the case's expectations with the `expect` at hand (vitest's, or the
 * chai-based one inside workerd). Web-standard code only.
 */

import { createPipeline, type RunReport, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import type { ExpectStatic } from "vitest";
import {
  credentialSpellings,
  type Expectation,
  KEY,
  type OriginCase,
  type OriginExpectation,
  type Runtime,
  type ScriptedRequest,
} from "./origin-cases";

export interface OriginUrls {
  api: string;
  foreign: string;
}

export interface OriginOutcome {
  report: RunReport;
  api: ScriptedRequest[];
  foreign: ScriptedRequest[];
}

/** Fills `{api}`, `{foreign}`, `{foreign_host}`, `{key}`, `{key_enc}` in every string of `value`. */
export function fillTemplates<T>(value: T, urls: OriginUrls): T {
  const values: Record<string, string> = {
    api: urls.api,
    foreign: urls.foreign,
    foreign_host: new URL(urls.foreign).host,
    key: KEY,
    key_enc: encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === "string")
      return node.replace(/\{(api|foreign|foreign_host|key|key_enc)\}/g, (_, name: string) => values[name]!);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(value) as T;
}

/** The case's expectations with `runtime`'s differences put in. */
export function expectationFor(c: OriginCase, runtime: Runtime): Expectation {
  const over = c.in?.[runtime];
  if (!over) return c.expect;
  // Per resource and per origin, the runtime's expectation replaces the general one as a whole.
  return {
    resources: { ...c.expect.resources, ...over.resources },
    api: over.api ?? c.expect.api,
    foreign: over.foreign ?? c.expect.foreign,
  };
}

async function put(origin: string, routes: unknown): Promise<void> {
  const response = await fetch(`${origin}/__routes`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(routes),
  });
  if (!response.ok) throw new Error(`setting routes on ${origin}: HTTP ${response.status}`);
}

async function log(origin: string): Promise<ScriptedRequest[]> {
  return (await (await fetch(`${origin}/__log`)).json()) as ScriptedRequest[];
}

/** Sets the case's routes on both origins (clearing their logs). */
export async function scriptOrigins(c: OriginCase, urls: OriginUrls): Promise<void> {
  await put(urls.api, fillTemplates(c.routes.api, urls));
  await put(urls.foreign, fillTemplates(c.routes.foreign ?? [], urls));
}

/** Runs the case's config into a fresh memory store and returns the report and what each origin received. */
export async function runOriginCase(c: OriginCase, urls: OriginUrls): Promise<OriginOutcome> {
  await scriptOrigins(c, urls);
  const pipeline = createPipeline({ name: "origins", store: memoryAdapter(), secrets: { api_key: KEY } });
  const report = await pipeline.run(restApiSource(c.config(urls)));
  return { report, api: await log(urls.api), foreign: await log(urls.foreign) };
}

const spellings = credentialSpellings();
/** Where a request carries a credential (its URL, a header or its body) and in which spelling, if it does. */
export const credentialIn = (request: ScriptedRequest): string | undefined => {
  const places: Array<[string, string]> = [
    ...Object.entries(request.headers).map(([name, value]): [string, string] => [`header ${name}`, value]),
    ["url", request.url],
    ["body", request.body],
  ];
  for (const [place, text] of places) {
    const spelling = spellings.find((s) => text.includes(s));
    if (spelling !== undefined) return `${place} holds ${JSON.stringify(spelling)}`;
  }
  return undefined;
};

/** Checks an outcome against the case's expectations for `runtime`. */
export function checkOriginCase(c: OriginCase, outcome: OriginOutcome, runtime: Runtime, expect: ExpectStatic): void {
  const expected = expectationFor(c, runtime);
  const { report } = outcome;
  // What each origin received first: a credential where it must not be is the finding that matters most.
  checkOrigin("foreign", outcome.foreign, expected.foreign, expect);
  checkOrigin("api", outcome.api, expected.api, expect);
  for (const [name, want] of Object.entries(expected.resources)) {
    const got = report.resources[name];
    const seen = JSON.stringify(got?.error ?? null);
    expect(got?.status, `${name}: status (error ${seen})`).toBe(want.status);
    if (want.code !== undefined) expect(got?.error?.code, `${name}: error code (error ${seen})`).toBe(want.code);
    if (want.status === "completed") expect(got?.error, `${name}: error`).toBeUndefined();
    if (want.records !== undefined) expect(got?.records, `${name}: records`).toBe(want.records);
    if (want.message !== undefined) expect(got?.error?.message, `${name}: message`).toMatch(want.message);
  }
  // Whatever happened, the report shows no credential in any spelling.
  const shown = JSON.stringify(report);
  expect(
    spellings.filter((spelling) => shown.includes(spelling)),
    "credentials in the report",
  ).toEqual([]);
}

function checkOrigin(
  label: string,
  requests: ScriptedRequest[],
  want: OriginExpectation | undefined,
  expect: ExpectStatic,
): void {
  if (!want) return;
  const lines = requests.map((r) => `${r.method} ${r.url}`);
  for (const request of requests) {
    const where = `${label}: ${request.method} ${request.url}`;
    if (want.credentials === "every") expect(credentialIn(request), `${where} carries the credential`).toBeDefined();
    if (want.credentials === "none") expect(credentialIn(request), `${where} carries a credential`).toBeUndefined();
    for (const header of want.absentHeaders ?? [])
      expect(request.headers[header], `${where}: header ${header}`).toBeUndefined();
    for (const header of want.presentHeaders ?? [])
      expect(request.headers[header], `${where}: header ${header}`).toBeDefined();
  }
  if (want.urls !== undefined) expect(lines, `${label}: requests`).toEqual(want.urls);
  if (want.requests !== undefined) expect(lines, `${label}: request count`).toHaveLength(want.requests);
  if (want.maxRequests !== undefined)
    expect(requests.length, `${label}: request count (${lines.join(", ")})`).toBeLessThanOrEqual(want.maxRequests);
}
