// Runtime-neutral (no server code): schedules are made in Node and replayed in Chromium and workerd too.
import type { Fault, FaultKind } from "../mock/api-types";
import { createRng } from "../mock/random";

/** The seed's endpoints, as fault targets (a prefix ending in "*" matches children too). */
const TARGETS = [
  "/v1/epics",
  "/v1/epics/*",
  "/v1/stories/*",
  "/v1/search/epics",
  "/v1/labels",
  "/v1/groups/*",
  "/v1/iterations/*",
  "/v1/categories/*",
  "/v1/member",
  "/v1/*",
];

const KINDS: Array<{ kind: FaultKind; status?: number; headers?: Record<string, string> }> = [
  { kind: "status", status: 429, headers: { "retry-after": "0" } },
  { kind: "status", status: 429 },
  { kind: "status", status: 500 },
  { kind: "status", status: 502 },
  { kind: "status", status: 503 },
  { kind: "reset" },
  { kind: "hang" },
  { kind: "truncate" },
  { kind: "html" },
  { kind: "invalid-json" },
  { kind: "wrong-shape" },
];

export interface Schedule {
  seed: number;
  faults: Fault[];
  /** Pages after which the first run is aborted. */
  abortAfterPages: number;
  /** Budget for the runs after the first, or none. */
  maxRequests: number | undefined;
  /** Retries allowed per request (0–3). */
  maxRetries: number;
  /** Mutate the API between runs. */
  mutateBetweenRuns: boolean;
  /** Change the API right after the aborted first run, before it is run again. */
  mutateAfterAbort: boolean;
}

/** A random but reproducible schedule of faults, an abort point and a budget. */
export function makeSchedule(seed: number): Schedule {
  const rng = createRng(seed * 7919 + 13);
  const faults: Fault[] = Array.from({ length: rng.int(3, 12) }, () => {
    const pick = rng.pick(KINDS);
    return {
      match: rng.pick(TARGETS),
      times: rng.int(1, 4),
      kind: pick.kind,
      ...(pick.status ? { status: pick.status } : {}),
      ...(pick.headers ? { headers: pick.headers } : {}),
    };
  });
  return {
    seed,
    faults,
    abortAfterPages: rng.int(1, 120),
    maxRequests: rng.chance(0.5) ? rng.int(15, 90) : undefined,
    maxRetries: rng.int(0, 3),
    mutateBetweenRuns: rng.chance(0.6),
    mutateAfterAbort: rng.chance(0.7),
  };
}

export function describeSchedule(s: Schedule): string {
  const faults = s.faults
    .map(
      (f) => `${f.kind}${f.status ? ` ${f.status}` : ""}${f.headers ? " retry-after 0" : ""} ×${f.times} on ${f.match}`,
    )
    .join("; ");
  const changes =
    [s.mutateAfterAbort ? "changed after the abort" : "", s.mutateBetweenRuns ? "mutating between runs" : ""]
      .filter(Boolean)
      .join(", ") || "static";
  return `seed ${s.seed}: abort after ${s.abortAfterPages} pages, budget ${s.maxRequests ?? "none"}, max_retries ${s.maxRetries}, ${changes}; faults: ${faults}`;
}
