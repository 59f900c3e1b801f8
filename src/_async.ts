/**
 * Runs `listener` when `signal` aborts; returns the unsubscribe. One real listener
 * per signal serves every subscriber, so hundreds of waiters on a run's signal
 * do not pile listeners on it (Node warns past ten).
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = subscribers.get(signal);
  if (!listeners) {
    const set = new Set<() => void>();
    listeners = set;
    subscribers.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        subscribers.delete(signal);
        for (const fn of set) fn();
      },
      { once: true },
    );
  }
  listeners.add(listener);
  const set = listeners;
  return () => void set.delete(listener);
}

const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Where time is read and waited for: the system's clock by default. Code that
 * paces or waits (rate limit, cooldowns, backoff, deadlines) takes one, so tests
 * can run it on a virtual clock and assert exact times whatever the machine's load.
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Calls `callback` once `ms` have passed on this clock; the handle goes to `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: `Date.now` and the runtime's timers (looked up at each call, so fake timers still apply). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const unsubscribe = signal
      ? onAbort(signal, () => {
          clock.clearTimeout(timer);
          reject(signal.reason);
        })
      : undefined;
    const timer = clock.setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, ms);
  });
}

/** Limits how many tasks run at once; waiting is abortable. */
export class Semaphore {
  #free: number;
  readonly #waiters: Array<() => void> = [];

  constructor(size: number) {
    this.#free = Math.max(1, Math.floor(size));
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = () => {
        unsubscribe?.();
        resolve();
      };
      const unsubscribe = signal
        ? onAbort(signal, () => {
            const at = this.#waiters.indexOf(waiter);
            if (at >= 0) this.#waiters.splice(at, 1);
            reject(signal.reason);
          })
        : undefined;
      this.#waiters.push(waiter);
    });
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

/** A signal that aborts when any of `signals` does (AbortSignal.any where available). */
export function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
  const list = signals.filter((s): s is AbortSignal => s !== undefined);
  if (list.length === 1) return list[0]!;
  const native = (AbortSignal as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (native) return native(list);
  const controller = new AbortController();
  for (const signal of list) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Runs `worker` over `items` with at most `limit` in flight; stops starting new ones after the first failure. */
export async function forEachLimited<T>(
  items: Iterable<T>,
  limit: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure) throw failure.error;
}
