import {
  createPipeline,
  type RestApiConfig,
  type RestApiSource,
  type RunOptions,
  type RunReport,
  type StoreAdapter,
} from "restsync";

/** What a Workers cron trigger hands the handler (typed structurally: no Cloudflare types needed). */
export interface ScheduledControllerLike {
  readonly cron: string;
  readonly scheduledTime: number;
}

/** The part of a Worker's `ExecutionContext` the handler uses. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

/** Options of {@link scheduledHandler}. */
export interface ScheduledSyncOptions<Env> {
  /** Pipeline name: namespaces state and records in the store. */
  name: string | ((env: Env) => string);
  /** The source to run, built per invocation (env carries URLs and settings). */
  source: (env: Env) => RestApiSource | RestApiConfig;
  /** The store, e.g. `(env) => kvAdapter(env.STATE)`. */
  store: (env: Env) => StoreAdapter;
  /** Options for each run (resources, signal, progress); they override `maxRequests`. */
  run?: (env: Env, controller: ScheduledControllerLike) => RunOptions;
  /**
   * HTTP requests one tick may send. A tick that runs out stops cleanly and the
   * next one resumes the same sync cycle. @default 50 (the free plan's subrequests per invocation)
   */
  maxRequests?: number;
  /** Requests in flight at once; Workers allow 6 simultaneous connections, so it is capped there. @default 6 */
  concurrency?: number;
  /** Called with every run's report (the handler itself resolves to nothing), e.g. to log it or keep it in KV. */
  onReport?: (report: RunReport, env: Env) => void | Promise<void>;
}

/** Simultaneous outgoing connections a Worker may hold open. */
export const WORKER_CONNECTION_LIMIT = 6;

/**
 * Builds a Workers `scheduled` (cron) handler that runs one sync per tick.
 * Secrets named in the config (`secrets["api_key"]`) are read from `env`
 * (`env.api_key`, else `env.API_KEY`: a Worker secret set with `wrangler secret put API_KEY`).
 * The handler fits `ExportedHandler<Env>` of `@cloudflare/workers-types`; each
 * run's report goes to `onReport`. Pass your `Env` type: without it `env` is a
 * bare `object`.
 *
 * @example
 * interface Env { STATE: KVNamespaceLike; API_KEY: string }
 * export default {
 *   scheduled: scheduledHandler<Env>({ name: "analytics", source: () => config, store: (env) => kvAdapter(env.STATE) }),
 * };
 */
export function scheduledHandler<Env extends object>(options: ScheduledSyncOptions<Env>): ScheduledHandler<Env> {
  return async (controller, env) => {
    const pipeline = createPipeline({
      name: typeof options.name === "function" ? options.name(env) : options.name,
      store: options.store(env),
      secrets: env as Record<string, unknown>,
      concurrency: Math.min(options.concurrency ?? WORKER_CONNECTION_LIMIT, WORKER_CONNECTION_LIMIT),
    });
    const report = await pipeline.run(options.source(env), {
      maxRequests: options.maxRequests ?? 50,
      ...options.run?.(env, controller),
    });
    await options.onReport?.(report, env);
  };
}

/**
 * A Workers `scheduled` handler. It resolves to nothing (the report goes to
 * `onReport`): Workers types a scheduled handler's result `void | Promise<void>`.
 */
export type ScheduledHandler<Env> = (
  controller: ScheduledControllerLike,
  env: Env,
  ctx?: ExecutionContextLike,
) => Promise<void>;
