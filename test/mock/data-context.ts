/** Shared generation context: PRNG, sizes and logical-time helpers. */
import { DAY_MS, MINUTE_MS, toIso } from "./clock.js";
import type { DatasetSizes } from "./dataset-types.js";
import type { Rng } from "./random.js";
import type { Timestamped } from "./types.js";

export const APP_URL = "https://app.example.com/acme";

export interface GenContext {
  rng: Rng;
  sizes: DatasetSizes;
  /** Logical-clock origin (ms). */
  base: number;
  /** Initial logical "now" (ms): no generated timestamp is later. */
  end: number;
  /** Minute-aligned time in [fromMs, toMs]. */
  time(fromMs: number, toMs: number): number;
  /** created_at in [fromMs, toMs]; updated_at in [created_at, end], often equal. */
  stamps(fromMs: number, toMs: number): Timestamped;
  /** Day offset from base, in ms. */
  day(days: number): number;
}

/** Generated data spans 300 logical days after the base date. */
export const SPAN_DAYS = 300;

export function createContext(rng: Rng, sizes: DatasetSizes, base: number): GenContext {
  const end = base + SPAN_DAYS * DAY_MS;
  const time = (fromMs: number, toMs: number): number => {
    const lo = Math.ceil(Math.max(base, fromMs) / MINUTE_MS);
    const hi = Math.floor(Math.min(end, Math.max(fromMs, toMs)) / MINUTE_MS);
    return rng.int(lo, Math.max(lo, hi)) * MINUTE_MS;
  };
  return {
    rng,
    sizes,
    base,
    end,
    time,
    stamps(fromMs, toMs) {
      const created = time(fromMs, toMs);
      const updated = rng.chance(0.3) ? created : time(created, rng.chance(0.5) ? end : created + 30 * DAY_MS);
      return { created_at: toIso(created), updated_at: toIso(updated) };
    },
    day: (days) => base + days * DAY_MS,
  };
}

/** Sequential numeric ids starting at `first`. */
export function idSequence(first: number): () => number {
  let next = first;
  return () => next++;
}

/**
 * Make some records share their updated_at: pairs are aligned to the later
 * of the two values (never earlier than created_at), and the current maximum
 * always gets a twin. Produces the ties incremental cursors must survive.
 */
export function addTies(rng: Rng, records: Timestamped[]): void {
  if (records.length < 3) return;
  const pairs = Math.max(2, Math.round(records.length * 0.03));
  for (let i = 0; i < pairs; i++) {
    const [a, b] = rng.sample(records, 2);
    if (!a || !b) continue;
    const later = a.updated_at > b.updated_at ? a.updated_at : b.updated_at;
    a.updated_at = later;
    b.updated_at = later;
  }
  let top = records[0] as Timestamped;
  for (const record of records) if (record.updated_at > top.updated_at) top = record;
  const others = records.filter((record) => record !== top);
  rng.pick(others).updated_at = top.updated_at;
}
