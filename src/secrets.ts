import { isCredentialAuthField, isCredentialHeader, isCredentialParam } from "./_credential-names";
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
// Pure: a bundle that never reads `secrets` drops it (and makeRef).
export const secrets: Readonly<Record<string, SecretRef>> = /* @__PURE__ */ new Proxy(/* @__PURE__ */ Object.freeze({}) as Record<string, SecretRef>, {
  get: (_target, key) => (typeof key === "string" ? makeRef(key) : undefined),
  has: () => true,
});

/** How a secret is written where a config is JSON: the string `secrets["name"]` (what a reference serialises to), also `dlt.secrets['name']`. */
const SECRET_SPELLING = /^(?:dlt\.)?secrets\[\s*["']([^"'\]]+)["']\s*\]$/;

/**
 * `config` with every string that spells a secret (`"secrets[\"api_key\"]"`, as a
 * JSON config writes it) replaced by the reference it names, so that it is resolved
 * like `secrets["api_key"]` and never sent as it is. Copies only what it changes.
 */
export function withSecretRefs<T>(config: T): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") {
      const match = SECRET_SPELLING.exec(node);
      return match ? secrets[match[1]!] : node;
    }
    if (Array.isArray(node)) {
      const items = node.map(walk);
      return items.some((item, i) => item !== node[i]) ? items : node;
    }
    if (!isPlainObject(node) || isSecretRef(node)) return node;
    let out: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(node)) {
      const value = walk(child);
      if (value === child) continue;
      out ??= { ...node };
      setOwn(out, key, value);
    }
    return out ?? node;
  };
  return walk(config) as T;
}

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

/** `source[key]`, but never a value a plain object only inherits (`constructor`, or a polluted prototype). */
function read(source: SecretSource | undefined, key: string): unknown {
  if (source === undefined || source === null) return undefined;
  if (isPlainObject(source) && !Object.prototype.hasOwnProperty.call(source, key)) return undefined;
  return source[key];
}

function lookup(name: string, provided: SecretSource | undefined): string | undefined {
  const upper = name.toUpperCase();
  const env = processEnv();
  const candidates = [read(provided, name), read(provided, upper), read(env, upper), read(env, `SOURCES__${upper}`)];
  for (const value of candidates) if (typeof value === "string" && value !== "") return value;
  return undefined;
}

/**
 * A literal (not `secrets["…"]`) config value that is a credential by where it
 * sits: an auth field, a credential header (`Authorization: "Bearer …"`, `X-Api-Key`,
 * `Ocp-Apim-Subscription-Key`) or a credential query param (`access_token`, `key`);
 * see src/_credential-names.ts. Returned with the token of
 * an `Authorization`-style value on its own, as APIs echo either.
 */
function literalCredentials(path: string, value: string): string[] {
  const match = /(?:^|\.)(headers|params|auth)\.([^.[\]]+)$/.exec(path);
  if (!match) return [];
  const [, where, name] = match;
  const credential =
    where === "headers" ? isCredentialHeader(name!) : where === "params" ? isCredentialParam(name!) : isCredentialAuthField(name!);
  // A template (`{resources.parent.token}`) is filled per request, not a credential itself.
  if (!credential || /\{[^{}]+\}/.test(value)) return [];
  const scheme = /^(?:Bearer|Basic|Token|Bot|ApiKey|Key)\s+(\S.*)$/i.exec(value);
  return scheme ? [value, scheme[1]!] : [value];
}

/**
 * Replaces every secret reference in `value` (deeply) by its value, and returns
 * the values found so that they can be redacted from errors and logs (and kept
 * off other origins) — with literal credentials in credential positions (see
 * {@link literalCredentials}), which are as secret as referenced ones.
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
    if (typeof node === "string") for (const literal of literalCredentials(path, node)) values.add(literal);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) setOwn(out, key, walk(child, path ? `${path}.${key}` : key));
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

/**
 * `target[key] = value` as an own data property, whatever `key` is: assigning to
 * `__proto__` would swap the object's prototype instead of storing data. Use it
 * wherever a key comes from an API response or a config.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Also for the other names Object.prototype has: a frozen prototype would make assignment throw.
  if (Object.prototype.hasOwnProperty.call(Object.prototype, key)) Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  // A schema (valibot, or any Standard Schema) is a value in a config, never walked into or merged.
  if (typeof (value as { "~standard"?: unknown })["~standard"] === "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
