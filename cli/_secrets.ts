import { ConfigError, type ConfigIssue, isSecretRef, type RestApiSource, secretNames } from "restsync";
import { UsageError } from "./_io";

/**
 * The environment's layer of secrets (`API_KEY`, or dlt's `SOURCES__REST_API__API_KEY`… for
 * `secrets["api_key"]`), with `--secret name=ENV_VAR` mappings on top. A mapping to an unset
 * variable is an error (the user named it). `origins` names the variable each value came from.
 */
export function secretSource(
  env: Readonly<Record<string, string | undefined>>,
  mappings: readonly string[] = [],
): SecretLayer {
  const values: Record<string, string> = Object.create(null);
  const origins: Record<string, string> = Object.create(null);
  const take = (name: string, value: string, variable: string) => {
    values[name] = value;
    origins[name] = variable;
  };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) take(name, value, name);
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("SOURCES__") && value && values[name.slice(9)] === undefined) take(name.slice(9), value, name);
  }
  const issues: ConfigIssue[] = [];
  for (const mapping of mappings) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(mapping);
    if (!match)
      throw new UsageError(`--secret expects name=ENV_VAR (e.g. --secret api_key=MY_API_KEY), got "${mapping}"`, "run");
    const [, name, variable] = match as unknown as [string, string, string];
    const value = env[variable];
    if (value === undefined || value === "")
      issues.push({ path: `--secret ${name}=${variable}`, message: `environment variable ${variable} is not set` });
    else take(name, value, variable);
  }
  if (issues.length > 0) throw new ConfigError(issues, "secret_missing");
  return { values, origins };
}

/** Secret values under their names (environment-variable style), and where each came from. */
export type SecretLayer = { values: Record<string, string>; origins: Record<string, string> };

/**
 * The value of every secret the given resources (and the client) reference, found as dlt finds it:
 * layer by layer (the environment, then `.dlt/secrets.toml`, then `config.toml`), and in each
 * under the secret's own name, then {@link secretNames}. Returned under the secret's name, so the
 * run reads exactly these. Checked before anything is cleared or fetched: a missing secret is a
 * ConfigError naming every name it was looked for under.
 */
export function pinSecrets(
  source: RestApiSource,
  resources: ReadonlySet<string>,
  layers: readonly SecretLayer[],
  pipeline?: string,
): SecretLayer {
  const pinned: SecretLayer = { values: Object.create(null), origins: Object.create(null) };
  const missing = new Map<string, string>();
  const find = (secret: string) => {
    for (const layer of layers)
      for (const name of [secret, ...secretNames(secret, pipeline)]) {
        const value = layer.values[name];
        if (typeof value === "string" && value !== "") return { value, origin: layer.origins[name] ?? name };
      }
    return undefined;
  };
  const walk = (node: unknown, at: string) => {
    if (isSecretRef(node)) {
      if (node.name in pinned.values || missing.has(node.name)) return;
      const found = find(node.name);
      if (!found) missing.set(node.name, at);
      else {
        pinned.values[node.name] = found.value;
        pinned.origins[node.name] = found.origin;
      }
    } else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${at}[${i}]`);
    } else if (
      typeof node === "object" &&
      node !== null &&
      [Object.prototype, null].includes(Object.getPrototypeOf(node))
    ) {
      for (const [key, child] of Object.entries(node)) walk(child, `${at}.${key}`);
    }
  };
  walk(source.client, "client");
  for (const resource of source.resources) {
    if (!resources.has(resource.name)) continue;
    for (const field of ["params", "json", "headers"] as const)
      walk(resource[field], `resources.${resource.name}.${field}`);
  }
  if (missing.size === 0) return pinned;
  throw new ConfigError(
    [...missing].map(([name, at]) => ({
      path: at,
      message: `secret "${name}" is not set: set ${secretNames(name, pipeline).join(" or ")} in the environment or .dlt/secrets.toml, or map another variable with --secret ${name}=ENV_VAR`,
    })),
    "secret_missing",
  );
}

/** The resources a run touches: the requested ones (or every selected one) and the parents that feed them. */
export function runResources(
  source: RestApiSource,
  requested: readonly string[] | undefined,
): { stored: string[]; all: Set<string> } {
  const byName = new Map(source.resources.map((r) => [r.name, r]));
  const unknown = (requested ?? []).filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((name) => ({
        path: "--resources",
        message: `unknown resource "${name}" (the config has ${[...byName.keys()].join(", ")})`,
      })),
    );
  }
  const stored = requested ? [...new Set(requested)] : source.resources.filter((r) => r.selected).map((r) => r.name);
  const all = new Set<string>();
  const visit = (name: string) => {
    if (all.has(name)) return;
    all.add(name);
    for (const parent of byName.get(name)?.parent?.resources ?? []) visit(parent);
  };
  stored.forEach(visit);
  return { stored, all };
}

/** A message of the run with "the pipeline's secrets.X" said as the environment variable the CLI read X from. */
export function withEnvironmentNames(message: string, origins: Readonly<Record<string, string>>): string {
  return message.replace(/the pipeline's secrets\.([^\s)]+)/g, (whole, key: string) =>
    origins[key] ? (origins[key].includes(".toml") ? origins[key] : `the environment variable ${origins[key]}`) : whole,
  );
}
