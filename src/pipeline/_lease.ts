import { sleep } from "../_async";
import { isStorageError, StorageError } from "../errors";
import type { StoreAdapter, StoreBatch } from "../store";
import { storeView } from "./_store-view";

/** The state entry that says which run holds a pipeline, until when (epoch ms, the holder's clock). */
export interface LeaseValue {
  owner: string;
  expires_at: number;
}

export const leaseKey = (pipeline: string): string => `${encodeURIComponent(pipeline)}//lease`;

export interface LeaseOptions {
  /** How long a lease lasts without renewal; it is renewed every third of it. */
  ttlMs: number;
  /** Wait for a live lease to end (polling, with backoff), or give up at once. */
  wait: boolean;
  signal: AbortSignal | undefined;
  now?: () => number;
}

/** A lease this run holds. */
export interface HeldLease {
  /** The store to run with: every batch it writes applies only while the lease is still this run's. */
  store: StoreAdapter;
  /** Stops renewing and removes the lease (if it is still ours). Never throws. */
  release(): Promise<void>;
}

const POLL_FIRST_MS = 100;
const POLL_MAX_MS = 2000;

const isConflict = (error: unknown) => isStorageError(error) && error.code === "store_conflict";

const isLive = (value: unknown, now: number): value is LeaseValue =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as LeaseValue).expires_at === "number" &&
  (value as LeaseValue).expires_at > now;

/**
 * Takes the pipeline's lease in `store` (an adapter with conditional writes):
 * reads it, and when it is absent or expired writes this run's, expecting what
 * it read, so of two runs that race for it one wins. While another run's live
 * lease holds the pipeline: waits (polling) or returns "busy"; "aborted" when
 * the signal ends the wait (a free lease is taken even when the signal has
 * aborted already: the run then stops as any aborted run does).
 */
export async function acquireLease(
  store: StoreAdapter,
  pipeline: string,
  options: LeaseOptions,
): Promise<HeldLease | "busy" | "aborted"> {
  const key = leaseKey(pipeline);
  const now = options.now ?? Date.now;
  const owner = `${now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  let delay = POLL_FIRST_MS;
  for (;;) {
    const seen = await store.getState(key);
    const at = now();
    if (!isLive(seen, at)) {
      const mine: LeaseValue = { owner, expires_at: at + options.ttlMs };
      try {
        await store.write({ state: [{ key, value: mine }], expect: [{ key, value: seen }] });
        await store.flush?.();
        return hold(store, pipeline, mine, options);
      } catch (error) {
        // Another run wrote the lease between our read and our write: read it again.
        if (isConflict(error)) continue;
        throw error;
      }
    }
    if (!options.wait) return "busy";
    // Poll until it is released, or until it expires if its holder stopped renewing it.
    const wait = Math.max(10, Math.min(delay, seen.expires_at - at));
    delay = Math.min(delay * 2, POLL_MAX_MS);
    const woke = await sleep(wait, options.signal).then(
      () => true,
      () => false,
    );
    if (!woke) return "aborted";
  }
}

function hold(store: StoreAdapter, pipeline: string, initial: LeaseValue, options: LeaseOptions): HeldLease {
  const lease = new Lease(store, pipeline, initial, options);
  return { store: storeView(store, { write: (batch) => lease.write(batch) }), release: () => lease.release() };
}

/** A lease held by this run: renewed on a timer, expected by every batch the run writes. */
class Lease {
  lost: string | undefined;
  readonly #store: StoreAdapter;
  readonly #key: string;
  readonly #pipeline: string;
  readonly #options: LeaseOptions;
  #current: LeaseValue;
  // Renewal changes the value every write expects, so it waits for writes in flight and holds new ones back.
  #inflight = 0;
  #idle: (() => void) | undefined;
  #renewing: Promise<void> | undefined;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(store: StoreAdapter, pipeline: string, initial: LeaseValue, options: LeaseOptions) {
    this.#store = store;
    this.#key = leaseKey(pipeline);
    this.#pipeline = pipeline;
    this.#options = options;
    this.#current = initial;
    this.#timer = setInterval(() => void this.#renew(), Math.max(1, Math.floor(options.ttlMs / 3)));
    // A run in progress keeps its process alive through its requests; the timer alone must not.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async write(batch: StoreBatch): Promise<void> {
    while (this.#renewing) await this.#renewing;
    if (this.lost) throw new StorageError(this.lost, { code: "store_conflict" });
    this.#inflight++;
    try {
      await this.#store.write({
        ...batch,
        expect: [...(batch.expect ?? []), { key: this.#key, value: this.#current }],
      });
    } catch (error) {
      throw isConflict(error) ? this.#lose(error) : error;
    } finally {
      if (--this.#inflight === 0) this.#idle?.();
    }
  }

  /** Stops renewing and removes the lease if it is still ours. Never throws: a lease left behind expires. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    while (this.#renewing) await this.#renewing;
    if (this.lost) return;
    try {
      await this.#store.write({
        state: [{ key: this.#key, value: undefined }],
        expect: [{ key: this.#key, value: this.#current }],
      });
      await this.#store.flush?.();
    } catch {
      // Taken over, or the store failed: either way the lease expires on its own.
    }
  }

  async #renew(): Promise<void> {
    if (this.#renewing || this.lost) return;
    let done!: () => void;
    this.#renewing = new Promise<void>((resolve) => (done = resolve));
    try {
      if (this.#inflight > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
      this.#idle = undefined;
      const next: LeaseValue = {
        owner: this.#current.owner,
        expires_at: (this.#options.now ?? Date.now)() + this.#options.ttlMs,
      };
      await this.#store.write({
        state: [{ key: this.#key, value: next }],
        expect: [{ key: this.#key, value: this.#current }],
      });
      this.#current = next;
      await this.#store.flush?.();
    } catch (error) {
      // A conflict means the lease is gone; any other failure is retried at the next tick (the lease is
      // still ours until someone takes it over, which a conflict on our next write would tell).
      if (isConflict(error)) this.#lose(error);
    } finally {
      this.#renewing = undefined;
      done();
    }
  }

  #lose(cause: unknown): StorageError {
    this.lost ??= `pipeline "${this.#pipeline}": another run took over this run's lease in the ${this.#store.name} store (this run held it for longer than ${this.#options.ttlMs} ms without renewing it); this run stores nothing more`;
    return new StorageError(this.lost, { code: "store_conflict", cause });
  }
}
