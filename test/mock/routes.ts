/**
 * Seed routes: derived from the path templates of the seed config, answered
 * from the live dataset via the relationship indexes.
 */
import type { MockRequest, MockResponse } from "./api-types.js";
import type { Dataset } from "./dataset-types.js";
import { errorResponse } from "./http-util.js";
import { searchEpics } from "./search.js";
import {
  childRecords,
  isChildResource,
  SEED_RESOURCES,
  type SeedResourceName,
  topLevelRecords,
} from "./seed-resources.js";

interface SeedRoute {
  resource: SeedResourceName;
  /** Literal segments, or null for the `{param}` placeholder. */
  segments: (string | null)[];
}

const SEED_ROUTES: readonly SeedRoute[] = Object.values(SEED_RESOURCES).map((resource) => ({
  resource: resource.name,
  segments: resource.path
    .split("/")
    .slice(1)
    .map((part) => (part.startsWith("{") ? null : part)),
}));

export interface RouteMatch {
  resource: SeedResourceName;
  /** Decoded value of the `{param}` segment, for child resources. */
  param: string | null;
}

export function matchSeedRoute(segments: readonly string[]): RouteMatch | null {
  for (const route of SEED_ROUTES) {
    if (route.segments.length !== segments.length) continue;
    let param: string | null = null;
    const ok = route.segments.every((literal, i) => {
      const actual = segments[i] as string;
      if (literal !== null) return literal === actual;
      param = actual;
      return actual !== "";
    });
    if (ok) return { resource: route.resource, param };
  }
  return null;
}

/** Answer a seed endpoint, or null if the path is not one. Auth is checked by the caller. */
export function handleSeedRoute(dataset: Dataset, req: MockRequest): MockResponse | null {
  const match = matchSeedRoute(req.segments);
  if (!match) return null;
  if (req.method !== "GET" && req.method !== "HEAD") {
    return errorResponse(405, "method not allowed", { allow: "GET, OPTIONS" });
  }
  const { resource, param } = match;
  if (resource === "search_epics") return searchEpics(dataset, req.query);
  if (isChildResource(resource)) {
    const records = childRecords(dataset, resource, param ?? "");
    return records ? { body: { data: records } } : errorResponse(404, "not found");
  }
  const records = topLevelRecords(dataset, resource);
  if (!SEED_RESOURCES[resource].single) return { body: { data: records } };
  return records[0] ? { body: { data: records[0] } } : errorResponse(404, "not found");
}
