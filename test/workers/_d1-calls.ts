/**
 * Counts the D1 calls a Worker makes through its binding, the way D1 bills an
 * invocation's queries: one per `batch` (however many statements it holds), one per
 * `exec`, and one per `first`/`all`/`run`/`raw` of a statement outside a batch.
 * Runs inside workerd (a Worker wraps `env.DB` with it), so it imports nothing.
 */

/** D1 calls made through one wrapped binding. */
export interface D1Calls {
  /** `db.batch([...])` calls. */
  batches: number;
  /** Statements inside those batches. */
  batchedStatements: number;
  /** Statements run on their own: `first`, `all`, `run`, `raw`. */
  queries: number;
  /** `db.exec(sql)` calls. */
  execs: number;
}

export const noD1Calls = (): D1Calls => ({ batches: 0, batchedStatements: 0, queries: 0, execs: 0 });

/** All calls: what counts against D1's queries per invocation (50 on the free plan). */
export const totalD1Calls = (calls: D1Calls): number => calls.batches + calls.queries + calls.execs;

const RUNS = new Set(["first", "all", "run", "raw"]);

/** `db` with every call counted into `calls`; anything else passes through unchanged. */
export function countD1Calls<T extends object>(db: T, calls: D1Calls): T {
  // The binding's own statements, for `batch`: it takes only what its `prepare` made.
  const inner = new WeakMap<object, object>();
  const statement = (target: object): object => {
    const proxy = new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => statement(value.apply(t, args) as object);
        if (typeof prop === "string" && RUNS.has(prop))
          return (...args: unknown[]) => {
            calls.queries++;
            return value.apply(t, args);
          };
        return value.bind(t);
      },
    });
    inner.set(proxy, target);
    return proxy;
  };
  return new Proxy(db, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "prepare") return (sql: string) => statement(value.call(t, sql) as object);
      if (prop === "batch")
        return (statements: object[], ...rest: unknown[]) => {
          calls.batches++;
          calls.batchedStatements += statements.length;
          return value.call(
            t,
            statements.map((s) => inner.get(s) ?? s),
            ...rest,
          );
        };
      // A session (read replication) is a database of its own: its calls count too.
      if (prop === "withSession") return (...args: unknown[]) => countD1Calls(value.apply(t, args) as object, calls);
      if (prop === "exec")
        return (...args: unknown[]) => {
          calls.execs++;
          return value.apply(t, args);
        };
      return value.bind(t);
    },
  });
}
