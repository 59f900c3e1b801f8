/**
 * `target[key] = value` as an own data property, whatever `key` is: assigning to
 * `__proto__` would swap the object's prototype instead of storing data. Use it
 * wherever a key comes from an API response or a config.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Also for the other names Object.prototype has: a frozen prototype would make assignment throw.
  if (Object.hasOwn(Object.prototype, key))
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** A plain object (a JSON object, a config object); never a schema, an array or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  // A schema (valibot, or any Standard Schema) is a value in a config, never walked into or merged.
  if (typeof (value as { "~standard"?: unknown })["~standard"] === "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
