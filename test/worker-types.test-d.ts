import type { KVNamespaceLike } from "restsync/adapters/cloudflare-kv";
import { kvAdapter } from "restsync/adapters/cloudflare-kv";
import { scheduledHandler } from "restsync/worker";
import { describe, expectTypeOf, it } from "vitest";

/**
 * What @cloudflare/workers-types declares for a module Worker's `scheduled`
 * (ExportedHandlerScheduledHandler, ScheduledController, ExecutionContext),
 * spelt out: `export default { scheduled } satisfies ExportedHandler<Env>`
 * must compile with what scheduledHandler returns.
 */
interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
  noRetry(): void;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}
type ExportedHandlerScheduledHandler<Env> = (
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
) => void | Promise<void>;

interface Env {
  STATE: KVNamespaceLike;
  API_KEY: string;
}

describe("restsync/worker types", () => {
  it("scheduledHandler<Env> is a Workers scheduled handler for that Env (satisfies ExportedHandler<Env>)", () => {
    const scheduled = scheduledHandler<Env>({
      name: "analytics",
      source: () => ({ client: { base_url: "https://api.example.com" }, resources: ["epics"] }),
      store: (env) => kvAdapter(env.STATE),
    });
    expectTypeOf(scheduled).toExtend<ExportedHandlerScheduledHandler<Env>>();
  });
});
