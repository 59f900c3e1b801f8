import type { Pipeline, SourceResource } from "restsync";
import { fieldAt } from "./record-query";

/**
 * How many parents a child resource will visit: the distinct values of its
 * placeholders over its parents' stored records (a story listed under an epic,
 * a group and an iteration is one parent of its comments). Counted here from
 * IndexedDB, once the child starts and so its parents are stored; exact on a
 * first sync. Undefined when the page cannot know: parents not stored, a
 * `parent_incremental` child (only changed parents), or a field path that is
 * more than dotted names.
 */
export async function countParents(pipeline: Pipeline, resource: SourceResource, all: readonly SourceResource[]): Promise<number | undefined> {
  const link = resource.parent;
  if (!link || resource.parentIncremental) return undefined;
  const fields = [...link.fields.values(), ...link.queryParams.values()];
  if (!fields.every((field) => /^(\$\.)?[\w.]+$/.test(field))) return undefined;
  if (!link.resources.every((name) => all.find((r) => r.name === name)?.selected)) return undefined;

  const keys = new Set<string>();
  for (const parent of link.resources) {
    for await (const record of pipeline.records(parent)) {
      const values = fields.map((field) => fieldAt(record, field));
      // Parents without a value are not visited (the run counts them as parentsWithoutKey).
      if (values.every((value) => value !== undefined && value !== null && value !== "")) keys.add(JSON.stringify(values));
    }
  }
  return keys.size;
}
