/**
 * The part of a Workers D1 binding the adapter calls, typed structurally: a
 * `D1Database` from `@cloudflare/workers-types` fits, and so does Miniflare's.
 */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>;
  run(): Promise<unknown>;
}

/** A D1 database: `env.DB` of a Worker whose wrangler config binds one. */
export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike;
  /** Runs the statements in order as one transaction: all of them, or none. */
  batch(statements: D1PreparedStatementLike[]): Promise<unknown[]>;
}

/** D1's limits the adapter works within (developers.cloudflare.com/d1/platform/limits). */
export const D1_LIMITS = {
  /** Columns of a table, and of a view's result. */
  columns: 100,
  /** Bound parameters of one statement. */
  params: 100,
  /** Bytes of a string, a BLOB or a row. */
  rowBytes: 2_000_000,
} as const;
