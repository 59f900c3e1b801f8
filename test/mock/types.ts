/**
 * Record types of the mock Shortcut-like API. Field names follow Shortcut's
 * v3 API (a realistic subset). Numeric ids for most entities; UUID strings
 * for groups, members, custom fields and story history entries.
 */

export type Id = number | string;
export type Timestamp = string; // ISO-8601 UTC, e.g. "2024-01-01T00:00:00Z"

export interface Timestamped {
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CategoryRef {
  id: number;
  name: string;
  entity_type: "category";
}

export interface Category extends Timestamped {
  id: number;
  entity_type: "category";
  name: string;
  color: string;
  type: "milestone";
  archived: boolean;
  global_id: string;
  external_id: string | null;
}

/** Milestones and objectives share one shape (Shortcut's objectives replaced milestones). */
export interface Milestone extends Timestamped {
  id: number;
  entity_type: "milestone" | "objective";
  name: string;
  description: string;
  state: "to do" | "in progress" | "done";
  started: boolean;
  completed: boolean;
  archived: boolean;
  position: number;
  categories: CategoryRef[];
  app_url: string;
}

export type Objective = Milestone;

export interface Epic extends Timestamped {
  id: number;
  entity_type: "epic";
  name: string;
  description: string;
  state: "to do" | "in progress" | "done";
  epic_state_id: number;
  milestone_id: number | null;
  objective_ids: number[];
  group_ids: string[];
  owner_ids: string[];
  label_ids: number[];
  archived: boolean;
  deadline: Timestamp | null;
  app_url: string;
}

export interface Story extends Timestamped {
  id: number;
  entity_type: "story";
  name: string;
  story_type: "feature" | "bug" | "chore";
  epic_id: number | null;
  group_id: string | null;
  iteration_id: number | null;
  workflow_id: number;
  workflow_state_id: number;
  estimate: number | null;
  owner_ids: string[];
  requested_by_id: string;
  label_ids: number[];
  archived: boolean;
  app_url: string;
}

export interface Group extends Timestamped {
  id: string;
  entity_type: "group";
  name: string;
  mention_name: string;
  description: string;
  color_key: string;
  archived: boolean;
  member_ids: string[];
  workflow_ids: number[];
  app_url: string;
}

export interface Iteration extends Timestamped {
  id: number;
  entity_type: "iteration";
  name: string;
  description: string;
  status: "unstarted" | "started" | "done";
  start_date: string; // YYYY-MM-DD
  end_date: string; // YYYY-MM-DD
  group_ids: string[];
  label_ids: number[];
  app_url: string;
}

export interface Label extends Timestamped {
  id: number;
  entity_type: "label";
  name: string;
  color: string;
  description: string | null;
  archived: boolean;
  external_id: string | null;
  app_url: string;
}

export interface MemberProfile {
  name: string;
  mention_name: string;
  email_address: string;
  deactivated: boolean;
}

export interface Member extends Timestamped {
  id: string;
  entity_type: "member";
  role: "owner" | "admin" | "member" | "observer";
  state: "full" | "partial" | "disabled";
  disabled: boolean;
  group_ids: string[];
  profile: MemberProfile;
}

export interface WorkflowState {
  id: number;
  entity_type: "workflow-state";
  name: string;
  type: "unstarted" | "started" | "done";
  position: number;
  color: string;
}

export interface Workflow extends Timestamped {
  id: number;
  entity_type: "workflow";
  name: string;
  description: string;
  team_id: number;
  default_state_id: number;
  auto_assign_owner: boolean;
  states: WorkflowState[];
}

export interface EpicState {
  id: number;
  entity_type: "epic-state";
  name: string;
  type: "unstarted" | "started" | "done";
  position: number;
  color: string;
}

export interface EpicWorkflow extends Timestamped {
  id: number;
  entity_type: "epic-workflow";
  default_epic_state_id: number;
  epic_states: EpicState[];
}

export interface UploadedFile extends Timestamped {
  id: number;
  entity_type: "file";
  name: string;
  filename: string;
  description: string | null;
  content_type: string;
  size: number;
  url: string;
  uploader_id: string;
  story_ids: number[];
}

export interface CustomFieldValue {
  id: string;
  entity_type: "custom-field-enum-value";
  value: string;
  position: number;
  color_key: string | null;
  enabled: boolean;
}

export interface CustomField extends Timestamped {
  id: string;
  entity_type: "custom-field";
  name: string;
  canonical_name: string | null;
  description: string;
  field_type: "enum";
  enabled: boolean;
  position: number;
  story_types: string[];
  values: CustomFieldValue[];
}

export interface EpicComment extends Timestamped {
  id: number;
  entity_type: "epic-comment";
  epic_id: number;
  author_id: string;
  text: string;
  deleted: boolean;
  mention_ids: string[];
  app_url: string;
}

export interface StoryComment extends Timestamped {
  id: number;
  entity_type: "story-comment";
  story_id: number;
  author_id: string;
  text: string;
  deleted: boolean;
  blocker: boolean;
  parent_id: number | null;
  position: number;
  app_url: string;
}

export interface HistoryAction {
  id: number;
  entity_type: "story";
  action: "create" | "update";
  name: string;
  changes?: Record<string, { old?: unknown; new?: unknown }>;
}

/** Story history entry: NO created_at/updated_at, only changed_at. */
export interface StoryHistory {
  id: string;
  changed_at: Timestamp;
  primary_id: number; // the story id
  member_id: string;
  actor_name: string;
  version: "v1";
  actions: HistoryAction[];
  references: unknown[];
}
