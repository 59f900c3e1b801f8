/**
 * Runs in Node before the Chromium suite: a "hub" on loopback that starts
 * mock APIs on request and mutates them, since the browser cannot start
 * servers itself. Browser tests reach it through `inject("hubUrl")`.
 */
import type { TestProject } from "vitest/node";
import { addFaultRoutes } from "../_helpers/fault-hub";
import { referenceDigests } from "../_helpers/reference";
import { type ScriptedPair, startScriptedPair } from "../_helpers/scripted-server";
import { type MockApi, startMockApi } from "../mock/index";
import { installNumbersTimeApi } from "../scenarios/numbers-time-api";
import { installSearchBodiesApi } from "../scenarios/search-bodies-api";
import { SCENARIO_MUTATION } from "../scenarios/seed-scenario";
import { installSpellingsApi } from "../scenarios/spellings-api";

declare module "vitest" {
  export interface ProvidedContext {
    hubUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mocks = new Map<string, MockApi>();
  const pairs: ScriptedPair[] = [];
  const hub = await startMockApi({ datasetOptions: { size: "small" } });
  const mockFor = (id: string | undefined) => {
    const mock = mocks.get(id ?? "");
    if (!mock) throw new Error(`no mock ${id}`);
    return mock;
  };
  hub.route("POST", "/hub/mocks", async (req) => {
    const options = (req.body ?? {}) as { size?: "small" | "default"; seed?: number; latencyMs?: number };
    const mock = await startMockApi({
      datasetOptions: { size: options.size ?? "small", seed: options.seed ?? 1 },
      latencyMs: options.latencyMs ?? 0,
    });
    const id = String(mocks.size + 1);
    mocks.set(id, mock);
    return { body: { id, url: mock.url, apiKey: mock.apiKey } };
  });
  // A mock serving the numbers-and-time scenario (test/scenarios/numbers-time.ts), which drives it over HTTP.
  hub.route("POST", "/hub/numbers-time", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    installNumbersTimeApi(mock);
    mocks.set(`nt-${mocks.size + 1}`, mock);
    return { body: { url: mock.url } };
  });
  // A mock serving the spellings scenario (test/scenarios/spellings.ts).
  hub.route("POST", "/hub/spellings", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    installSpellingsApi(mock);
    mocks.set(`sp-${mocks.size + 1}`, mock);
    return { body: { url: mock.url } };
  });
  // A mock serving the request-bodies scenario (test/scenarios/search-bodies.ts).
  hub.route("POST", "/hub/search-bodies", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    installSearchBodiesApi(mock);
    mocks.set(`sb-${mocks.size + 1}`, mock);
    return { body: { url: mock.url } };
  });
  hub.route("POST", /^\/hub\/mocks\/(?<id>\d+)\/mutate$/, (req) => ({
    body: mockFor(req.params.id).mutate(SCENARIO_MUTATION),
  }));
  hub.route("GET", /^\/hub\/mocks\/(?<id>\d+)\/reference$/, async (req) => ({
    body: await referenceDigests(mockFor(req.params.id)),
  }));
  hub.route("GET", /^\/hub\/mocks\/(?<id>\d+)\/stats$/, (req) => ({ body: mockFor(req.params.id).stats() }));
  addFaultRoutes(hub, mocks);
  // A pair of scripted servers (an API origin and a foreign one) for one origin case; they serve its bombs too.
  hub.route("POST", "/hub/scripted", async (req) => {
    const { foreign } = (req.body ?? {}) as { foreign?: "port" | "localhost" | "localhost-port" };
    const pair = await startScriptedPair(foreign);
    pairs.push(pair);
    return { body: { api: pair.api, foreign: pair.foreign } };
  });
  project.provide("hubUrl", hub.url);
  return async () => {
    await Promise.all([...mocks.values()].map((mock) => mock.close()));
    await Promise.all(pairs.map((pair) => pair.close()));
    await hub.close();
  };
}
