import { isCredentialHeader, isCredentialParam } from "./_credential-names";
import { isPlainObject, setOwn } from "./_objects";
import { CREDENTIAL_AUTH_FIELDS, fetchRefusesHeaderValue, REFUSED_HEADER_VALUE } from "./config/_schema";
import { ConfigError } from "./errors";
import { isSecretRef, type SecretSource, secretNames } from "./secrets";

function processEnv(): SecretSource | undefined {
  // Not an import: reading an optional global keeps the core runtime-agnostic.
  const proc = (globalThis as { process?: { env?: SecretSource } }).process;
  return proc?.env;
}

/** `source[key]`, but never a value a plain object only inherits (`constructor`, or a polluted prototype). */
function read(source: SecretSource | undefined, key: string): unknown {
  if (source === undefined || source === null) return undefined;
  if (isPlainObject(source) && !Object.hasOwn(source, key)) return undefined;
  return source[key];
}

/** The value at a dotted `path` of nested plain objects (a parsed secrets.toml, `{ sources: { rest_api: … } }`). */
function readPath(source: SecretSource | undefined, path: readonly string[]): unknown {
  let node: unknown = source;
  for (const key of path) node = isPlainObject(node) ? read(node, key) : undefined;
  return node;
}

/** A secret's value and where it was found (for messages: never the value). */
function lookup(
  name: string,
  provided: SecretSource | undefined,
  pipeline: string | undefined,
): { value: string; from: string } | undefined {
  const env = processEnv();
  const names = secretNames(name, pipeline);
  const candidates: Array<[unknown, string]> = [
    [read(provided, name), `the pipeline's secrets.${name}`],
    ...names.map((key): [unknown, string] => [read(provided, key), `the pipeline's secrets.${key}`]),
    // dlt's nested spelling, as secrets.toml holds it: [sources.rest_api] api_key = …
    ...names.map((key): [unknown, string] => {
      const path = key.toLowerCase().split("__");
      return [path.length > 1 ? readPath(provided, path) : undefined, `the pipeline's secrets.${path.join(".")}`];
    }),
    ...names.map((key): [unknown, string] => [read(env, key), `the environment variable ${key}`]),
  ];
  for (const [value, from] of candidates) if (typeof value === "string" && value !== "") return { value, from };
  return undefined;
}

/**
 * A literal (not `secrets["…"]`) config value that is a credential by where it
 * sits: an auth field, a credential header (`Authorization: "Bearer …"`, `X-Api-Key`,
 * `Ocp-Apim-Subscription-Key`) or a credential query param (`access_token`, `key`);
 * see _credential-names.ts and the auth schema. Returned with the token of
 * an `Authorization`-style value on its own, as APIs echo either.
 */
function literalCredentials(path: string, value: string): string[] {
  const match = /(?:^|\.)(headers|params|auth)\.([^.[\]]+)$/.exec(path);
  if (!match) return [];
  const [, where, name] = match;
  const credential =
    where === "headers"
      ? isCredentialHeader(name!)
      : where === "params"
        ? isCredentialParam(name!)
        : CREDENTIAL_AUTH_FIELDS.includes(name!);
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
export function resolveSecrets<T>(
  value: T,
  provided: SecretSource | undefined,
  pipeline?: string,
): { value: T; values: string[]; origins: Record<string, string> } {
  const missing = new Map<string, string>();
  /** Secret name → its first path: each resource's headers repeat client.headers, reported once. */
  const refused = new Map<string, string>();
  const values = new Set<string>();
  const origins: Record<string, string> = Object.create(null);
  /** `header`: the value is sent in a header (a header, a bearer token, an api_key not sent in the query). */
  const walk = (node: unknown, path: string, header = /(?:^|\.)headers\.[^.]+$/.test(path)): unknown => {
    if (isSecretRef(node)) {
      const found = lookup(node.name, provided, pipeline);
      if (found === undefined && node.fallback !== undefined) return node.fallback;
      if (found === undefined) {
        if (!missing.has(node.name)) missing.set(node.name, path);
        return "";
      }
      if (!node.plain) values.add(found.value);
      origins[node.name] = found.from;
      if (header && fetchRefusesHeaderValue(found.value) && !refused.has(node.name)) refused.set(node.name, path);
      return found.value;
    }
    if (typeof node === "string") for (const literal of literalCredentials(path, node)) values.add(literal);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (isPlainObject(node)) {
      const inHeader = /(?:^|\.)auth$/.test(path) ? authHeaderFields(node) : [];
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        const at = path ? `${path}.${key}` : key;
        setOwn(out, key, inHeader.includes(key) ? walk(child, at, true) : walk(child, at));
      }
      return out;
    }
    return node;
  };
  const resolved = walk(value, "") as T;
  if (missing.size > 0) {
    throw new ConfigError(
      [...missing].map(([name, path]) => ({
        path,
        message: `secret "${name}" is not set (pass createPipeline({ secrets: { ${JSON.stringify(name)}: … } }) or set ${secretNames(name, pipeline).join(" or ")} in the environment)`,
      })),
      "secret_missing",
    );
  }
  if (refused.size > 0)
    throw new ConfigError(
      [...refused].map(([name, path]) => ({ path, message: `secret "${name}" does not fit: ${REFUSED_HEADER_VALUE}` })),
    );
  return { value: resolved, values: [...values], origins };
}

/** The fields of an auth config whose value travels in a header: a bearer token, an api_key unless sent in the query. */
function authHeaderFields(auth: Record<string, unknown>): string[] {
  return auth.location === "query" || auth.location === "param" ? ["token"] : ["token", "api_key"];
}
