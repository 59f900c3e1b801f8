/**
 * Relationship indexes over a Dataset so child endpoints answer in O(1)
 * instead of scanning. Cached per dataset and rebuilt automatically when a
 * collection is replaced or changes length (inserts/deletes). After editing
 * relationship fields of existing records by hand, call reindex().
 */
import { COLLECTION_NAMES, type Dataset } from "./dataset-types.js";
import type {
  Category,
  Epic,
  EpicComment,
  Group,
  Id,
  Iteration,
  Milestone,
  Story,
  StoryComment,
  StoryHistory,
} from "./types.js";

export interface DatasetIndex {
  categories: Map<string, Category>;
  milestones: Map<string, Milestone>;
  objectives: Map<string, Milestone>;
  epics: Map<string, Epic>;
  stories: Map<string, Story>;
  groups: Map<string, Group>;
  iterations: Map<string, Iteration>;
  milestonesByCategory: Map<string, Milestone[]>;
  objectivesByCategory: Map<string, Milestone[]>;
  epicsByMilestone: Map<string, Epic[]>;
  epicsByObjective: Map<string, Epic[]>;
  storiesByEpic: Map<string, Story[]>;
  storiesByGroup: Map<string, Story[]>;
  storiesByIteration: Map<string, Story[]>;
  commentsByEpic: Map<string, EpicComment[]>;
  commentsByStory: Map<string, StoryComment[]>;
  historyByStory: Map<string, StoryHistory[]>;
  /** Epics ordered by id (search endpoint order). */
  epicsById: Epic[];
}

export const key = (id: Id): string => String(id);

/** Total order on ids: numbers numerically, before strings; strings lexicographically. */
export function compareIds(a: Id, b: Id): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId<T extends { id: Id }>(records: readonly T[]): Map<string, T> {
  return new Map(records.map((record) => [key(record.id), record]));
}

function groupBy<T>(records: readonly T[], keysOf: (record: T) => readonly (Id | null)[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    for (const id of keysOf(record)) {
      if (id === null) continue;
      const list = groups.get(key(id));
      if (list) list.push(record);
      else groups.set(key(id), [record]);
    }
  }
  return groups;
}

export function buildIndex(dataset: Dataset): DatasetIndex {
  const categoryIds = (goal: Milestone): number[] => goal.categories.map((c) => c.id);
  return {
    categories: byId(dataset.categories),
    milestones: byId(dataset.milestones),
    objectives: byId(dataset.objectives),
    epics: byId(dataset.epics),
    stories: byId(dataset.stories),
    groups: byId(dataset.groups),
    iterations: byId(dataset.iterations),
    milestonesByCategory: groupBy(dataset.milestones, categoryIds),
    objectivesByCategory: groupBy(dataset.objectives, categoryIds),
    epicsByMilestone: groupBy(dataset.epics, (epic) => [epic.milestone_id]),
    epicsByObjective: groupBy(dataset.epics, (epic) => epic.objective_ids),
    storiesByEpic: groupBy(dataset.stories, (story) => [story.epic_id]),
    storiesByGroup: groupBy(dataset.stories, (story) => [story.group_id]),
    storiesByIteration: groupBy(dataset.stories, (story) => [story.iteration_id]),
    commentsByEpic: groupBy(dataset.epic_comments, (comment) => [comment.epic_id]),
    commentsByStory: groupBy(dataset.story_comments, (comment) => [comment.story_id]),
    historyByStory: groupBy(dataset.story_history, (entry) => [entry.primary_id]),
    epicsById: [...dataset.epics].sort((a, b) => compareIds(a.id, b.id)),
  };
}

interface CacheEntry {
  collections: unknown[][];
  lengths: number[];
  index: DatasetIndex;
}

const cache = new WeakMap<Dataset, CacheEntry>();

function snapshot(dataset: Dataset): unknown[][] {
  return COLLECTION_NAMES.map((name) => dataset[name] as unknown[]);
}

function isFresh(entry: CacheEntry, dataset: Dataset): boolean {
  return COLLECTION_NAMES.every((name, i) => {
    const seen = entry.collections[i];
    const current = dataset[name] as unknown[];
    return seen === current && entry.lengths[i] === current.length;
  });
}

/** Rebuild the index of `dataset` now (use after re-parenting records by hand). */
export function reindex(dataset: Dataset): DatasetIndex {
  const collections = snapshot(dataset);
  const entry: CacheEntry = {
    collections,
    lengths: collections.map((list) => list.length),
    index: buildIndex(dataset),
  };
  cache.set(dataset, entry);
  return entry.index;
}

/** The (cached) index of `dataset`, rebuilt if collections were replaced or resized. */
export function indexFor(dataset: Dataset): DatasetIndex {
  const entry = cache.get(dataset);
  return entry && isFresh(entry, dataset) ? entry.index : reindex(dataset);
}
