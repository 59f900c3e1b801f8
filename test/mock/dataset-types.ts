import type {
  Category,
  CustomField,
  Epic,
  EpicComment,
  EpicWorkflow,
  Group,
  Iteration,
  Label,
  Member,
  Milestone,
  Objective,
  Story,
  StoryComment,
  StoryHistory,
  Timestamp,
  UploadedFile,
  Workflow,
} from "./types.js";

/**
 * The whole mock workspace. Plain JSON-serialisable data: the server reads it
 * live, `mutate()` changes it in place. Collection keys are the entity names.
 */
export interface Dataset {
  seed: number;
  /** Logical clock: no record has a later timestamp. Only mutate() advances it. */
  clock: Timestamp;
  /** How many mutations were applied (drives the default mutation seed). */
  mutations: number;
  /** The member that owns the API key (served by /v1/member). */
  current_member_id: string;
  epic_workflow: EpicWorkflow;
  categories: Category[];
  milestones: Milestone[];
  objectives: Objective[];
  epics: Epic[];
  stories: Story[];
  groups: Group[];
  iterations: Iteration[];
  labels: Label[];
  members: Member[];
  workflows: Workflow[];
  files: UploadedFile[];
  custom_fields: CustomField[];
  epic_comments: EpicComment[];
  story_comments: StoryComment[];
  story_history: StoryHistory[];
}

/** Keys of the list-valued collections of a Dataset. */
export type CollectionName = {
  [K in keyof Dataset]: Dataset[K] extends readonly unknown[] ? K : never;
}[keyof Dataset];

/** Every entity type: the collections plus the singleton epic workflow. */
export type EntityName = CollectionName | "epic_workflow";

export const COLLECTION_NAMES: readonly CollectionName[] = [
  "categories",
  "milestones",
  "objectives",
  "epics",
  "stories",
  "groups",
  "iterations",
  "labels",
  "members",
  "workflows",
  "files",
  "custom_fields",
  "epic_comments",
  "story_comments",
  "story_history",
];

export type Range = readonly [min: number, max: number];

export interface DatasetSizes {
  categories: number;
  milestones: number;
  objectives: number;
  epics: number;
  stories: number;
  groups: number;
  iterations: number;
  labels: number;
  members: number;
  workflows: number;
  files: number;
  custom_fields: number;
  comments_per_epic: Range;
  comments_per_story: Range;
  history_per_story: Range;
}

export type SizePreset = "default" | "small";

export interface DatasetOptions {
  /** PRNG seed; same seed + sizes => identical dataset. Default 1. */
  seed?: number;
  /** Size preset; individual `sizes` override it. Default "default". */
  size?: SizePreset;
  sizes?: Partial<DatasetSizes>;
  /** Logical-clock origin. Default BASE_DATE (2024-01-01T00:00:00Z). */
  baseDate?: Timestamp;
}

export const SIZE_PRESETS: Readonly<Record<SizePreset, DatasetSizes>> = {
  default: {
    categories: 10,
    milestones: 20,
    objectives: 15,
    epics: 250,
    stories: 2500,
    groups: 12,
    iterations: 30,
    labels: 40,
    members: 25,
    workflows: 8,
    files: 60,
    custom_fields: 12,
    comments_per_epic: [0, 4],
    comments_per_story: [0, 3],
    history_per_story: [1, 4],
  },
  small: {
    categories: 3,
    milestones: 5,
    objectives: 4,
    epics: 20,
    stories: 120,
    groups: 3,
    iterations: 5,
    labels: 8,
    members: 6,
    workflows: 2,
    files: 10,
    custom_fields: 3,
    comments_per_epic: [0, 4],
    comments_per_story: [0, 3],
    history_per_story: [1, 4],
  },
};
