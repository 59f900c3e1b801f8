/**
 * Deepest nesting a record may have, counting the record itself as level 1. JSON
 * parses deeper input without trouble, but serialising, cloning and storing it
 * recurse: Node's JSON.stringify and structuredClone give up between 2,000 and
 * 5,000 levels, browsers and workerd sooner. Real API records stay far below this.
 */
export const MAX_RECORD_DEPTH = 1000;

/** Levels walked by plain recursion before the walk goes on with its own stack. */
const RECURSION = 32;

/**
 * True when `value` nests objects or arrays more than `limit` levels deep. The
 * first levels are walked by recursion (no allocation: this runs for every
 * record), deeper ones with an explicit stack, so a hostile record cannot
 * overflow the call stack.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  return shallowWalk(value, 1, limit);
}

function shallowWalk(value: unknown, depth: number, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > limit) return true;
  if (depth >= RECURSION) return stackWalk(value, depth, limit);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (shallowWalk(value[i], depth + 1, limit)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (shallowWalk(record[key], depth + 1, limit)) return true;
  return false;
}

function stackWalk(value: object, start: number, limit: number): boolean {
  const values: object[] = [value];
  const depths: number[] = [start];
  while (values.length > 0) {
    const node = values.pop()! as Record<string, unknown>;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === "object" && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        const child = node[key];
        if (typeof child === "object" && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
