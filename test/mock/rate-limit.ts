/** Fixed- or sliding-window rate limiter on the wall clock. */
import type { MockResponse, RateLimitOptions } from "./api-types.js";
import { errorResponse } from "./http-util.js";

export class RateLimiter {
  private readonly stamps: number[] = [];
  private windowStart = 0;
  private count = 0;

  constructor(private readonly options: RateLimitOptions | undefined) {
    if (options && (!(options.requests > 0) || !(options.windowMs > 0))) {
      throw new Error("rateLimit needs requests > 0 and windowMs > 0");
    }
  }

  /** Consume budget for one request: null if allowed, else ms until a slot frees. */
  take(now: number): number | null {
    const limit = this.options;
    if (!limit) return null;
    if (limit.mode === "fixed") {
      if (this.count === 0 || now >= this.windowStart + limit.windowMs) {
        this.windowStart = now;
        this.count = 0;
      }
      if (this.count < limit.requests) {
        this.count++;
        return null;
      }
      return this.windowStart + limit.windowMs - now;
    }
    while (this.stamps.length > 0 && (this.stamps[0] as number) <= now - limit.windowMs) this.stamps.shift();
    if (this.stamps.length < limit.requests) {
      this.stamps.push(now);
      return null;
    }
    return (this.stamps[0] as number) + limit.windowMs - now;
  }

  /** The 429 answer for a request that has to wait `waitMs`. */
  response(waitMs: number, now: number): MockResponse {
    const mode = this.options?.retryAfter ?? "seconds";
    const headers: Record<string, string> = {};
    if (mode === "seconds") headers["retry-after"] = String(Math.max(1, Math.ceil(waitMs / 1000)));
    if (mode === "date")
      headers["retry-after"] = new Date(Math.ceil((now + Math.max(waitMs, 1)) / 1000) * 1000).toUTCString();
    return errorResponse(429, "rate limited", headers);
  }
}
