/**
 * mutateDataset(): deterministic changes between two syncs. Advances the
 * logical clock, updates records across entity types, inserts new ones, adds
 * story history for changed stories and (by default) inserts one record
 * whose updated_at equals its entity's previous maximum — the incremental
 * boundary tie. The first update is always a child (a story comment, or an
 * epic comment) whose parent is left untouched.
 */
import { fromIso, HOUR_MS, maxTimestamp, toIso } from "./clock.js";
import { storyHistoryEntry } from "./data-work.js";
import { key } from "./dataset-index.js";
import type { CollectionName, Dataset, EntityName } from "./dataset-types.js";
import { collect, parentIds } from "./expected.js";
import {
  applyUpdate,
  type Changes,
  type Mutable,
  newEpic,
  newEpicComment,
  newFile,
  newIteration,
  newLabel,
  newStory,
  newStoryComment,
} from "./mutate-records.js";
import { createRng, hashString, type Rng } from "./random.js";
import type { SeedResourceName } from "./seed-resources.js";
import type { Id, Member, Story, Timestamp } from "./types.js";

export type TieEntity = "labels" | "files" | "epics" | "epic_comments" | "story_comments";

export interface Mutation {
  /** Existing records to change (default 5). */
  updates?: number;
  /** New records to add (default 3). */
  inserts?: number;
  /** Insert one record at the previous max updated_at of its entity (default true). */
  tie?: boolean;
  /** PRNG seed; default derived from dataset.seed and the mutation number. */
  seed?: number;
  /** Entity for the tie record; default rotates labels → epic_comments → story_comments. */
  tieEntity?: TieEntity;
}

export interface EntityRef {
  entity: EntityName;
  id: Id;
}

export interface MutationResult {
  updated: EntityRef[];
  inserted: EntityRef[];
  tied: (EntityRef & { updated_at: Timestamp }) | null;
  /** Story history entries added for inserted/updated stories. */
  history: EntityRef[];
  /** The logical clock after the mutation. */
  clock: Timestamp;
}

const TIE_RESOURCE: Readonly<Record<TieEntity, SeedResourceName>> = {
  labels: "labels",
  files: "files",
  epics: "epics",
  epic_comments: "epics_comments",
  story_comments: "stories_comments",
};
const TIE_ROTATION: readonly TieEntity[] = ["labels", "epic_comments", "story_comments"];
const UPDATE_ORDER: readonly EntityName[] = [
  "story_comments",
  "epics",
  "stories",
  "labels",
  "epic_comments",
  "iterations",
  "groups",
  "milestones",
  "objectives",
  "categories",
  "members",
  "files",
  "custom_fields",
  "workflows",
  "epic_workflow",
];
const INSERT_ORDER = [
  "stories",
  "epics",
  "story_comments",
  "epic_comments",
  "stories",
  "labels",
  "files",
  "iterations",
] as const;
type InsertKind = (typeof INSERT_ORDER)[number] | TieEntity;

/** Issues logical timestamps: 1-2 h after the old clock, then small steps (some equal). */
function createTicker(rng: Rng, clock: Timestamp): { next(): Timestamp; last(): Timestamp } {
  let now = fromIso(clock) + HOUR_MS + rng.int(0, 3599) * 1000;
  return {
    next() {
      const issued = toIso(now);
      if (rng.chance(0.5)) now += rng.int(1, 90) * 1000;
      return issued;
    },
    last: () => toIso(now),
  };
}

export function mutateDataset(dataset: Dataset, mutation: Mutation = {}): MutationResult {
  const revision = dataset.mutations + 1;
  const rng = createRng(mutation.seed ?? hashString(`${dataset.seed}:mutation:${revision}`));
  const tieEntity = mutation.tieEntity ?? (TIE_ROTATION[dataset.mutations % TIE_ROTATION.length] as TieEntity);
  const boundary =
    (mutation.tie ?? true)
      ? maxTimestamp(collect(dataset, TIE_RESOURCE[tieEntity]).map((r) => (r as Mutable).updated_at))
      : null;
  const ticker = createTicker(rng, dataset.clock);
  const storiesById = new Map(dataset.stories.map((s) => [key(s.id), s]));
  const reachable = parentIds(dataset, "stories_comments").map((id) => storiesById.get(key(id)) as Story);
  const result: MutationResult = { updated: [], inserted: [], tied: null, history: [], clock: dataset.clock };
  const touched = new Set<string>(); // `${entity}:${id}` updated in this mutation
  const protectedParents = new Set<string>(); // parents of updated children: keep their updated_at

  const addHistory = (story: Story, time: Timestamp, changes?: Changes): void => {
    const member = rng.pick(dataset.members) as Member;
    const entry = storyHistoryEntry(rng, story, member, time, changes ? "update" : "create", changes);
    dataset.story_history.push(entry);
    result.history.push({ entity: "story_history", id: entry.id });
  };

  const candidates = (entity: EntityName): Mutable[] => {
    const free = (e: string, id: Id): boolean =>
      !touched.has(`${e}:${key(id)}`) && !protectedParents.has(`${e}:${key(id)}`);
    switch (entity) {
      case "story_comments": {
        const ids = new Set(reachable.map((s) => key(s.id)));
        return dataset.story_comments.filter(
          (c) => ids.has(key(c.story_id)) && free(entity, c.id) && !touched.has(`stories:${key(c.story_id)}`),
        ) as unknown as Mutable[];
      }
      case "epic_comments":
        return dataset.epic_comments.filter(
          (c) => free(entity, c.id) && !touched.has(`epics:${key(c.epic_id)}`),
        ) as unknown as Mutable[];
      case "stories":
        return reachable.filter((s) => free(entity, s.id)) as unknown as Mutable[];
      case "epic_workflow":
        return free(entity, dataset.epic_workflow.id) ? [dataset.epic_workflow as unknown as Mutable] : [];
      default:
        return (dataset[entity as CollectionName] as unknown as Mutable[]).filter((r) => free(entity, r.id));
    }
  };

  const update = (entity: EntityName, record: Mutable): void => {
    const time = ticker.next();
    const changes = applyUpdate(dataset, entity, record, rng, revision);
    record.updated_at = time;
    touched.add(`${entity}:${key(record.id)}`);
    if (entity === "story_comments") protectedParents.add(`stories:${key(record["story_id"] as Id)}`);
    if (entity === "epic_comments") protectedParents.add(`epics:${key(record["epic_id"] as Id)}`);
    if (entity === "stories") addHistory(record as unknown as Story, time, changes);
    result.updated.push({ entity, id: record.id });
  };

  for (let i = 0; i < (mutation.updates ?? 5); i++) {
    for (let step = 0; step < UPDATE_ORDER.length; step++) {
      const entity = UPDATE_ORDER[(i + step) % UPDATE_ORDER.length] as EntityName;
      const pool = candidates(entity);
      if (pool.length === 0) continue;
      update(entity, rng.pick(pool));
      break;
    }
  }

  const insert = (kind: InsertKind, time: Timestamp): EntityRef | null => {
    switch (kind) {
      case "stories": {
        if (dataset.workflows.length === 0) return null;
        const story = newStory(dataset, rng, time);
        dataset.stories.push(story);
        if (story.epic_id !== null || story.group_id !== null || story.iteration_id !== null) reachable.push(story);
        addHistory(story, time);
        return { entity: kind, id: story.id };
      }
      case "epics": {
        const epic = newEpic(dataset, rng, time);
        dataset.epics.push(epic);
        return { entity: kind, id: epic.id };
      }
      case "story_comments": {
        if (reachable.length === 0) return null;
        const story = rng.pick(reachable);
        const position = dataset.story_comments.filter((c) => c.story_id === story.id).length + 1;
        const comment = newStoryComment(dataset, rng, story, position, time);
        dataset.story_comments.push(comment);
        return { entity: kind, id: comment.id };
      }
      case "epic_comments": {
        if (dataset.epics.length === 0) return null;
        const comment = newEpicComment(dataset, rng, rng.pick(dataset.epics), time);
        dataset.epic_comments.push(comment);
        return { entity: kind, id: comment.id };
      }
      case "labels": {
        const label = newLabel(dataset, rng, time);
        dataset.labels.push(label);
        return { entity: kind, id: label.id };
      }
      case "files": {
        const file = newFile(dataset, rng, time);
        dataset.files.push(file);
        return { entity: kind, id: file.id };
      }
      case "iterations": {
        const iteration = newIteration(dataset, rng, time);
        dataset.iterations.push(iteration);
        return { entity: kind, id: iteration.id };
      }
    }
  };

  for (let i = 0; i < (mutation.inserts ?? 3); i++) {
    const kind = INSERT_ORDER[i % INSERT_ORDER.length] as InsertKind;
    const ref = insert(kind, ticker.next()) ?? insert("labels", ticker.next());
    if (ref) result.inserted.push(ref);
  }

  if (boundary !== null) {
    const ref = insert(tieEntity, boundary);
    if (ref) result.tied = { ...ref, updated_at: boundary };
  }

  dataset.clock = ticker.last();
  dataset.mutations = revision;
  result.clock = dataset.clock;
  return result;
}
