/**
 * Generators for the "work" entities: epics, stories, files, comments and
 * story history.
 */
import { fromIso, toIso } from "./clock.js";
import { APP_URL, type GenContext, idSequence } from "./data-context.js";
import type { Rng } from "./random.js";
import type {
  Epic,
  EpicComment,
  EpicWorkflow,
  Group,
  HistoryAction,
  Iteration,
  Label,
  Member,
  Milestone,
  Story,
  StoryComment,
  StoryHistory,
  UploadedFile,
  Workflow,
} from "./types.js";
import { paragraph, sentence, title } from "./words.js";

const EPIC_STATE_NAMES = { unstarted: "to do", started: "in progress", done: "done" } as const;
const ESTIMATES = [1, 2, 3, 5, 8] as const;

function ids<T extends { id: string | number }>(rng: Rng, pool: readonly T[], min: number, max: number): T["id"][] {
  return pool.length ? rng.sample(pool, rng.int(min, max)).map((item) => item.id) : [];
}

export interface EpicLinks {
  epicWorkflow: EpicWorkflow;
  milestones: Milestone[];
  objectives: Milestone[];
  groups: Group[];
  members: Member[];
  labels: Label[];
}

export function generateEpics(ctx: GenContext, links: EpicLinks): Epic[] {
  const { rng } = ctx;
  const nextId = idSequence(1001);
  return Array.from({ length: ctx.sizes.epics }, (): Epic => {
    const id = nextId();
    const epicState = rng.pick(links.epicWorkflow.epic_states);
    const stamps = ctx.stamps(ctx.day(10), ctx.day(250));
    return {
      id,
      entity_type: "epic",
      name: title(rng),
      description: paragraph(rng, 3),
      state: EPIC_STATE_NAMES[epicState.type],
      epic_state_id: epicState.id,
      milestone_id: links.milestones.length && rng.chance(0.75) ? rng.pick(links.milestones).id : null,
      objective_ids: ids(rng, links.objectives, 0, 2) as number[],
      group_ids: ids(rng, links.groups, 0, 2) as string[],
      owner_ids: ids(rng, links.members, 0, 2) as string[],
      label_ids: ids(rng, links.labels, 0, 3) as number[],
      archived: rng.chance(0.05),
      deadline: rng.chance(0.3) ? toIso(ctx.time(fromIso(stamps.created_at), ctx.end)) : null,
      app_url: `${APP_URL}/epic/${id}`,
      ...stamps,
    };
  });
}

export interface StoryLinks {
  epics: Epic[];
  groups: Group[];
  iterations: Iteration[];
  workflows: Workflow[];
  members: Member[];
  labels: Label[];
}

/**
 * Stories: ~85% in an epic (never the last epic, which stays empty), ~80% in
 * a group, ~65% in an iteration. Story 0 always has all three parents and
 * story 1 has none (reachable from no parent endpoint).
 */
export function generateStories(ctx: GenContext, links: StoryLinks): Story[] {
  const { rng } = ctx;
  const nextId = idSequence(10001);
  const epicPool = links.epics.length > 1 ? links.epics.slice(0, -1) : links.epics;
  const workflowsById = new Map(links.workflows.map((w) => [w.id, w]));
  return Array.from({ length: ctx.sizes.stories }, (_, i): Story => {
    const id = nextId();
    const all = i === 0 ? true : i === 1 ? false : null;
    const epic = epicPool.length && (all ?? rng.chance(0.85)) ? rng.pick(epicPool) : null;
    const group = links.groups.length && (all ?? rng.chance(0.8)) ? rng.pick(links.groups) : null;
    const iteration = links.iterations.length && (all ?? rng.chance(0.65)) ? rng.pick(links.iterations) : null;
    const workflowId = group?.workflow_ids.length ? rng.pick(group.workflow_ids) : rng.pick(links.workflows).id;
    const workflow = workflowsById.get(workflowId) as Workflow;
    const from = Math.max(ctx.day(15), epic ? fromIso(epic.created_at) : 0);
    return {
      id,
      entity_type: "story",
      name: title(rng),
      story_type: rng.pick(["feature", "feature", "bug", "chore"] as const),
      epic_id: epic?.id ?? null,
      group_id: group?.id ?? null,
      iteration_id: iteration?.id ?? null,
      workflow_id: workflow.id,
      workflow_state_id: rng.pick(workflow.states).id,
      estimate: rng.chance(0.7) ? rng.pick(ESTIMATES) : null,
      owner_ids: ids(rng, links.members, 0, 2) as string[],
      requested_by_id: rng.pick(links.members).id,
      label_ids: ids(rng, links.labels, 0, 3) as number[],
      archived: rng.chance(0.03),
      app_url: `${APP_URL}/story/${id}`,
      ...ctx.stamps(from, ctx.day(290)),
    };
  });
}

export function generateFiles(ctx: GenContext, stories: Story[], members: Member[]): UploadedFile[] {
  const { rng } = ctx;
  const nextId = idSequence(601);
  const types = [
    ["png", "image/png"],
    ["pdf", "application/pdf"],
    ["csv", "text/csv"],
    ["json", "application/json"],
  ] as const;
  return Array.from({ length: ctx.sizes.files }, (_, i): UploadedFile => {
    const id = nextId();
    const [ext, contentType] = rng.pick(types);
    const filename = `attachment-${i + 1}.${ext}`;
    return {
      id,
      entity_type: "file",
      name: filename,
      filename,
      description: rng.chance(0.4) ? paragraph(rng, 1) : null,
      content_type: contentType,
      size: rng.int(1_000, 5_000_000),
      url: `https://files.example.com/${id}/${filename}`,
      uploader_id: rng.pick(members).id,
      story_ids: ids(rng, stories, 0, 2) as number[],
      ...ctx.stamps(ctx.day(20), ctx.day(295)),
    };
  });
}

export function generateEpicComments(ctx: GenContext, epics: Epic[], members: Member[]): EpicComment[] {
  const { rng } = ctx;
  const nextId = idSequence(50001);
  const [min, max] = ctx.sizes.comments_per_epic;
  return epics.flatMap((epic) =>
    Array.from({ length: rng.int(min, max) }, (): EpicComment => {
      const id = nextId();
      return {
        id,
        entity_type: "epic-comment",
        epic_id: epic.id,
        author_id: rng.pick(members).id,
        text: sentence(rng),
        deleted: rng.chance(0.03),
        mention_ids: ids(rng, members, 0, 1) as string[],
        app_url: `${epic.app_url}#activity-${id}`,
        ...ctx.stamps(fromIso(epic.created_at), ctx.end),
      };
    }),
  );
}

export function generateStoryComments(ctx: GenContext, stories: Story[], members: Member[]): StoryComment[] {
  const { rng } = ctx;
  const nextId = idSequence(100001);
  const [min, max] = ctx.sizes.comments_per_story;
  return stories.flatMap((story) => {
    const comments: StoryComment[] = [];
    const count = rng.int(min, max);
    for (let position = 1; position <= count; position++) {
      const id = nextId();
      const previous = comments[comments.length - 1];
      comments.push({
        id,
        entity_type: "story-comment",
        story_id: story.id,
        author_id: rng.pick(members).id,
        text: sentence(rng),
        deleted: rng.chance(0.03),
        blocker: rng.chance(0.05),
        parent_id: previous && rng.chance(0.2) ? previous.id : null,
        position,
        app_url: `${story.app_url}#activity-${id}`,
        ...ctx.stamps(fromIso(story.created_at), ctx.end),
      });
    }
    return comments;
  });
}

export function storyHistoryEntry(
  rng: Rng,
  story: Story,
  member: Member,
  changedAt: string,
  action: HistoryAction["action"],
  changes?: HistoryAction["changes"],
): StoryHistory {
  const act: HistoryAction = { id: story.id, entity_type: "story", action, name: story.name };
  if (changes) act.changes = changes;
  return {
    id: rng.uuid(),
    changed_at: changedAt,
    primary_id: story.id,
    member_id: member.id,
    actor_name: member.profile.name,
    version: "v1",
    actions: [act],
    references: [],
  };
}

/** 1-4 entries per story: a "create" at created_at, then updates up to updated_at. */
export function generateStoryHistory(ctx: GenContext, stories: Story[], members: Member[]): StoryHistory[] {
  const { rng } = ctx;
  const [min, max] = ctx.sizes.history_per_story;
  return stories.flatMap((story) => {
    const count = rng.int(min, max);
    const created = fromIso(story.created_at);
    const updated = fromIso(story.updated_at);
    const times = Array.from({ length: Math.max(0, count - 1) }, () => ctx.time(created, updated)).sort(
      (a, b) => a - b,
    );
    const entries = count > 0 ? [storyHistoryEntry(rng, story, rng.pick(members), story.created_at, "create")] : [];
    for (const time of times) {
      const estimate = rng.pick(ESTIMATES);
      entries.push(
        storyHistoryEntry(rng, story, rng.pick(members), toIso(time), "update", {
          estimate: { old: null, new: estimate },
        }),
      );
    }
    return entries;
  });
}
