/**
 * A pipeline whose `fetch` answers from a script instead of the network, for
 * dlt's unit tests that feed a helper one parent record or one response: the
 * requests restsync makes are recorded and each gets the script's JSON.
 * Runtime-neutral (fetch and Response only).
 */
import { createPipeline, type RestApiConfig, type RunOptions, type RunReport, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import type { DltConfig } from "./_case";

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

export interface ScriptedRun {
  report: RunReport;
  seen: SeenRequest[];
  rows(name: string): Promise<Record<string, unknown>[]>;
}

let runs = 0;

/** Runs `config` with every request answered by `respond` (JSON, status 200 unless it returns a Response). */
export async function runScripted(
  config: DltConfig,
  respond: (request: SeenRequest) => unknown,
  options: RunOptions = {},
): Promise<ScriptedRun> {
  const seen: SeenRequest[] = [];
  const pipeline = createPipeline({
    name: `scripted${++runs}`,
    store: memoryAdapter(),
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const body = request.body ? await request.text() : undefined;
      const entry = { method: request.method, url: new URL(request.url), headers: request.headers, body };
      seen.push(entry);
      const answer = respond(entry);
      if (answer instanceof Response) return answer;
      return new Response(JSON.stringify(answer ?? []), { headers: { "content-type": "application/json" } });
    },
  });
  const report = await pipeline.run(restApiSource(config as RestApiConfig), options);
  return {
    report,
    seen,
    async rows(name) {
      const out: Record<string, unknown>[] = [];
      for await (const row of pipeline.records(name)) out.push(row as Record<string, unknown>);
      return out;
    },
  };
}
