import type { RestApiSource, SourceResource } from "../config/source";
import { ConfigError, type ConfigIssue } from "../errors";

/** What a run does: which resources, in which order, which are stored, and what parents keep for children. */
export interface Plan {
  /** Resources to run, in order, with whether each is stored. */
  steps: Array<{ resource: SourceResource; writable: boolean }>;
  /** Fields each parent must keep for its children. */
  projections: Map<string, Set<string>>;
}

export function plan(source: RestApiSource, requested: readonly string[] | undefined): Plan {
  const byName = new Map(source.resources.map((r) => [r.name, r]));
  if (requested) {
    const unknown = requested.filter((name) => !byName.has(name));
    if (unknown.length > 0) {
      const issues: ConfigIssue[] = unknown.map((name) => ({
        path: "run.resources",
        message: `unknown resource "${name}" (the source has ${[...byName.keys()].join(", ")})`,
      }));
      throw new ConfigError(issues);
    }
  }
  const wanted = new Set(requested ?? source.resources.filter((r) => r.selected).map((r) => r.name));
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const parent of byName.get(name)!.parent?.resources ?? []) visit(parent);
  };
  wanted.forEach(visit);
  const projections = new Map<string, Set<string>>();
  for (const name of needed) {
    const link = byName.get(name)!.parent;
    if (!link) continue;
    for (const parent of link.resources) {
      const fields = projections.get(parent) ?? new Set<string>();
      for (const field of [...link.fields.values(), ...byName.get(name)!.includeFromParent]) fields.add(field);
      projections.set(parent, fields);
    }
  }
  const steps = source.resources
    .filter((r) => needed.has(r.name))
    .map((resource) => ({
      resource,
      writable: wanted.has(resource.name) && (requested !== undefined || resource.selected),
    }));
  return { steps, projections };
}
