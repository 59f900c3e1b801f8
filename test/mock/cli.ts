/**
 * `npm run mock -- [--port N] [--latency MS] [--rate-limit N/s] [--seed N]
 *                  [--size default|small] [--api-key KEY]`
 * Starts the mock API and keeps it up until Ctrl-C.
 * --rate-limit accepts N/s, N/m or N/<ms>ms (e.g. 10/s, 600/m, 5/500ms).
 */
import { parseArgs } from "node:util";
import type { MockApiOptions, RateLimitOptions } from "./api-types.js";
import type { SizePreset } from "./dataset-types.js";
import { seedRequestCount } from "./expected.js";
import { startMockApi } from "./server.js";

function fail(message: string): never {
  process.stderr.write(`mock: ${message}\n`);
  process.exit(2);
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) fail(`--${name} expects a non-negative number, got "${value}"`);
  return parsed;
}

function parseRateLimit(text: string): RateLimitOptions {
  const match = /^(\d+)\s*\/\s*(?:(\d+)\s*)?(ms|s|m)$/.exec(text.trim());
  if (!match) fail(`--rate-limit expects N/s, N/m or N/<ms>ms, got "${text}"`);
  const requests = Number(match[1]);
  const amount = match[2] === undefined ? 1 : Number(match[2]);
  const unitMs = match[3] === "ms" ? 1 : match[3] === "s" ? 1000 : 60_000;
  if (requests < 1 || amount < 1) fail(`--rate-limit needs positive numbers, got "${text}"`);
  return { requests, windowMs: amount * unitMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      latency: { type: "string" },
      "rate-limit": { type: "string" },
      seed: { type: "string" },
      size: { type: "string" },
      "api-key": { type: "string" },
    },
  });
  const size = values.size as SizePreset | undefined;
  if (size !== undefined && size !== "default" && size !== "small")
    fail(`--size expects default or small, got "${size}"`);
  const options: MockApiOptions = {
    port: number("port", values.port),
    latencyMs: number("latency", values.latency),
    datasetOptions: { seed: number("seed", values.seed), size },
  };
  if (values["api-key"]) options.apiKey = values["api-key"];
  if (values["rate-limit"]) options.rateLimit = parseRateLimit(values["rate-limit"]);

  const api = await startMockApi(options);
  const counts = seedRequestCount(api.dataset);
  process.stdout.write(
    [
      `restsync mock API listening`,
      `  base URL: ${api.url}`,
      `  api key:  ${api.apiKey}   (send as header "api_key")`,
      `  dataset:  seed ${api.dataset.seed}, ${api.dataset.epics.length} epics, ${api.dataset.stories.length} stories; full seed sync = ${counts.total} requests`,
      `  try:      curl -H 'api_key: ${api.apiKey}' ${api.url}/v1/epics`,
      `Ctrl-C to stop.`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const { requests, byStatus } = api.stats();
    process.stdout.write(`\nstopping after ${requests} requests ${JSON.stringify(byStatus)}\n`);
    void api.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
