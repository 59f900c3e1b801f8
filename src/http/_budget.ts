import { type Clock, sleep, systemClock } from "../_async";
import { BudgetExhaustedError } from "../errors";

/** Limits of one run: how many HTTP requests it may send and until when. */
export interface BudgetOptions {
  /** HTTP requests this client may send, retries, redirects and token requests included. */
  maxRequests?: number;
  /** Epoch ms after which no request is sent and no wait is begun that would end later. */
  deadline?: number;
}

/** Counts requests and guards every send and every wait against the run's budget. */
export class Budget {
  #sent = 0;

  constructor(
    private readonly options: BudgetOptions = {},
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): number {
    return this.clock.now();
  }

  /** HTTP requests sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Throws unless one more request may be sent now. */
  check(): void {
    const { maxRequests, deadline } = this.options;
    if (maxRequests !== undefined && this.#sent >= maxRequests) {
      throw new BudgetExhaustedError(
        "max_requests",
        `request budget exhausted: ${this.#sent} of ${maxRequests} request(s) sent`,
      );
    }
    if (deadline !== undefined && this.now() >= deadline) {
      throw new BudgetExhaustedError(
        "deadline",
        `deadline reached at ${new Date(deadline).toISOString()}; no further request is sent`,
      );
    }
  }

  /** Checks and counts one request about to be sent. */
  take(): void {
    this.check();
    this.#sent++;
  }

  /** Throws when a wait ending at `at` (epoch ms) would end after the deadline. */
  guard(at: number, what = "wait"): void {
    const { deadline } = this.options;
    if (deadline !== undefined && at > deadline) {
      const seconds = Math.max(0, (at - this.now()) / 1000).toFixed(1);
      throw new BudgetExhaustedError(
        "deadline",
        `a ${seconds} s ${what} would end after the deadline (${new Date(deadline).toISOString()}); stopping now`,
      );
    }
  }

  /** {@link sleep}, refused at once when it would end after the deadline. */
  async sleep(ms: number, signal: AbortSignal | undefined, what?: string): Promise<void> {
    this.guard(this.now() + ms, what);
    await sleep(ms, signal, this.clock);
  }
}
