import type { RetryPolicy } from "../config/source";

/** Exponential backoff: `backoffFactor × 2^attempt` seconds, capped, with equal jitter. In ms. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const capMs = policy.maxBackoff * 1000;
  const base = Math.min(capMs, policy.backoffFactor * 1000 * 2 ** attempt);
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date,
 * measured against the response's own `Date` when present so that clock skew
 * does not matter). `undefined` when absent, unparsable or not in the future.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const ms = Number(value) * 1000;
    return ms > 0 ? ms : undefined;
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const serverNow = Date.parse(headers.get("date") ?? "");
  const ms = at - (Number.isNaN(serverNow) ? now : serverNow);
  return ms > 0 ? ms : undefined;
}
