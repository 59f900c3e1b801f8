import { onAbort } from "../_async";
/** A request's signal: aborts when the caller's does, or with a `TimeoutError` after `ms`. */
export interface RequestSignal {
  signal: AbortSignal;
  /** Stops the timer and lets go of the caller's signal; call once the response body is read. */
  done(): void;
}

/**
 * One controller per request, held by its own timer and listener. Not
 * `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: Node holds a timeout
 * signal's timer weakly and a composite's sources weakly, so the timeout may be
 * garbage-collected mid-request and never fire (a hung server then hangs the
 * run), and every request would leave a listener on the caller's signal.
 */
export function requestSignal(parent: AbortSignal | undefined, ms: number): RequestSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError")), ms);
  let unsubscribe: (() => void) | undefined;
  if (parent?.aborted) controller.abort(parent.reason);
  else if (parent) unsubscribe = onAbort(parent, () => controller.abort(parent.reason));
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      unsubscribe?.();
    },
  };
}
