/**
 * Generators for the "organisation" entities: members, workflows, groups,
 * categories, milestones, objectives, labels, iterations, custom fields and
 * the epic workflow.
 */
import { DAY_MS, toDate, toIso } from "./clock.js";
import { APP_URL, type GenContext, idSequence } from "./data-context.js";
import type {
  Category,
  CategoryRef,
  CustomField,
  EpicWorkflow,
  Group,
  Iteration,
  Label,
  Member,
  Milestone,
  Workflow,
  WorkflowState,
} from "./types.js";
import { COLOR_KEYS, COLORS, paragraph, personName, slug, teamName, themeName, title } from "./words.js";

export function generateMembers(ctx: GenContext): Member[] {
  const { rng } = ctx;
  return Array.from({ length: ctx.sizes.members }, (_, i): Member => {
    const name = personName(rng);
    const mention = `${slug(name).replace(/-/g, ".")}${i}`;
    const disabled = i > 0 && rng.chance(0.08);
    return {
      id: rng.uuid(),
      entity_type: "member",
      role: i === 0 ? "owner" : rng.chance(0.2) ? "admin" : rng.chance(0.1) ? "observer" : "member",
      state: disabled ? "disabled" : "full",
      disabled,
      group_ids: [],
      profile: { name, mention_name: mention, email_address: `${mention}@example.com`, deactivated: disabled },
      ...ctx.stamps(ctx.base, ctx.day(40)),
    };
  });
}

const STATE_TEMPLATE: ReadonlyArray<Pick<WorkflowState, "name" | "type">> = [
  { name: "Unscheduled", type: "unstarted" },
  { name: "Ready for Development", type: "unstarted" },
  { name: "In Development", type: "started" },
  { name: "Ready for Review", type: "started" },
  { name: "Completed", type: "done" },
];

export function generateWorkflows(ctx: GenContext): Workflow[] {
  const { rng } = ctx;
  const nextWorkflowId = idSequence(500000001);
  const nextStateId = idSequence(500000101);
  return Array.from({ length: ctx.sizes.workflows }, (_, i): Workflow => {
    const states = STATE_TEMPLATE.map(
      (state, position): WorkflowState => ({
        id: nextStateId(),
        entity_type: "workflow-state",
        ...state,
        position,
        color: rng.pick(COLORS),
      }),
    );
    return {
      id: nextWorkflowId(),
      entity_type: "workflow",
      name: `${teamName(rng, i)} Workflow`,
      description: paragraph(rng, 1),
      team_id: i + 1,
      default_state_id: (states[0] as WorkflowState).id,
      auto_assign_owner: rng.chance(0.5),
      states,
      ...ctx.stamps(ctx.base, ctx.day(20)),
    };
  });
}

export function generateGroups(ctx: GenContext, members: Member[], workflows: Workflow[]): Group[] {
  const { rng } = ctx;
  const groups = Array.from({ length: ctx.sizes.groups }, (_, i): Group => {
    const name = teamName(rng, i);
    return {
      id: rng.uuid(),
      entity_type: "group",
      name,
      mention_name: slug(name),
      description: paragraph(rng, 1),
      color_key: rng.pick(COLOR_KEYS),
      archived: rng.chance(0.1),
      member_ids: rng.sample(members, rng.int(1, 6)).map((m) => m.id),
      workflow_ids: rng.sample(workflows, rng.int(1, 2)).map((w) => w.id),
      app_url: "",
      ...ctx.stamps(ctx.base, ctx.day(60)),
    };
  });
  for (const group of groups) {
    group.app_url = `${APP_URL}/settings/team/${group.id}`;
    for (const memberId of group.member_ids) members.find((m) => m.id === memberId)?.group_ids.push(group.id);
  }
  return groups;
}

export function generateCategories(ctx: GenContext): Category[] {
  const { rng } = ctx;
  const nextId = idSequence(101);
  return Array.from({ length: ctx.sizes.categories }, (_, i): Category => {
    const id = nextId();
    return {
      id,
      entity_type: "category",
      name: themeName(rng, i),
      color: rng.pick(COLORS),
      type: "milestone",
      archived: rng.chance(0.1),
      global_id: `v2:c:1:${id}`,
      external_id: rng.chance(0.2) ? `ext-cat-${id}` : null,
      ...ctx.stamps(ctx.base, ctx.day(30)),
    };
  });
}

/**
 * Milestones and objectives: each belongs to 1-2 categories, a few (always
 * the last one) to none: those are only reachable from the top-level list.
 */
export function generateGoals(ctx: GenContext, kind: "milestone" | "objective", categories: Category[]): Milestone[] {
  const { rng } = ctx;
  const nextId = idSequence(kind === "milestone" ? 201 : 301);
  const count = kind === "milestone" ? ctx.sizes.milestones : ctx.sizes.objectives;
  return Array.from({ length: count }, (_, i): Milestone => {
    const id = nextId();
    const uncategorised = categories.length === 0 || (count > 1 && i === count - 1) || (i > 0 && rng.chance(0.05));
    const linked = uncategorised ? [] : rng.sample(categories, rng.chance(0.2) ? 2 : 1);
    const state = rng.pick(["to do", "in progress", "done"] as const);
    return {
      id,
      entity_type: kind,
      name: `${title(rng)} (${kind === "milestone" ? "M" : "O"}${i + 1})`,
      description: paragraph(rng),
      state,
      started: state !== "to do",
      completed: state === "done",
      archived: rng.chance(0.05),
      position: i + 1,
      categories: linked.map((c): CategoryRef => ({ id: c.id, name: c.name, entity_type: "category" })),
      app_url: `${APP_URL}/${kind}/${id}`,
      ...ctx.stamps(ctx.day(5), ctx.day(120)),
    };
  });
}

export function generateLabels(ctx: GenContext): Label[] {
  const { rng } = ctx;
  const nextId = idSequence(401);
  const used = new Set<string>();
  return Array.from({ length: ctx.sizes.labels }, (): Label => {
    const id = nextId();
    let name = slug(title(rng)).split("-").slice(1, 3).join("-");
    if (used.has(name)) name = `${name}-${id}`;
    used.add(name);
    return {
      id,
      entity_type: "label",
      name,
      color: rng.pick(COLORS),
      description: rng.chance(0.5) ? paragraph(rng, 1) : null,
      archived: rng.chance(0.05),
      external_id: null,
      app_url: `${APP_URL}/label/${id}`,
      ...ctx.stamps(ctx.base, ctx.day(200)),
    };
  });
}

export function generateIterations(ctx: GenContext, groups: Group[], labels: Label[]): Iteration[] {
  const { rng } = ctx;
  const nextId = idSequence(501);
  const count = ctx.sizes.iterations;
  const step = Math.max(1, Math.floor((ctx.end - ctx.base) / DAY_MS / Math.max(1, count)));
  return Array.from({ length: count }, (_, i): Iteration => {
    const id = nextId();
    const start = ctx.base + i * step * DAY_MS;
    const finish = start + 13 * DAY_MS;
    const status = finish < ctx.end - 20 * DAY_MS ? "done" : start < ctx.end ? "started" : "unstarted";
    return {
      id,
      entity_type: "iteration",
      name: `Sprint ${i + 1}`,
      description: paragraph(rng, 1),
      status,
      start_date: toDate(start),
      end_date: toDate(finish),
      group_ids: groups.length ? rng.sample(groups, rng.int(0, 2)).map((g) => g.id) : [],
      label_ids: labels.length ? rng.sample(labels, rng.int(0, 2)).map((l) => l.id) : [],
      app_url: `${APP_URL}/iteration/${id}`,
      ...ctx.stamps(Math.max(ctx.base, start - 7 * DAY_MS), start),
    };
  });
}

const FIELD_NAMES = [
  "Priority",
  "Severity",
  "Product Area",
  "Skill Set",
  "Technical Area",
  "Customer Tier",
  "Platform",
  "Release",
  "Impact",
  "Effort",
  "Risk",
  "Source",
];

export function generateCustomFields(ctx: GenContext): CustomField[] {
  const { rng } = ctx;
  return Array.from({ length: ctx.sizes.custom_fields }, (_, i): CustomField => {
    const name = FIELD_NAMES[i] ?? `Field ${i + 1}`;
    return {
      id: rng.uuid(),
      entity_type: "custom-field",
      name,
      canonical_name: i < 3 ? slug(name) : null,
      description: `${name} of the story`,
      field_type: "enum",
      enabled: rng.chance(0.85),
      position: i + 1,
      story_types: rng.chance(0.7) ? [] : ["bug"],
      values: Array.from({ length: rng.int(2, 5) }, (_, position) => ({
        id: rng.uuid(),
        entity_type: "custom-field-enum-value" as const,
        value: `${name} ${position + 1}`,
        position,
        color_key: rng.chance(0.5) ? rng.pick(COLOR_KEYS) : null,
        enabled: true,
      })),
      ...ctx.stamps(ctx.base, ctx.day(90)),
    };
  });
}

export function generateEpicWorkflow(ctx: GenContext): EpicWorkflow {
  const names = [
    ["To Do", "unstarted"],
    ["In Progress", "started"],
    ["Done", "done"],
  ] as const;
  const epicStates = names.map(([name, type], position) => ({
    id: 500000051 + position,
    entity_type: "epic-state" as const,
    name,
    type,
    position,
    color: COLORS[position] ?? "#a0a0a0",
  }));
  return {
    id: 500000050,
    entity_type: "epic-workflow",
    default_epic_state_id: 500000051,
    epic_states: epicStates,
    created_at: toIso(ctx.base),
    updated_at: toIso(ctx.time(ctx.base, ctx.day(10))),
  };
}
