import type { ConfigIssue } from "../errors";
import { placeholdersDeep, placeholdersIn, plural } from "./_placeholders";
import type { ParamValue, ResolveParam } from "./types";

/** How a child resource gets values from its parents. */
export interface ParentLink {
  /** Parent resources, in config order; several when inferred (`{story_id}` from every `*_stories`). */
  resources: string[];
  /** Placeholder name → field (JSONPath) of the parent record. */
  fields: Map<string, string>;
}

interface LinkInput {
  name: string;
  path: string;
  params: Record<string, ParamValue>;
  templated: unknown[];
  index: number;
}

const isResolve = (value: unknown): value is ResolveParam =>
  typeof value === "object" && value !== null && (value as { type?: unknown }).type === "resolve";

/**
 * Works out each resource's parents from resolve params, `{resources.x.field}`
 * placeholders and, for `{x_id}` path placeholders, from resource names.
 * Returns issues instead of throwing so that every problem is listed together.
 */
export function linkParents(resources: LinkInput[], issues: ConfigIssue[]): Map<string, ParentLink> {
  const names = new Set(resources.map((r) => r.name));
  const links = new Map<string, ParentLink>();
  for (const resource of resources) {
    const at = `resources[${resource.index}]`;
    const bindings: Array<{ placeholder: string; parents: string[]; field: string }> = [];
    const inPath = placeholdersIn(resource.path);
    for (const [param, value] of Object.entries(resource.params)) {
      if (!isResolve(value)) continue;
      if (!names.has(value.resource)) {
        issues.push({
          path: `${at}.endpoint.params.${param}.resource`,
          message: `resource "${resource.name}" resolves "${param}" from unknown resource "${value.resource}"`,
        });
        continue;
      }
      if (!inPath.includes(param)) {
        // dlt refuses it too ("resolve params … not bound in path"): a resolve param only fills the path.
        issues.push({
          path: `${at}.endpoint.params.${param}`,
          message:
            `resource "${resource.name}" resolves "${param}" but "${param}" is not in its path "${resource.path}"; ` +
            `put {${param}} in the path, or send the parent's field as a query param with ` +
            `params: { ${param}: "{resources.${value.resource}.${value.field}}" }`,
        });
        continue;
      }
      bindings.push({ placeholder: param, parents: [value.resource], field: value.field });
    }
    const templated = [...inPath, ...placeholdersDeep(resource.templated)];
    for (const placeholder of new Set(templated)) {
      if (bindings.some((b) => b.placeholder === placeholder) || placeholder.startsWith("incremental.")) continue;
      const explicit = /^resources\.([^.]+)\.(.+)$/.exec(placeholder);
      if (explicit) {
        const [, parent, field] = explicit;
        if (!names.has(parent!))
          issues.push({
            path: `${at}.endpoint`,
            message: `resource "${resource.name}" uses {${placeholder}} but there is no resource "${parent}"`,
          });
        else bindings.push({ placeholder, parents: [parent!], field: field! });
        continue;
      }
      const inferred = inPath.includes(placeholder) ? inferParents(placeholder, resource.name, names) : [];
      if (inferred.length > 0) bindings.push({ placeholder, parents: inferred, field: "id" });
      else issues.push({ path: `${at}.endpoint.path`, message: unresolved(resource.name, placeholder) });
    }
    if (bindings.length === 0) continue;
    const parents = bindings[0]!.parents;
    if (bindings.some((b) => b.parents.join() !== parents.join())) {
      issues.push({
        path: `${at}.endpoint`,
        message: `resource "${resource.name}" takes values from more than one parent (${[...new Set(bindings.flatMap((b) => b.parents))].join(", ")}); a resource can depend on one parent`,
      });
      continue;
    }
    if (parents.includes(resource.name)) {
      issues.push({ path: `${at}.endpoint`, message: `resource "${resource.name}" depends on itself` });
      continue;
    }
    links.set(resource.name, {
      resources: parents,
      fields: new Map(bindings.map((b) => [b.placeholder, b.field])),
    });
  }
  return links;
}

function inferParents(placeholder: string, self: string, names: Set<string>): string[] {
  const match = /^(.+)_id$/.exec(placeholder);
  if (!match) return [];
  const many = plural(match[1]!);
  if (names.has(many) && many !== self) return [many];
  return [...names].filter((name) => name !== self && name.endsWith(`_${many}`));
}

function unresolved(resource: string, placeholder: string): string {
  return (
    `cannot tell where {${placeholder}} in resource "${resource}" comes from; name its parent with ` +
    `params: { ${JSON.stringify(placeholder)}: { type: "resolve", resource: "<parent>", field: "id" } }`
  );
}

/** Parents before children; reports every cycle's members. */
export function topologicalOrder(names: string[], links: Map<string, ParentLink>, issues: ConfigIssue[]): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): void => {
    const seen = state.get(name);
    if (seen === "done") return;
    if (seen === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      issues.push({ path: "resources", message: `dependency cycle: ${cycle.join(" → ")}` });
      return;
    }
    state.set(name, "visiting");
    for (const parent of links.get(name)?.resources ?? []) visit(parent, [...trail, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of names) visit(name, []);
  return order;
}
