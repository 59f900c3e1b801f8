import { onAbort } from "../_async";

/** A request's signal: aborts when the caller's does, or with a `TimeoutError` once the request has run its timeout. */
export interface RequestSignal {
  signal: AbortSignal;
  /** Lets go of the timer and the caller's signal; call once the response body is read. */
  done(): void;
}

/** Requests that start within one window share a controller and its timer. */
interface Slot {
  controller: AbortController;
  parent: AbortSignal | undefined;
  openedAt: number;
  /** Requests started in this window and not done yet (the count that frees it). */
  users: number;
  /** Requests started in this window, done or not. */
  started: number;
  timer: ReturnType<typeof setTimeout>;
  unsubscribe: (() => void) | undefined;
}

/** Most requests started in one window: each may leave a listener on its signal until it is garbage-collected, and fetch implementations walk those listeners. */
const MAX_PER_WINDOW = 16;

/** Longest window, ms. Short, because fetch implementations may keep a listener on a signal until the request is garbage-collected (Node's does): a window's signal collects one per request started in it. */
const MAX_WINDOW_MS = 20;

/**
 * Request timeouts on shared controllers. Every request needs a signal that
 * aborts after `ms`; an `AbortController` (costly to create in Node), a timer
 * and a listener on the caller's signal per request were a measurable share of
 * a sync's CPU time. Requests that start within the same short window (at most
 * 20 ms, a hundredth of the timeout) share one controller, aborted `ms + window`
 * after the window opened: each request is given at least `ms` and at most
 * `ms + window`, and when the timer fires every request still using it has run
 * at least `ms`. A timeout shorter than 100 ms gets a controller per request.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: Node holds a timeout
 * signal's timer weakly and a composite's sources weakly, so the timeout may be
 * garbage-collected mid-request and never fire (a hung server then hangs the run).
 * Here the timer holds its controller until it fires or its last request is done.
 */
export class RequestTimeouts {
  readonly #ms: number;
  readonly #windowMs: number;
  #current: Slot | undefined;

  constructor(
    ms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#ms = ms;
    this.#windowMs = Math.min(MAX_WINDOW_MS, Math.floor(ms / 100));
  }

  /** A signal for one request that starts now, under the caller's `parent` signal. */
  start(parent: AbortSignal | undefined): RequestSignal {
    let slot = this.#current;
    if (
      !slot ||
      slot.parent !== parent ||
      slot.controller.signal.aborted ||
      slot.started >= MAX_PER_WINDOW ||
      this.now() - slot.openedAt >= this.#windowMs
    ) {
      slot = this.#open(parent);
    }
    slot.users++;
    slot.started++;
    let released = false;
    return {
      signal: slot.controller.signal,
      done: () => {
        if (released) return;
        released = true;
        if (--slot.users === 0) this.#close(slot);
      },
    };
  }

  /** A new window; the one it replaces stops taking requests and ends once its last one is done. */
  #open(parent: AbortSignal | undefined): Slot {
    const controller = new AbortController();
    const ms = this.#ms;
    const slot: Slot = {
      controller,
      parent,
      openedAt: this.now(),
      users: 0,
      started: 0,
      timer: setTimeout(() => {
        slot.unsubscribe?.();
        if (this.#current === slot) this.#current = undefined;
        controller.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError"));
      }, ms + this.#windowMs),
      unsubscribe: undefined,
    };
    if (parent?.aborted) controller.abort(parent.reason);
    else if (parent) slot.unsubscribe = onAbort(parent, () => controller.abort(parent.reason));
    this.#current = slot;
    return slot;
  }

  /** No request uses the window any more: its timer and listener go, so nothing is left to keep a process alive. */
  #close(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.unsubscribe?.();
    if (this.#current === slot) this.#current = undefined;
  }
}
