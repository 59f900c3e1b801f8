/**
 * The 24 resources of the seed config (shared/seed/rest-api-source.md) and
 * how each maps onto the dataset. Used by the HTTP routes, expected() and
 * the request-count helper, so all three agree on relationships.
 */
import { indexFor, key } from "./dataset-index.js";
import type { Dataset } from "./dataset-types.js";
import type { Id } from "./types.js";

export const SEED_RESOURCE_NAMES = [
  "categories",
  "categories_milestones",
  "categories_objectives",
  "custom_fields",
  "epic_workflow",
  "epics",
  "epics_comments",
  "epics_stories",
  "files",
  "groups",
  "groups_stories",
  "iterations",
  "iterations_stories",
  "labels",
  "member",
  "members",
  "milestones",
  "milestones_epics",
  "objectives",
  "objectives_epics",
  "workflows",
  "stories_comments",
  "story_history",
  "search_epics",
] as const;

export type SeedResourceName = (typeof SEED_RESOURCE_NAMES)[number];
export type TopLevelResource =
  | "categories"
  | "custom_fields"
  | "epic_workflow"
  | "epics"
  | "files"
  | "groups"
  | "iterations"
  | "labels"
  | "member"
  | "members"
  | "milestones"
  | "objectives"
  | "workflows"
  | "search_epics";
export type ChildResource = Exclude<SeedResourceName, TopLevelResource>;

export interface SeedResource {
  name: SeedResourceName;
  /** Path template as written in the seed config. */
  path: string;
  paginator: "single_page" | "cursor";
  /** `data` is one object rather than a list. */
  single?: boolean;
  /** Child resources: the parent resources whose records' ids fill `param`. */
  parent?: { resources: readonly SeedResourceName[]; param: string };
}

const STORY_PARENTS = ["epics_stories", "groups_stories", "iterations_stories"] as const;

function top(name: SeedResourceName, path: string, extra: Partial<SeedResource> = {}): SeedResource {
  return { name, path, paginator: "single_page", ...extra };
}

function child(
  name: SeedResourceName,
  path: string,
  resources: readonly SeedResourceName[],
  param: string,
): SeedResource {
  return { name, path, paginator: "single_page", parent: { resources, param } };
}

export const SEED_RESOURCES: Readonly<Record<SeedResourceName, SeedResource>> = {
  categories: top("categories", "/v1/categories"),
  categories_milestones: child(
    "categories_milestones",
    "/v1/categories/{category_id}/milestones",
    ["categories"],
    "category_id",
  ),
  categories_objectives: child(
    "categories_objectives",
    "/v1/categories/{category_id}/objectives",
    ["categories"],
    "category_id",
  ),
  custom_fields: top("custom_fields", "/v1/custom-fields"),
  epic_workflow: top("epic_workflow", "/v1/epic-workflow", { single: true }),
  epics: top("epics", "/v1/epics"),
  epics_comments: child("epics_comments", "/v1/epics/{epic_id}/comments", ["epics"], "epic_id"),
  epics_stories: child("epics_stories", "/v1/epics/{epic_id}/stories", ["epics"], "epic_id"),
  files: top("files", "/v1/files"),
  groups: top("groups", "/v1/groups"),
  groups_stories: child("groups_stories", "/v1/groups/{group_id}/stories", ["groups"], "group_id"),
  iterations: top("iterations", "/v1/iterations"),
  iterations_stories: child(
    "iterations_stories",
    "/v1/iterations/{iteration_id}/stories",
    ["iterations"],
    "iteration_id",
  ),
  labels: top("labels", "/v1/labels"),
  member: top("member", "/v1/member", { single: true }),
  members: top("members", "/v1/members"),
  milestones: top("milestones", "/v1/milestones"),
  milestones_epics: child("milestones_epics", "/v1/milestones/{milestone_id}/epics", ["milestones"], "milestone_id"),
  objectives: top("objectives", "/v1/objectives"),
  objectives_epics: child("objectives_epics", "/v1/objectives/{objective_id}/epics", ["objectives"], "objective_id"),
  workflows: top("workflows", "/v1/workflows"),
  stories_comments: child("stories_comments", "/v1/stories/{story_id}/comments", STORY_PARENTS, "story_id"),
  story_history: child("story_history", "/v1/stories/{story_id}/history", STORY_PARENTS, "story_id"),
  search_epics: top("search_epics", "/v1/search/epics", { paginator: "cursor" }),
};

export type RecordWithId = { id: Id } & object;

/** Current records of a top-level resource (the single resources as a one-element list). */
export function topLevelRecords(dataset: Dataset, name: TopLevelResource): RecordWithId[] {
  switch (name) {
    case "epic_workflow":
      return [dataset.epic_workflow];
    case "member": {
      const member = dataset.members.find((m) => m.id === dataset.current_member_id);
      return member ? [member] : [];
    }
    case "search_epics":
      return indexFor(dataset).epicsById;
    default:
      return dataset[name];
  }
}

/** Children of one parent for a child resource; undefined when the parent does not exist. */
export function childRecords(dataset: Dataset, name: ChildResource, parentId: Id): RecordWithId[] | undefined {
  const index = indexFor(dataset);
  const id = key(parentId);
  const lookup = <T>(parents: Map<string, unknown>, children: Map<string, T[]>): T[] | undefined =>
    parents.has(id) ? (children.get(id) ?? []) : undefined;
  switch (name) {
    case "categories_milestones":
      return lookup(index.categories, index.milestonesByCategory);
    case "categories_objectives":
      return lookup(index.categories, index.objectivesByCategory);
    case "epics_comments":
      return lookup(index.epics, index.commentsByEpic);
    case "epics_stories":
      return lookup(index.epics, index.storiesByEpic);
    case "groups_stories":
      return lookup(index.groups, index.storiesByGroup);
    case "iterations_stories":
      return lookup(index.iterations, index.storiesByIteration);
    case "milestones_epics":
      return lookup(index.milestones, index.epicsByMilestone);
    case "objectives_epics":
      return lookup(index.objectives, index.epicsByObjective);
    case "stories_comments":
      return lookup(index.stories, index.commentsByStory);
    case "story_history":
      return lookup(index.stories, index.historyByStory);
  }
}

export function isChildResource(name: SeedResourceName): name is ChildResource {
  return SEED_RESOURCES[name].parent !== undefined;
}
