/** A host asked not to be called again before `until` (epoch ms), with the status that asked. */
export interface Cooldown {
  until: number;
  status: number;
}

/**
 * Per-host "not before" times from 429/503 answers: one Retry-After holds back
 * every request to that host, not only the one that got it.
 */
export class HostCooldowns {
  readonly #hosts = new Map<string, Cooldown>();

  constructor(
    initial: Readonly<Record<string, number>> | undefined,
    private readonly now: () => number = Date.now,
  ) {
    // A previous run's cooldown: the status is unknown, 429 is what pauses a host.
    for (const [host, until] of Object.entries(initial ?? {})) {
      if (Number.isFinite(until)) this.pause(host, until, 429);
    }
  }

  /** Holds `host` back until `until`, unless it is already held longer. */
  pause(host: string, until: number, status: number): void {
    const current = this.#hosts.get(host);
    if (!current || current.until < until) this.#hosts.set(host, { until, status });
  }

  /** The host's cooldown when it is still running. */
  get(host: string): Cooldown | undefined {
    const cooldown = this.#hosts.get(host);
    if (cooldown && cooldown.until > this.now()) return cooldown;
    if (cooldown) this.#hosts.delete(host);
    return undefined;
  }

  /** Host → epoch ms, only cooldowns still running. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const host of [...this.#hosts.keys()]) {
      const cooldown = this.get(host);
      if (cooldown) out[host] = cooldown.until;
    }
    return out;
  }
}

/** The `host[:port]` a URL goes to: cooldowns are per host. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
