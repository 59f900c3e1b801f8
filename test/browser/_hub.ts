import { inject } from "vitest";

/** A mock API started for this test by the Node-side hub. */
export interface RemoteMock {
  id: string;
  url: string;
  apiKey: string;
  mutate(): Promise<void>;
  reference(): Promise<Record<string, string>>;
  stats(): Promise<{ requests: number; maxConcurrent: number }>;
}

export async function startRemoteMock(
  options: { size?: "small" | "default"; seed?: number; latencyMs?: number } = {},
): Promise<RemoteMock> {
  const hub = inject("hubUrl");
  const response = await fetch(`${hub}/hub/mocks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  const mock = (await response.json()) as { id: string; url: string; apiKey: string };
  return {
    ...mock,
    mutate: async () => void (await fetch(`${hub}/hub/mocks/${mock.id}/mutate`, { method: "POST" })).json(),
    reference: async () => (await fetch(`${hub}/hub/mocks/${mock.id}/reference`)).json(),
    stats: async () => (await fetch(`${hub}/hub/mocks/${mock.id}/stats`)).json(),
  };
}

/** A pair of scripted servers (test/_helpers/scripted-server.ts) started by the hub for one origin case. */
export async function startScriptedPair(
  foreign: "port" | "localhost" | "localhost-port" = "port",
): Promise<{ api: string; foreign: string }> {
  const response = await fetch(`${inject("hubUrl")}/hub/scripted`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ foreign }),
  });
  return (await response.json()) as { api: string; foreign: string };
}

/** A mock API serving the request-bodies scenario, started by the hub; its URL. */
export async function startSearchBodiesMock(): Promise<string> {
  const response = await fetch(`${inject("hubUrl")}/hub/search-bodies`, { method: "POST" });
  return ((await response.json()) as { url: string }).url;
}

/** A mock API serving the numbers-and-time scenario, started by the hub; its URL. */
export async function startNumbersTimeMock(): Promise<string> {
  const response = await fetch(`${inject("hubUrl")}/hub/numbers-time`, { method: "POST" });
  return ((await response.json()) as { url: string }).url;
}

/** A mock API serving the spellings scenario (test/scenarios/spellings.ts), started by the hub; its URL. */
export async function startSpellingsMock(): Promise<string> {
  const response = await fetch(`${inject("hubUrl")}/hub/spellings`, { method: "POST" });
  return ((await response.json()) as { url: string }).url;
}
