import { UsageError } from "./_io";

/** One `--where field=value` condition: a dotted path into the record and the text its value must equal. */
export interface Where {
  path: string[];
  value: string;
  /** As written, for messages. */
  text: string;
}

/** Parses `--where` values (`state=done`, `owner.id=42`); a malformed one is a usage error. */
export function parseWhere(command: string, given: string[] | undefined): Where[] {
  return (given ?? []).map((text) => {
    const eq = text.indexOf("=");
    const field = eq < 0 ? "" : text.slice(0, eq).trim();
    if (field === "" || field.split(".").some((part) => part === "")) {
      throw new UsageError(
        `--where needs field=value (a field name or a dotted path such as owner.id), got "${text}"`,
        command,
      );
    }
    return { path: field.split("."), value: text.slice(eq + 1), text };
  });
}

/** The value at a dotted path (own properties only; a number picks an array element), or undefined. */
function valueAt(record: unknown, path: readonly string[]): unknown {
  let value = record;
  for (const part of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The text a value compares as: strings as they are, numbers, booleans and null as written in JSON, objects and arrays as JSON. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** True when every condition holds for `record` (a missing field never matches). */
export function matches(record: unknown, where: readonly Where[]): boolean {
  return where.every((condition) => {
    const value = valueAt(record, condition.path);
    return value !== undefined && asText(value) === condition.value;
  });
}
