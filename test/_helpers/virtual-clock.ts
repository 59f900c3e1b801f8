import type { Clock } from "../../src/_async";

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock for timing tests that no machine load can disturb. Time stands still
 * until nothing is left to do but wait: then it jumps to the earliest timer and
 * fires it. "Nothing left to do" means no request on the wire (requests go
 * through {@link VirtualClock.fetch}) and a real macrotask has passed, so the
 * code under test has run as far as it can. The wire takes no virtual time:
 * a server that reads {@link VirtualClock.now} sees a request at the very
 * instant the client let it go, so pacing and windows can be asserted exactly.
 *
 * Request timeouts stay on real time (see `HttpClientOptions.clock`).
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #inFlight = 0;
  #stepping = false;
  /** Most requests on the wire at once, as the client sent them. */
  maxInFlight = 0;
  /** Virtual time of every request sent through {@link fetch}, in order. */
  readonly sent: Array<{ at: number; url: string }> = [];

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.#now = start;
  }

  now = (): number => this.#now;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.push(timer);
    this.#kick();
    return timer;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers = this.#timers.filter((timer) => timer !== handle);
  };

  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Wraps `inner` so that the clock waits while a request is on the wire, and logs when each one left. */
  fetch(inner: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      this.sent.push({ at: this.#now, url: input instanceof Request ? input.url : String(input) });
      this.maxInFlight = Math.max(this.maxInFlight, ++this.#inFlight);
      try {
        return await inner(input, init);
      } finally {
        this.#inFlight--;
        this.#kick();
      }
    };
  }

  /** Fires the earliest timer once the code under test is idle; again until none is left. */
  #kick(): void {
    if (this.#stepping) return;
    this.#stepping = true;
    // A real macrotask: every promise chain the last event started has run by then.
    setTimeout(() => {
      this.#stepping = false;
      if (this.#inFlight > 0 || this.#timers.length === 0) return;
      let next = this.#timers[0]!;
      for (const timer of this.#timers)
        if (timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      this.#kick();
    }, 0);
  }
}
