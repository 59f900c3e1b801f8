import type { StoreAdapter } from "../store";

export interface ExclusiveOptions {
  store: StoreAdapter;
  pipeline: string;
  mode: "wait" | "skip";
  signal: AbortSignal | undefined;
  /** Lease duration for stores that other processes can write (see `StoreAdapter.conditionalWrites`). */
  leaseMs: number;
}

/** What the task runs with: the store to write through (fenced by the lease, where there is one). */
export interface ExclusiveRun {
  store: StoreAdapter;
}

interface Slot {
  tail: Promise<unknown>;
  active: number;
}

/** Runs of each pipeline name per store object in this realm: keyed by the object, so two pipeline objects share them. */
const slots = new WeakMap<StoreAdapter, Map<string, Slot>>();

/**
 * Runs `task` as the only run of `pipeline` on `store`, or returns `busy(…)`
 * without running it when `mode` is "skip" and another holds it. Three layers,
 * each covering more writers: runs in this realm on the same store object
 * (a queue), in other tabs and workers of this origin (Web Locks, where they
 * exist), and anywhere else that can write the store (a lease in its state,
 * for adapters with conditional writes that others share).
 */
export function runExclusively<T>(
  options: ExclusiveOptions,
  task: (run: ExclusiveRun) => Promise<T>,
  busy: (reason: "running" | "aborted") => T,
): Promise<T> {
  const { store, pipeline, mode } = options;
  let byName = slots.get(store);
  if (!byName) slots.set(store, (byName = new Map()));
  let slot = byName.get(pipeline);
  if (mode === "skip" && slot && slot.active > 0) return Promise.resolve(busy("running"));
  if (!slot) byName.set(pipeline, (slot = { tail: Promise.resolve(), active: 0 }));
  const own = slot;
  own.active++;
  const next = own.tail
    .then(() =>
      withWebLock(
        `restsync:${store.name}:${pipeline}`,
        mode,
        (locked) => leased(options, locked, task, busy),
        () => busy("running"),
      ),
    )
    .finally(() => {
      if (--own.active === 0 && byName.get(pipeline) === own) byName.delete(pipeline);
    });
  own.tail = next.catch(() => undefined);
  return next;
}

async function leased<T>(
  options: ExclusiveOptions,
  webLocked: boolean,
  task: (run: ExclusiveRun) => Promise<T>,
  busy: (reason: "running" | "aborted") => T,
): Promise<T> {
  const { store } = options;
  // A lease is needed only where writers outside this realm's queue and Web Locks can reach the store.
  const covered = store.sharedWith === "nobody" || (store.sharedWith === "origin" && webLocked);
  if (!store.conditionalWrites || covered) return task({ store });
  // Loaded on first use: no built-in adapter needs a lease, so it stays off an app's default bundle.
  const { acquireLease } = await import("./_lease");
  const lease = await acquireLease(store, options.pipeline, {
    ttlMs: options.leaseMs,
    wait: options.mode === "wait",
    signal: options.signal,
  });
  if (lease === "busy" || lease === "aborted") return busy(lease === "busy" ? "running" : "aborted");
  try {
    return await task({ store: lease.store });
  } finally {
    await lease.release();
  }
}

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** Runs `task` holding the named Web Lock when the runtime has Web Locks (browsers, Deno); else runs it directly. */
function withWebLock<T>(
  lockName: string,
  mode: "wait" | "skip",
  task: (locked: boolean) => Promise<T>,
  onBusy: () => T,
): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (!locks) return task(false);
  return locks.request(lockName, { ifAvailable: mode === "skip" }, async (lock) =>
    lock === null ? onBusy() : task(true),
  );
}
