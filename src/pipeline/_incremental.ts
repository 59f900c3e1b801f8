import { findFirst } from "../_jsonpath";
import type { IncrementalConfig, JsonRecord } from "../config/_schema";

/** A cursor value as records carry it: an ISO date or other string, or a number. */
export type CursorValue = string | number;

/** What the state keeps about a resource's cursor. */
export interface CursorState {
  /** Highest cursor value stored so far. */
  last_value: CursorValue;
  /** Keys of stored records whose cursor equals `last_value`: a later record tied with it is still new. */
  boundary_keys: string[];
  /**
   * More records tie at `last_value` than the state keeps keys for (see
   * {@link MAX_BOUNDARY_KEYS}): every record at exactly that value counts as new
   * next time (written again, never missed) until the cursor moves on.
   */
  boundary_overflow?: true;
}

/** Most keys of records tied at the cursor the state keeps; past it, ties are re-read instead. */
export const MAX_BOUNDARY_KEYS = 10_000;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Orders cursor values: numbers numerically, ISO dates as instants, other strings by code unit. */
export function compareCursor(a: CursorValue, b: CursorValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
      const diff = Date.parse(a) - Date.parse(b);
      if (!Number.isNaN(diff)) return diff;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const na = Number(a);
  const nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** `value` moved back by `lag` (seconds for ISO dates, units for numbers). */
function lagged(value: CursorValue, lag: number | undefined): CursorValue {
  if (!lag) return value;
  if (typeof value === "number") return value - lag;
  if (ISO_DATE.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return new Date(at - lag * 1000).toISOString();
  }
  return value;
}

export type Verdict = "new" | "seen" | "missing";

/** What the records seen so far showed: the highest cursor value and the keys at it. Saved when a run stops mid-way. */
export interface ObservedCursor {
  max?: CursorValue;
  keys: string[];
  overflow?: true;
}

/**
 * Client-side incremental filter for one run of one resource: decides which
 * records are new, tracks the highest cursor value, and yields the next state
 * once every record it covers is stored.
 */
export class IncrementalFilter {
  readonly #config: IncrementalConfig;
  readonly #previous: CursorState | undefined;
  readonly #boundary: ReadonlySet<string>;
  #max: CursorValue | undefined;
  #maxKeys = new Set<string>();
  /** More ties at #max than are kept: #maxKeys is empty and stays so. */
  #overflow = false;

  constructor(config: IncrementalConfig, previous: CursorState | undefined, observed?: ObservedCursor) {
    this.#config = config;
    this.#previous = previous;
    this.#boundary = new Set(config.lag ? [] : (previous?.boundary_keys ?? []));
    this.#max = previous?.last_value;
    if (previous) this.#maxKeys = new Set(previous.boundary_keys);
    this.#overflow = previous?.boundary_overflow === true;
    if (observed?.max !== undefined) {
      for (const key of observed.keys.length > 0 ? observed.keys : [""]) this.#observe(observed.max, key);
      if (observed.overflow && compareCursor(observed.max, this.#max!) === 0) this.#overflowed();
    }
  }

  /** The observations so far, to resume this filter in a later run of the same cycle. */
  observed(): ObservedCursor {
    return { ...(this.#max === undefined ? {} : { max: this.#max }), keys: [...this.#maxKeys], ...(this.#overflow ? { overflow: true as const } : {}) };
  }

  /** The value sent as start_param / `{incremental.start_value}`. */
  get startValue(): CursorValue | undefined {
    const last = this.#previous?.last_value;
    return last === undefined ? this.#config.initial_value : lagged(last, this.#config.lag);
  }

  get endValue(): CursorValue | undefined {
    return this.#config.end_value;
  }

  /** The record's cursor value, or undefined when it has none usable. */
  cursorOf(record: JsonRecord): CursorValue | undefined {
    const value = findFirst(record, this.#config.cursor_path);
    return typeof value === "string" || typeof value === "number" ? value : undefined;
  }

  /** Judges one record, identified by `key`, and notes its cursor value. */
  judge(record: JsonRecord, key: string): Verdict {
    const value = this.cursorOf(record);
    if (value === undefined) return "missing";
    const end = this.#config.end_value;
    if (end !== undefined && compareCursor(value, end) >= 0) return "seen";
    this.#observe(value, key);
    const start = this.startValue;
    if (start === undefined) return "new";
    const order = compareCursor(value, start);
    if (order > 0) return "new";
    if (order < 0) return "seen";
    // Exactly at the boundary: new unless this very record was stored at that value before.
    if (this.#config.lag) return "new";
    return this.#previous === undefined || !this.#boundary.has(key) ? "new" : "seen";
  }

  #observe(value: CursorValue, key: string): void {
    const order = this.#max === undefined ? 1 : compareCursor(value, this.#max);
    if (order > 0) {
      this.#max = value;
      this.#maxKeys = new Set([key]);
      this.#overflow = false;
    } else if (order === 0 && !this.#overflow) {
      this.#maxKeys.add(key);
      if (this.#maxKeys.size > MAX_BOUNDARY_KEYS) this.#overflowed();
    }
  }

  /** Too many ties to keep their keys: state stays bounded, and the ties are re-read until the cursor moves. */
  #overflowed(): void {
    this.#overflow = true;
    this.#maxKeys = new Set();
  }

  /**
   * State to commit once the run's records are stored; the previous one when nothing
   * may move (end_value backfills). A date cursor is never stored past `notAfter`
   * (the API's time when reading began): a record changed while pages were read, or
   * dated in the future, would otherwise be hidden behind a later value.
   */
  nextState(notAfter?: number): CursorState | undefined {
    if (this.#config.end_value !== undefined) return this.#previous;
    if (this.#max === undefined) return this.#previous;
    if (notAfter !== undefined && typeof this.#max === "string" && ISO_DATE.test(this.#max) && Date.parse(this.#max) > notAfter) {
      const capped = new Date(notAfter).toISOString();
      // Never move a cursor backwards past what an earlier cycle committed.
      if (this.#previous && compareCursor(this.#previous.last_value, capped) >= 0) return this.#previous;
      return { last_value: capped, boundary_keys: [] };
    }
    if (this.#overflow) return { last_value: this.#max, boundary_keys: [], boundary_overflow: true };
    return { last_value: this.#max, boundary_keys: [...this.#maxKeys].filter((key) => key !== "") };
  }
}
