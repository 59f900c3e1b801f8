import { onAbort } from "../_async";
import { RestsyncError } from "../errors";

/** The API refused the run's credential: what was refused, where, and what to check. */
export interface Rejection {
  status: number;
  resource: string;
  /** One line saying which secret (or config field) to check. */
  message: string;
}

/**
 * A wrong key is one clear failure, not a storm of identical 401s. The first
 * request of a run that carries its credential goes alone; the others wait for
 * its answer. A 401 (after a token refresh) rejects the credential for the whole
 * run. So does a 403 from a second resource while no request with it has succeeded:
 * many APIs answer a bad key with 403, but one forbidden endpoint (answered first)
 * must not stop the others — once a request succeeds, a 403 is about its endpoint only.
 * Every request after a rejection fails at once with `credential_rejected`,
 * before it is sent.
 */
export class CredentialCheck {
  readonly #hint: string;
  readonly #onRejected: (rejection: Rejection) => void;
  #probe: Promise<void> | undefined;
  #release: (() => void) | undefined;
  #verified = false;
  #rejection: Rejection | undefined;
  /** Resources answered 403 before any request with the credential succeeded. */
  readonly #forbidden = new Set<string>();

  constructor(hint: string, onRejected: (rejection: Rejection) => void) {
    this.#hint = hint;
    this.#onRejected = onRejected;
  }

  get rejection(): Rejection | undefined {
    return this.#rejection;
  }

  /** The hint to add to the message of the response that rejected the credential. */
  get hint(): string {
    return this.#hint;
  }

  /**
   * Before a request that carries the credential: resolves to true when this
   * request is the probe the others wait for; throws once the credential is rejected.
   */
  admit(resource: string, signal: AbortSignal | undefined): boolean | Promise<boolean> {
    // Once verified (every request after the first), no promise: this runs for every request.
    if (this.#rejection) throw this.#rejected(resource);
    if (this.#verified) return false;
    if (!this.#probe) {
      this.#probe = new Promise<void>((resolve) => (this.#release = resolve));
      return true;
    }
    return waitFor(this.#probe, signal).then(() => this.admit(resource, signal));
  }

  /** After a request that carried the credential: its final HTTP status (0 without a response) and whether it was the probe. */
  settle(probe: boolean, status: number, resource: string): void {
    if (status > 0 && status < 400) this.#verified = true;
    else if (status === 403 && !this.#verified) this.#forbidden.add(resource);
    if (!this.#rejection && (status === 401 || (status === 403 && !this.#verified && this.#forbidden.size >= 2))) {
      this.#rejection = {
        status,
        resource,
        message: `the API rejected the credential (HTTP ${status} on ${resource}): ${this.#hint}`,
      };
      this.#onRejected(this.#rejection);
    }
    if (probe) {
      // Answered: the others go (or, when it failed some other way, the next becomes the probe).
      this.#probe = undefined;
      this.#release?.();
    }
  }

  #rejected(resource: string): RestsyncError {
    return new RestsyncError("credential_rejected", `${resource}: not sent: ${this.#rejection!.message}`, { resource });
  }
}

function waitFor(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const off = onAbort(signal, () => reject(signal.reason));
    void promise.then(() => {
      off();
      resolve();
    });
  });
}
