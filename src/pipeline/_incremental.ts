import { findFirst } from "../_jsonpath";
import type { IncrementalConfig } from "../config/types";
import type { JsonRecord } from "../store";
import { type CursorOrder, cappedAt, compareOrder, cursorOrder, lagged } from "./_cursor-order";
import type { CursorState, CursorValue, ObservedCursor } from "./state";

export { compareCursor } from "./_cursor-order";
export type { CursorState, CursorValue, ObservedCursor } from "./state";

/** Most keys of records tied at the cursor the state keeps; past it, ties are re-read instead. */
export const MAX_BOUNDARY_KEYS = 10_000;

export type Verdict = "new" | "seen" | "missing";

/** Where `a` stands from `b` the way the cursor moves: > 0 further on, < 0 behind, 0 level. */
export type Direction = (a: CursorOrder, b: CursorOrder) => number;

/** The order `last_value_func` gives: `max` the values' own, `min` its reverse, a function what it picks. */
export function directionOf(func: IncrementalConfig["last_value_func"] | undefined): Direction {
  if (func === "max" || func === undefined) return compareOrder;
  if (func === "min") return (a, b) => compareOrder(b, a);
  // A function returns the value further on of those given (dlt calls it with a sequence too).
  return (a, b) => (compareOrder(a, b) === 0 ? 0 : func([a.raw, b.raw]) === a.raw ? 1 : -1);
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
  /** Start and end values, read for ordering once: each record's value is read once and compared with these. */
  readonly #start: { value: CursorValue; order: CursorOrder } | undefined;
  readonly #end: CursorOrder | undefined;
  #max: { value: CursorValue; order: CursorOrder } | undefined;
  #maxKeys = new Set<string>();
  /** More ties at #max than are kept: #maxKeys is empty and stays so. */
  #overflow = false;
  /** The cursor's order under `last_value_func` ("max" below means "furthest on"): 1 for max, -1 for min. */
  readonly #sign: number;
  /** A last_value_func function's order, else undefined (max and min compare directly: the hot path). */
  readonly #custom: Direction | undefined;
  /** `lag` towards older values (dlt applies none beside a custom last_value_func). */
  readonly #lag: number | undefined;
  /**
   * With `row_order`, a record past the range was seen: every later record is past
   * it too, so the chain stops after this page. Only a record strictly behind the
   * start counts under a closed start, so ties at the boundary on later pages are read.
   */
  pastRange = false;

  constructor(config: IncrementalConfig, previous: CursorState | undefined, observed?: ObservedCursor) {
    this.#config = config;
    this.#previous = previous;
    const func = config.last_value_func;
    this.#sign = func === "min" ? -1 : 1;
    this.#custom = typeof func === "function" ? directionOf(func) : undefined;
    this.#lag = typeof func === "function" || !config.lag ? undefined : func === "min" ? -config.lag : config.lag;
    this.#boundary = new Set(this.#lag ? [] : (previous?.boundary_keys ?? []));
    let start = previous === undefined ? config.initial_value : lagged(previous.last_value, this.#lag);
    // As dlt's apply_lag: lag never moves the start behind initial_value.
    const initial = config.initial_value;
    if (this.#lag && start !== undefined && initial !== undefined)
      if (this.#compare(cursorOrder(start), cursorOrder(initial)) < 0) start = initial;
    this.#start = start === undefined ? undefined : { value: start, order: cursorOrder(start) };
    this.#end = config.end_value === undefined ? undefined : cursorOrder(config.end_value);
    if (previous) {
      this.#max = { value: previous.last_value, order: cursorOrder(previous.last_value) };
      this.#maxKeys = new Set(previous.boundary_keys);
    }
    this.#overflow = previous?.boundary_overflow === true;
    if (observed?.max !== undefined) {
      const order = cursorOrder(observed.max);
      for (const key of observed.keys.length > 0 ? observed.keys : [""]) this.#observe(observed.max, order, key);
      if (observed.overflow && this.#compare(order, this.#max!.order) === 0) this.#overflowed();
    }
  }

  /** The observations so far, to resume this filter in a later run of the same cycle. */
  observed(): ObservedCursor {
    return {
      ...(this.#max === undefined ? {} : { max: this.#max.value }),
      keys: [...this.#maxKeys],
      ...(this.#overflow ? { overflow: true as const } : {}),
    };
  }

  /** The value sent as start_param / `{incremental.start_value}` / `{incremental.last_value}`: the stored cursor less `lag`, else `initial_value`. */
  get startValue(): CursorValue | undefined {
    return this.#start?.value;
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
    const order = cursorOrder(value);
    // range_end "closed" keeps a record at end_value: only one strictly past it is out.
    if (this.#end && this.#compare(order, this.#end) >= (this.#config.range_end === "closed" ? 1 : 0)) {
      if (this.#config.row_order === "asc") this.pastRange = true;
      return "seen";
    }
    this.#observe(value, order, key);
    if (!this.#start) return "new";
    const position = this.#compare(order, this.#start.order);
    if (position > 0) return "new";
    if (position < 0 || this.#config.range_start === "open") {
      if (this.#config.row_order === "desc") this.pastRange = true;
      return "seen";
    }
    // Exactly at the boundary: new unless this very record was stored at that value before.
    if (this.#lag) return "new";
    return this.#previous === undefined || !this.#boundary.has(key) ? "new" : "seen";
  }

  #compare(a: CursorOrder, b: CursorOrder): number {
    return this.#custom === undefined ? this.#sign * compareOrder(a, b) : this.#custom(a, b);
  }

  #observe(value: CursorValue, order: CursorOrder, key: string): void {
    const position = this.#max === undefined ? 1 : this.#compare(order, this.#max.order);
    if (position > 0) {
      this.#max = { value, order };
      this.#maxKeys = new Set([key]);
      this.#overflow = false;
    } else if (position === 0 && !this.#overflow) {
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
   * may move (end_value backfills). A timestamp cursor is never stored past `notAfter`
   * (the API's time when reading began, epoch ms): a record changed while pages were
   * read, or dated in the future, would otherwise be hidden behind a later value. The
   * capped value keeps the cursor's form (zone, separator, fraction digits).
   */
  nextState(notAfter?: number): CursorState | undefined {
    if (this.#config.end_value !== undefined) return this.#previous;
    if (this.#max === undefined) return this.#previous;
    // Only a cursor that grows with time can run ahead of the API's clock.
    const capped =
      notAfter === undefined || (this.#config.last_value_func ?? "max") !== "max"
        ? undefined
        : cappedAt(this.#max.order, notAfter);
    if (capped !== undefined) {
      // Never move a cursor backwards past what an earlier cycle committed.
      if (this.#previous && compareOrder(cursorOrder(this.#previous.last_value), cursorOrder(capped)) >= 0)
        return this.#previous;
      return { last_value: capped, boundary_keys: [] };
    }
    if (this.#overflow) return { last_value: this.#max.value, boundary_keys: [], boundary_overflow: true };
    return { last_value: this.#max.value, boundary_keys: [...this.#maxKeys].filter((key) => key !== "") };
  }
}
