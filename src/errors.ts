/** Machine-readable error codes, one per failure users handle differently. */
export type RestsyncErrorCode =
  | "config_invalid"
  | "secret_missing"
  | "http_status"
  | "http_network"
  | "http_timeout"
  | "response_invalid"
  | "response_too_large"
  | "url_refused"
  | "redirect_refused"
  | "redirect_loop"
  | "page_limit"
  | "selector_no_match"
  | "paginator_loop"
  | "record_invalid"
  | "storage_failed"
  | "store_conflict"
  | "store_format"
  | "store_driver_missing"
  | "parent_failed"
  | "parent_field_missing"
  | "credential_rejected"
  | "budget_exhausted"
  | "aborted"
  | "records_failed";

/** Marks restsync errors; `Symbol.for` is one symbol in every bundle and realm, so the guard needs no instanceof. */
const BRAND = Symbol.for("restsync.error");

/** Root of every error restsync throws or reports. Match with {@link isRestsyncError}. */
export class RestsyncError extends Error {
  override readonly name: string = "RestsyncError";
  readonly code: RestsyncErrorCode;
  /** Resource the error belongs to, when there is one. */
  readonly resource: string | undefined;

  constructor(code: RestsyncErrorCode, message: string, options: { cause?: unknown; resource?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.resource = options.resource;
  }

  /** A JSON-serialisable view, safe for reports (messages never hold secrets). */
  toJSON(): { name: string; code: RestsyncErrorCode; message: string; resource?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.resource ? { resource: this.resource } : {}),
    };
  }
}

Object.defineProperty(RestsyncError.prototype, BRAND, { value: true });

/** One problem found in a configuration, with where it is. */
export interface ConfigIssue {
  /** Dotted path into the config, e.g. `resources[6].endpoint.paginator.type`. */
  path: string;
  message: string;
}

/** The configuration (or a secret it needs) is invalid. Lists every issue at once. */
export class ConfigError extends RestsyncError {
  override readonly name = "ConfigError" as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], code: "config_invalid" | "secret_missing" = "config_invalid") {
    const lines = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    const head = issues.length === 1 ? "Invalid restsync config" : `Invalid restsync config (${issues.length} issues)`;
    super(code, `${head}:\n  - ${lines.join("\n  - ")}`);
    this.issues = issues;
  }
}

/** An HTTP request failed: a non-retryable status, or retries ran out. */
export class HttpError extends RestsyncError {
  override readonly name = "HttpError" as const;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  /** Request URL with secrets redacted. */
  readonly url: string;
  /** How many attempts were made, retries included. */
  readonly attempts: number;
  /**
   * The start of the error response's body (secrets redacted), kept out of `message` as dlt
   * keeps it out of its errors: an API's error text can hold personal data. `undefined` without one.
   */
  readonly body: string | undefined;

  constructor(init: {
    code: "http_status" | "http_network" | "http_timeout";
    message: string;
    status: number;
    url: string;
    attempts: number;
    resource?: string;
    cause?: unknown;
    body?: string | undefined;
  }) {
    super(init.code, init.message, init);
    this.status = init.status;
    this.url = init.url;
    this.attempts = init.attempts;
    this.body = init.body;
  }

  override toJSON() {
    const body = this.body ? { body: this.body } : {};
    return { ...super.toJSON(), status: this.status, url: this.url, attempts: this.attempts, ...body };
  }
}

/** Codes of a {@link ResponseError}. */
export type ResponseErrorCode =
  | "response_invalid"
  | "response_too_large"
  | "url_refused"
  | "redirect_refused"
  | "redirect_loop"
  | "page_limit"
  | "selector_no_match"
  | "paginator_loop"
  | "record_invalid";

/**
 * A response arrived but cannot be used, and sending it again would not help: invalid
 * JSON, a body over max_response_size, a next link or redirect restsync refuses to
 * follow, a redirect loop, a page chain past its limit, a selector mismatch, a paginator
 * loop, an invalid record.
 */
export class ResponseError extends RestsyncError {
  override readonly name = "ResponseError" as const;
  /** Request URL with secrets redacted. */
  readonly url: string;

  constructor(code: ResponseErrorCode, message: string, init: { url: string; resource?: string; cause?: unknown }) {
    super(code, message, init);
    this.url = init.url;
  }

  override toJSON() {
    return { ...super.toJSON(), url: this.url };
  }
}

/**
 * The storage adapter failed to read or write (`storage_failed`), refused a
 * conditional write because another run changed the state it expected
 * (`store_conflict`), or holds a layout this restsync cannot read (`store_format`),
 * or needs a driver package that is not installed (`store_driver_missing`).
 */
export class StorageError extends RestsyncError {
  override readonly name = "StorageError" as const;
  constructor(
    message: string,
    options: {
      cause?: unknown;
      resource?: string;
      code?: "storage_failed" | "store_conflict" | "store_format" | "store_driver_missing";
    } = {},
  ) {
    super(options.code ?? "storage_failed", message, options);
  }
}

function hasName(error: unknown, name: string): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === name;
}

/** True for any restsync error, across bundles and realms (by a brand every subclass inherits, not a list of names). */
export function isRestsyncError(error: unknown): error is RestsyncError {
  return (
    error instanceof RestsyncError ||
    (typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true)
  );
}
/** True for a {@link ConfigError}, across bundles and realms. */
export const isConfigError = (error: unknown): error is ConfigError =>
  error instanceof ConfigError || hasName(error, "ConfigError");
/** True for an {@link HttpError}, across bundles and realms. */
export const isHttpError = (error: unknown): error is HttpError =>
  error instanceof HttpError || hasName(error, "HttpError");
/** True for a {@link ResponseError}, across bundles and realms. */
export const isResponseError = (error: unknown): error is ResponseError =>
  error instanceof ResponseError || hasName(error, "ResponseError");
/** True for a {@link StorageError}, across bundles and realms. */
export const isStorageError = (error: unknown): error is StorageError =>
  error instanceof StorageError || hasName(error, "StorageError");

/**
 * A run's budget (`maxRequests` or `deadline`) ran out before a request could be
 * sent or a wait could end. Not a failure: the run stops cleanly and the next one
 * resumes where this one stopped.
 */
export class BudgetExhaustedError extends RestsyncError {
  override readonly name = "BudgetExhaustedError" as const;
  readonly reason: "max_requests" | "deadline";
  constructor(reason: "max_requests" | "deadline", message: string) {
    super("budget_exhausted", message);
    this.reason = reason;
  }
}

/** True for a {@link BudgetExhaustedError}, across bundles and realms. */
export const isBudgetExhaustedError = (error: unknown): error is BudgetExhaustedError =>
  error instanceof BudgetExhaustedError || hasName(error, "BudgetExhaustedError");
