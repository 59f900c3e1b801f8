/**
 * What a full run of the seed config would collect right now, and how many
 * requests it takes. Child resources are fetched once per distinct parent
 * record; stories_comments / story_history use the stories reachable from
 * epics_stories ∪ groups_stories ∪ iterations_stories.
 */
import { key } from "./dataset-index.js";
import type { Dataset } from "./dataset-types.js";
import {
  childRecords,
  isChildResource,
  type RecordWithId,
  SEED_RESOURCE_NAMES,
  SEED_RESOURCES,
  type SeedResourceName,
  topLevelRecords,
} from "./seed-resources.js";
import type { Id } from "./types.js";

function dedupe(records: Iterable<RecordWithId>): RecordWithId[] {
  const seen = new Map<string, RecordWithId>();
  for (const record of records) if (!seen.has(key(record.id))) seen.set(key(record.id), record);
  return [...seen.values()];
}

/** Distinct parent ids a child resource is requested for, in fetch order. */
export function parentIds(dataset: Dataset, resource: SeedResourceName): Id[] {
  const parent = SEED_RESOURCES[resource].parent;
  if (!parent) return [];
  return dedupe(parent.resources.flatMap((name) => collect(dataset, name))).map((record) => record.id);
}

/** Live (not copied) records of a resource, de-duplicated by id. */
export function collect(dataset: Dataset, resource: SeedResourceName): RecordWithId[] {
  if (!isChildResource(resource)) return dedupe(topLevelRecords(dataset, resource));
  const records: RecordWithId[] = [];
  for (const id of parentIds(dataset, resource)) records.push(...(childRecords(dataset, resource, id) ?? []));
  return dedupe(records);
}

/** Deep copies of exactly the records the seed resource would collect now. */
export function expectedRecords(dataset: Dataset, resource: SeedResourceName): Record<string, unknown>[] {
  if (!SEED_RESOURCES[resource]) throw new Error(`unknown seed resource: ${String(resource)}`);
  return structuredClone(collect(dataset, resource)) as unknown as Record<string, unknown>[];
}

export interface SeedRequestCount {
  total: number;
  byResource: Record<SeedResourceName, number>;
}

/**
 * Requests a full seed sync makes (no retries): 1 per top-level resource,
 * 1 per distinct parent record for each child resource, and
 * max(1, ceil(epics / searchLimit)) pages of /v1/search/epics.
 */
export function seedRequestCount(dataset: Dataset, searchLimit = 1): SeedRequestCount {
  const byResource = {} as Record<SeedResourceName, number>;
  for (const name of SEED_RESOURCE_NAMES) {
    if (name === "search_epics") byResource[name] = Math.max(1, Math.ceil(dataset.epics.length / searchLimit));
    else if (isChildResource(name)) byResource[name] = parentIds(dataset, name).length;
    else byResource[name] = 1;
  }
  const total = Object.values(byResource).reduce((sum, n) => sum + n, 0);
  return { total, byResource };
}
