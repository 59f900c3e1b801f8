import { type Clock, systemClock } from "../_async";
import { HttpError } from "../errors";
import { Budget, type BudgetOptions } from "./_budget";
import { HostCooldowns } from "./_cooldown";
import { RateLimiter, type RateLimitOptions } from "./_rate-limit";

/** Who is about to send, for waits and their errors. */
export interface AdmitContext {
  resource: string;
  signal: AbortSignal | undefined;
  /** Longest cooldown worth waiting for (the request's max_backoff), ms. */
  maxWaitMs: number;
  /** The request URL with secrets redacted, for errors. */
  /** The redacted URL, for messages (computed only when one is needed). */
  shown: () => string;
}

/**
 * The door every HTTP request of a run goes through, right before it is sent:
 * the host's cooldown, the rate limit, then the budget, which counts it.
 */
export class Admission {
  readonly budget: Budget;
  readonly cooldowns: HostCooldowns;
  readonly #limiter: RateLimiter | undefined;
  readonly #clock: Clock;

  constructor(options: {
    budget?: BudgetOptions | undefined;
    notBefore?: Readonly<Record<string, number>> | undefined;
    rateLimit?: RateLimitOptions | undefined;
    clock?: Clock | undefined;
  }) {
    this.#clock = options.clock ?? systemClock;
    this.budget = new Budget(options.budget, this.#clock);
    this.cooldowns = new HostCooldowns(options.notBefore, () => this.#clock.now());
    this.#limiter = options.rateLimit ? new RateLimiter(options.rateLimit, this.#clock) : undefined;
  }

  /**
   * Counts a request to `host` as sent and returns true when it has nothing to wait for (no rate
   * limit, no cooldown on its host): the common case, decided without a promise. False: it goes
   * through {@link admit}. Throws as `admit` does when the budget is spent.
   */
  admitNow(host: string): boolean {
    if (this.#limiter || this.cooldowns.get(host)) return false;
    this.budget.take();
    return true;
  }

  /** Resolves when a request to `host` may be sent, and counts it as sent; throws when the budget or a cooldown forbids it. */
  async admit(host: string, context: AdmitContext): Promise<void> {
    for (;;) {
      this.budget.check();
      await this.#cooldown(host, context);
      await this.#limiter?.acquire(context.signal, (at) => this.budget.guard(at, "rate-limit wait"));
      // A 429 may have paused the host while this request waited for its turn.
      if (!this.cooldowns.get(host)) break;
    }
    this.budget.take();
  }

  async #cooldown(host: string, context: AdmitContext): Promise<void> {
    for (let cooldown = this.cooldowns.get(host); cooldown; cooldown = this.cooldowns.get(host)) {
      const ms = cooldown.until - this.#clock.now();
      this.budget.guard(cooldown.until, `wait for ${host}'s cooldown (HTTP ${cooldown.status})`);
      if (ms > context.maxWaitMs) {
        const detail = `${host} asked not to be called before ${new Date(cooldown.until).toISOString()} (HTTP ${cooldown.status}), ${Math.ceil(ms / 1000)} s from now: more than max_backoff (${context.maxWaitMs / 1000} s)`;
        throw new HttpError({
          code: "http_status",
          status: cooldown.status,
          message: `${context.resource}: ${detail}`,
          url: context.shown(),
          attempts: 0,
          resource: context.resource,
        });
      }
      await this.budget.sleep(ms, context.signal);
    }
  }
}
