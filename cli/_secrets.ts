import { ConfigError, type ConfigIssue, isSecretRef, type RestApiSource, type SecretSource } from "restsync";
import { UsageError } from "./_io";

/**
 * The secrets a run gets: the environment as restsync reads it (`API_KEY` or
 * `SOURCES__API_KEY` for `secrets["api_key"]`), then `--secret name=ENV_VAR`
 * mappings on top. A mapping to an unset variable is an error (the user named it).
 * `origins` names the environment variable each value came from, for messages.
 */
export function secretSource(
  env: Readonly<Record<string, string | undefined>>,
  mappings: readonly string[] = [],
): { values: Record<string, string>; origins: Record<string, string> } {
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

/**
 * The secrets the given resources (and the client) need that `provided` lacks,
 * as restsync would report them: checked before anything is cleared or fetched.
 */
export function checkSecrets(source: RestApiSource, resources: ReadonlySet<string>, provided: SecretSource): void {
  const missing = new Map<string, string>();
  const walk = (node: unknown, at: string) => {
    if (isSecretRef(node)) {
      const upper = node.name.toUpperCase();
      const value = [provided[node.name], provided[upper]].find((v) => typeof v === "string" && v !== "");
      if (value === undefined && !missing.has(node.name)) missing.set(node.name, at);
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
  if (missing.size === 0) return;
  throw new ConfigError(
    [...missing].map(([name, at]) => ({
      path: at,
      message: `secret "${name}" is not set: set ${name.toUpperCase()} in the environment, or map another variable with --secret ${name}=ENV_VAR`,
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
    origins[key] ? `the environment variable ${origins[key]}` : whole,
  );
}
