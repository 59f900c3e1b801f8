import { countD1Calls, type D1Calls, noD1Calls } from "../workers/_d1-calls";

interface ExampleWorker<Env> {
  scheduled(controller: unknown, env: Env, ctx?: unknown): Promise<void>;
  fetch(request: Request, env: Env, ctx?: unknown): Promise<Response>;
}

/** What `GET /__d1-calls` answers: the D1 calls of the last cron tick and of the last other request. */
export interface LastD1Calls {
  scheduled: D1Calls;
  fetch: D1Calls;
}

/**
 * The example Worker as it is, with its `env.DB` counted per invocation (inside workerd):
 * `GET /__d1-calls` answers the last tick's and the last request's D1 calls.
 */
export function countedWorker<Env extends { DB: object }>(worker: ExampleWorker<Env>): ExampleWorker<Env> {
  const last: LastD1Calls = { scheduled: noD1Calls(), fetch: noD1Calls() };
  return {
    async scheduled(controller, env, ctx) {
      const calls = noD1Calls();
      try {
        await worker.scheduled(controller, { ...env, DB: countD1Calls(env.DB, calls) }, ctx);
      } finally {
        last.scheduled = calls;
      }
    },
    async fetch(request, env, ctx) {
      if (new URL(request.url).pathname === "/__d1-calls") return Response.json(last);
      const calls = noD1Calls();
      try {
        return await worker.fetch(request, { ...env, DB: countD1Calls(env.DB, calls) }, ctx);
      } finally {
        last.fetch = calls;
      }
    },
  };
}
