import { type Clock, onAbort, systemClock } from "../_async";
/** `client.rate_limit`: at least one rate; requests beyond it wait their turn. */
export interface RateLimitOptions {
  requests_per_second?: number | undefined;
  requests_per_minute?: number | undefined;
  requests_per_hour?: number | undefined;
  /** Requests that may go back to back after an idle spell. @default 1 */
  burst?: number | undefined;
}

/**
 * Fraction of the configured rate actually used. Spacing requests exactly
 * `window / limit` apart leaves no room for network jitter: against a
 * sliding-window server, request k+N arriving a millisecond "early" relative to
 * request k is a 429. 3% of the window absorbs that (1.8 s at 200/min).
 */
const PACE = 0.97;

/**
 * How late a request may leave and still be charged on schedule: timers fire a
 * few ms late under load, and without this every late tick would push all later
 * requests back and the achieved rate would sag. At most 1% of the window (a
 * third of the jitter margin above), half an interval, and 25 ms.
 */
const CATCH_UP = { ofWindow: 0.01, maxMs: 25 };

/** One rate as a generic cell rate: an emission interval and a burst tolerance, in ms. */
interface Cell {
  intervalMs: number;
  toleranceMs: number;
  /** Theoretical arrival time of the next request (GCRA). */
  tat: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  unsubscribe?: (() => void) | undefined;
}

/**
 * Client-side pacing: a GCRA per configured rate, and a FIFO of waiting
 * requests, each let go at the moment it is allowed and charged at the time it
 * actually leaves. With the default burst of 1 the first request goes at once
 * and the next ones about an interval apart: no window of the server's length
 * ever holds more than its limit, with room to spare for network jitter.
 */
export class RateLimiter {
  readonly #cells: Cell[];
  readonly #queue: Waiter[] = [];
  #timer: unknown;

  constructor(
    config: RateLimitOptions,
    private readonly clock: Clock = systemClock,
  ) {
    const burst = Math.max(1, Math.floor(config.burst ?? 1));
    const rates: Array<[number | undefined, number]> = [
      [config.requests_per_second, 1_000],
      [config.requests_per_minute, 60_000],
      [config.requests_per_hour, 3_600_000],
    ];
    this.#cells = rates
      .filter((rate): rate is [number, number] => rate[0] !== undefined && rate[0] > 0)
      .map(([requests, windowMs]) => {
        const intervalMs = windowMs / (requests * PACE);
        const catchUpMs = Math.min(intervalMs / 2, windowMs * CATCH_UP.ofWindow, CATCH_UP.maxMs);
        return { intervalMs, toleranceMs: (burst - 1) * intervalMs + catchUpMs, tat: -Infinity };
      });
  }

  /**
   * Resolves when one more request may be sent, and charges it. `guard` is told
   * when that would be before any waiting starts, and may throw to refuse (a
   * deadline). Rejects with the signal's reason when it aborts first.
   */
  async acquire(signal?: AbortSignal, guard?: (at: number) => void): Promise<void> {
    signal?.throwIfAborted();
    const now = this.clock.now();
    if (this.#queue.length === 0 && this.#allowedAt(now) <= now) {
      this.#charge(now);
      return;
    }
    guard?.(this.#projected(now));
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          if (this.#queue.length === 0) this.#stop();
          reject(signal!.reason);
        },
      };
      waiter.unsubscribe = signal ? onAbort(signal, waiter.onAbort) : undefined;
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  /** Earliest time the next request satisfies every rate. */
  #allowedAt(now: number): number {
    let at = now;
    for (const cell of this.#cells) at = Math.max(at, cell.tat - cell.toleranceMs);
    return at;
  }

  #charge(at: number): void {
    for (const cell of this.#cells) cell.tat = Math.max(cell.tat, at) + cell.intervalMs;
  }

  /** When a request joining the queue now would go, if every timer were punctual. */
  #projected(now: number): number {
    const saved = this.#cells.map((cell) => cell.tat);
    let at = now;
    for (let i = 0; i <= this.#queue.length; i++) {
      at = this.#allowedAt(at);
      this.#charge(at);
    }
    for (const [i, cell] of this.#cells.entries()) cell.tat = saved[i]!;
    return at;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const now = this.clock.now();
    this.#timer = this.clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#release();
      },
      Math.max(0, this.#allowedAt(now) - now),
    );
  }

  #release(): void {
    for (;;) {
      const now = this.clock.now();
      const next = this.#queue[0];
      if (!next || this.#allowedAt(now) > now) break;
      this.#queue.shift();
      next.unsubscribe?.();
      this.#charge(now);
      next.resolve();
    }
    this.#schedule();
  }

  #stop(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
