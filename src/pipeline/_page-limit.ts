import type { SourceResource } from "../config/source";
import { ConfigError, type ConfigIssue } from "../errors";
import type { RunOptions } from "./options";

/**
 * The page limit of each resource of a run, from `RunOptions.maxPages`: a number
 * limits every top-level resource (children read every page of every parent they
 * are given, as dlt's `add_limit` leaves transformers alone); an object limits the
 * resources it names, a child per parent chain. Refuses what is not a positive whole
 * number or names no resource of the source, before any request.
 */
export function pageLimits(
  option: RunOptions["maxPages"],
  resources: readonly SourceResource[],
): (resource: SourceResource) => number | undefined {
  if (option === undefined) return () => undefined;
  const issues: ConfigIssue[] = [];
  const check = (value: unknown, path: string) => {
    if (!Number.isSafeInteger(value) || (value as number) < 1)
      issues.push({ path, message: `must be a positive whole number of pages, got ${JSON.stringify(value)}` });
  };
  if (typeof option === "number") check(option, "run.maxPages");
  else {
    const names = new Set(resources.map((r) => r.name));
    for (const [name, value] of Object.entries(option)) {
      if (!names.has(name))
        issues.push({
          path: `run.maxPages.${name}`,
          message: `unknown resource "${name}" (the source has ${[...names].join(", ")})`,
        });
      else check(value, `run.maxPages.${name}`);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  if (typeof option === "number") return (resource) => (resource.parent ? undefined : option);
  return (resource) => (Object.hasOwn(option, resource.name) ? option[resource.name] : undefined);
}
