/**
 * createDataset(): a deterministic Shortcut-like workspace for the mock API.
 * Same options => byte-identical dataset; timestamps come from a logical
 * clock starting at options.baseDate (never the wall clock).
 */
import { BASE_DATE, fromIso, toIso } from "./clock.js";
import { addTies, createContext } from "./data-context.js";
import {
  generateCategories,
  generateCustomFields,
  generateEpicWorkflow,
  generateGoals,
  generateGroups,
  generateIterations,
  generateLabels,
  generateMembers,
  generateWorkflows,
} from "./data-org.js";
import {
  generateEpicComments,
  generateEpics,
  generateFiles,
  generateStories,
  generateStoryComments,
  generateStoryHistory,
} from "./data-work.js";
import { type Dataset, type DatasetOptions, type DatasetSizes, SIZE_PRESETS } from "./dataset-types.js";
import { createRng } from "./random.js";
import type { Member } from "./types.js";

export function resolveSizes(options: DatasetOptions = {}): DatasetSizes {
  const sizes: DatasetSizes = { ...SIZE_PRESETS[options.size ?? "default"], ...options.sizes };
  // Stories need a workflow and every record needs an author/owner.
  sizes.workflows = Math.max(1, sizes.workflows);
  sizes.members = Math.max(1, sizes.members);
  return sizes;
}

export function createDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? 1;
  const sizes = resolveSizes(options);
  const rng = createRng(seed);
  const ctx = createContext(rng, sizes, fromIso(options.baseDate ?? BASE_DATE));

  const members = generateMembers(ctx);
  const workflows = generateWorkflows(ctx);
  const groups = generateGroups(ctx, members, workflows);
  const categories = generateCategories(ctx);
  const milestones = generateGoals(ctx, "milestone", categories);
  const objectives = generateGoals(ctx, "objective", categories);
  const labels = generateLabels(ctx);
  const iterations = generateIterations(ctx, groups, labels);
  const custom_fields = generateCustomFields(ctx);
  const epic_workflow = generateEpicWorkflow(ctx);
  const epics = generateEpics(ctx, { epicWorkflow: epic_workflow, milestones, objectives, groups, members, labels });
  const stories = generateStories(ctx, { epics, groups, iterations, workflows, members, labels });
  const files = generateFiles(ctx, stories, members);

  for (const list of [
    members,
    workflows,
    groups,
    categories,
    milestones,
    objectives,
    labels,
    iterations,
    custom_fields,
    epics,
    stories,
    files,
  ]) {
    addTies(rng, list);
  }
  // Children are generated after the parents' final timestamps are known.
  const epic_comments = generateEpicComments(ctx, epics, members);
  const story_comments = generateStoryComments(ctx, stories, members);
  const story_history = generateStoryHistory(ctx, stories, members);
  addTies(rng, epic_comments);
  addTies(rng, story_comments);

  return {
    seed,
    clock: toIso(ctx.end),
    mutations: 0,
    current_member_id: (members[0] as Member).id,
    epic_workflow,
    categories,
    milestones,
    objectives,
    epics,
    stories,
    groups,
    iterations,
    labels,
    members,
    workflows,
    files,
    custom_fields,
    epic_comments,
    story_comments,
    story_history,
  };
}
