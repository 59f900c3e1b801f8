/**
 * Per-entity building blocks of mutate(): field changes for updates and
 * builders for new records. Relationship fields are never changed by
 * updates, so the relationship indexes stay valid.
 */
import { DAY_MS, fromIso, toDate } from "./clock.js";
import { APP_URL } from "./data-context.js";
import type { Dataset, EntityName } from "./dataset-types.js";
import type { Rng } from "./random.js";
import type { Epic, EpicComment, Id, Iteration, Label, Story, StoryComment, Timestamp, UploadedFile } from "./types.js";
import { COLORS, paragraph, sentence, title } from "./words.js";

export type Changes = Record<string, { old?: unknown; new?: unknown }>;
export type Mutable = { id: Id; updated_at: Timestamp } & Record<string, unknown>;

function set(record: Mutable, field: string, value: unknown, changes: Changes): void {
  changes[field] = { old: record[field], new: value };
  record[field] = value;
}

function cycle<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length] as T;
}

const GOAL_STATES = ["to do", "in progress", "done"] as const;

/** Change one or two non-relational fields of `record`; returns old/new values. */
export function applyUpdate(
  dataset: Dataset,
  entity: EntityName,
  record: Mutable,
  rng: Rng,
  revision: number,
): Changes {
  const changes: Changes = {};
  const note = (text: string): string => `${text} [rev ${revision}]`;
  switch (entity) {
    case "stories": {
      const story = record as unknown as Story;
      const workflow = dataset.workflows.find((w) => w.id === story.workflow_id);
      const stateIds = workflow?.states.map((s) => s.id) ?? [story.workflow_state_id];
      set(record, "workflow_state_id", cycle(stateIds, story.workflow_state_id), changes);
      set(record, "estimate", cycle([1, 2, 3, 5, 8, null], story.estimate), changes);
      break;
    }
    case "epics": {
      const epic = record as unknown as Epic;
      const states = dataset.epic_workflow.epic_states;
      const next = cycle(
        states.map((s) => s.id),
        epic.epic_state_id,
      );
      const type = states.find((s) => s.id === next)?.type ?? "unstarted";
      set(record, "epic_state_id", next, changes);
      set(record, "state", type === "unstarted" ? "to do" : type === "started" ? "in progress" : "done", changes);
      set(record, "description", note(paragraph(rng, 2)), changes);
      break;
    }
    case "milestones":
    case "objectives":
      set(record, "state", cycle(GOAL_STATES, record["state"] as (typeof GOAL_STATES)[number]), changes);
      set(record, "description", note(paragraph(rng)), changes);
      break;
    case "epic_comments":
    case "story_comments":
      set(record, "text", note(`${sentence(rng)} (edited)`), changes);
      break;
    case "labels":
    case "categories":
      set(record, "color", cycle(COLORS, record["color"] as string), changes);
      break;
    case "members":
      set(
        record,
        "role",
        record["role"] === "admin" ? "member" : record["role"] === "owner" ? "owner" : "admin",
        changes,
      );
      break;
    case "custom_fields":
      set(record, "enabled", !record["enabled"], changes);
      break;
    case "epic_workflow":
      set(
        record,
        "default_epic_state_id",
        cycle(
          dataset.epic_workflow.epic_states.map((s) => s.id),
          dataset.epic_workflow.default_epic_state_id,
        ),
        changes,
      );
      break;
    default:
      set(record, "description", note(paragraph(rng, 1)), changes);
  }
  return changes;
}

export function nextNumericId(records: readonly { id: Id }[], fallback: number): number {
  let max = fallback - 1;
  for (const record of records) if (typeof record.id === "number" && record.id > max) max = record.id;
  return max + 1;
}

const at = (time: Timestamp) => ({ created_at: time, updated_at: time });

export function newStory(dataset: Dataset, rng: Rng, time: Timestamp): Story {
  const id = nextNumericId(dataset.stories, 10001);
  const group = dataset.groups.length ? rng.pick(dataset.groups) : null;
  const iteration = dataset.iterations.length && rng.chance(0.65) ? rng.pick(dataset.iterations) : null;
  const workflowId = group?.workflow_ids.length ? rng.pick(group.workflow_ids) : rng.pick(dataset.workflows).id;
  const workflow = dataset.workflows.find((w) => w.id === workflowId) ?? rng.pick(dataset.workflows);
  return {
    id,
    entity_type: "story",
    name: title(rng),
    story_type: rng.pick(["feature", "bug", "chore"] as const),
    epic_id: dataset.epics.length ? rng.pick(dataset.epics).id : null,
    group_id: group?.id ?? null,
    iteration_id: iteration?.id ?? null,
    workflow_id: workflow.id,
    workflow_state_id: workflow.default_state_id,
    estimate: null,
    owner_ids: [],
    requested_by_id: dataset.current_member_id,
    label_ids: [],
    archived: false,
    app_url: `${APP_URL}/story/${id}`,
    ...at(time),
  };
}

export function newEpic(dataset: Dataset, rng: Rng, time: Timestamp): Epic {
  const id = nextNumericId(dataset.epics, 1001);
  const states = dataset.epic_workflow.epic_states;
  return {
    id,
    entity_type: "epic",
    name: title(rng),
    description: paragraph(rng, 2),
    state: "to do",
    epic_state_id: states[0]?.id ?? dataset.epic_workflow.default_epic_state_id,
    milestone_id: dataset.milestones.length ? rng.pick(dataset.milestones).id : null,
    objective_ids: dataset.objectives.length ? [rng.pick(dataset.objectives).id] : [],
    group_ids: dataset.groups.length ? [rng.pick(dataset.groups).id] : [],
    owner_ids: [dataset.current_member_id],
    label_ids: [],
    archived: false,
    deadline: null,
    app_url: `${APP_URL}/epic/${id}`,
    ...at(time),
  };
}

export function newEpicComment(dataset: Dataset, rng: Rng, epic: Epic, time: Timestamp): EpicComment {
  const id = nextNumericId(dataset.epic_comments, 50001);
  return {
    id,
    entity_type: "epic-comment",
    epic_id: epic.id,
    author_id: rng.pick(dataset.members).id,
    text: sentence(rng),
    deleted: false,
    mention_ids: [],
    app_url: `${epic.app_url}#activity-${id}`,
    ...at(time),
  };
}

export function newStoryComment(
  dataset: Dataset,
  rng: Rng,
  story: Story,
  position: number,
  time: Timestamp,
): StoryComment {
  const id = nextNumericId(dataset.story_comments, 100001);
  return {
    id,
    entity_type: "story-comment",
    story_id: story.id,
    author_id: rng.pick(dataset.members).id,
    text: sentence(rng),
    deleted: false,
    blocker: false,
    parent_id: null,
    position,
    app_url: `${story.app_url}#activity-${id}`,
    ...at(time),
  };
}

export function newLabel(dataset: Dataset, rng: Rng, time: Timestamp): Label {
  const id = nextNumericId(dataset.labels, 401);
  return {
    id,
    entity_type: "label",
    name: `label-${id}`,
    color: rng.pick(COLORS),
    description: null,
    archived: false,
    external_id: null,
    app_url: `${APP_URL}/label/${id}`,
    ...at(time),
  };
}

export function newFile(dataset: Dataset, rng: Rng, time: Timestamp): UploadedFile {
  const id = nextNumericId(dataset.files, 601);
  const filename = `upload-${id}.png`;
  return {
    id,
    entity_type: "file",
    name: filename,
    filename,
    description: null,
    content_type: "image/png",
    size: rng.int(1_000, 500_000),
    url: `https://files.example.com/${id}/${filename}`,
    uploader_id: dataset.current_member_id,
    story_ids: dataset.stories.length ? [rng.pick(dataset.stories).id] : [],
    ...at(time),
  };
}

export function newIteration(dataset: Dataset, rng: Rng, time: Timestamp): Iteration {
  const id = nextNumericId(dataset.iterations, 501);
  const start = fromIso(time) + DAY_MS;
  return {
    id,
    entity_type: "iteration",
    name: `Sprint ${dataset.iterations.length + 1}`,
    description: paragraph(rng, 1),
    status: "unstarted",
    start_date: toDate(start),
    end_date: toDate(start + 13 * DAY_MS),
    group_ids: [],
    label_ids: [],
    app_url: `${APP_URL}/iteration/${id}`,
    ...at(time),
  };
}
