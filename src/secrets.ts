import { ConfigError } from "./errors";

const SECRET = Symbol.for("restsync.secret");

/** A lazy reference to a secret, resolved when a pipeline runs. Never holds the value. */
export interface SecretRef {
  readonly [SECRET]: true;
  /** The secret's name, e.g. `api_key`. */
  readonly name: string;
}

function makeRef(name: string): SecretRef {
  const ref = {
    [SECRET]: true as const,
    name,
    toString: () => `secrets[${JSON.stringify(name)}]`,
    toJSON: () => `secrets[${JSON.stringify(name)}]`,
  };
  return Object.freeze(ref);
}

/**
 * Secret references for configs: `secrets["api_key"]` is the spelling of dlt's
 * `dlt.secrets["api_key"]`. The value is looked up when the pipeline runs: in
 * `createPipeline({ secrets })` (as named, then upper-cased), else in the
 * environment where one exists (`API_KEY`, then `SOURCES__API_KEY`).
 *
 * @example
 * auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"], location: "header" }
 */
export const secrets: Readonly<Record<string, SecretRef>> = new Proxy(Object.freeze({}) as Record<string, SecretRef>, {
  get: (_target, key) => (typeof key === "string" ? makeRef(key) : undefined),
  has: () => true,
});

/** True for a value made by `secrets[...]`. */
export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SECRET] === true;
}

/** Where secret values come from: explicit values first, then the environment. */
export type SecretSource = Readonly<Record<string, unknown>>;

function processEnv(): SecretSource | undefined {
  // Not an import: reading an optional global keeps the core runtime-agnostic.
  const proc = (globalThis as { process?: { env?: SecretSource } }).process;
  return proc?.env;
}

function lookup(name: string, provided: SecretSource | undefined): string | undefined {
  const upper = name.toUpperCase();
  const env = processEnv();
  const candidates = [provided?.[name], provided?.[upper], env?.[upper], env?.[`SOURCES__${upper}`]];
  for (const value of candidates) if (typeof value === "string" && value !== "") return value;
  return undefined;
}

/**
 * Replaces every secret reference in `value` (deeply) by its value, and returns
 * the values found so that they can be redacted from errors and logs.
 * Throws one {@link ConfigError} naming every missing secret.
 */
export function resolveSecrets<T>(value: T, provided: SecretSource | undefined): { value: T; values: string[] } {
  const missing = new Map<string, string>();
  const values = new Set<string>();
  const walk = (node: unknown, path: string): unknown => {
    if (isSecretRef(node)) {
      const found = lookup(node.name, provided);
      if (found === undefined) {
        if (!missing.has(node.name)) missing.set(node.name, path);
        return "";
      }
      values.add(found);
      return found;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, path ? `${path}.${key}` : key);
      return out;
    }
    return node;
  };
  const resolved = walk(value, "") as T;
  if (missing.size > 0) {
    throw new ConfigError(
      [...missing].map(([name, path]) => ({
        path,
        message: `secret "${name}" is not set (pass createPipeline({ secrets: { ${name}: … } }) or set ${name.toUpperCase()} in the environment)`,
      })),
      "secret_missing",
    );
  }
  return { value: resolved, values: [...values] };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
