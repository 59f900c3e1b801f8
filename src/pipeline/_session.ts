import { isPlainObject } from "../_objects";
import { resolveSecrets } from "../_resolve-secrets";
import { CREDENTIAL_AUTH_FIELDS, tokenUrlProblem } from "../config/_schema";
import type { RestApiSource, SourceResource } from "../config/source";
import type { AuthConfig } from "../config/types";
import { ConfigError } from "../errors";
import { createAuthenticator } from "../http/_auth";
import type { BudgetOptions } from "../http/_budget";
import { CredentialCheck, type Rejection } from "../http/_credential-check";
import { Redactor } from "../http/_redact";
import type { TokenSender } from "../http/_types";
import { HttpClient } from "../http/client";
import { isSecretRef, type SecretSource } from "../secrets";

/** The HTTP side of one run of a source. */
export interface Session {
  client: HttpClient;
  /** Knows every secret value of the run, and tokens issued during it. */
  redactor: Redactor;
  /** The run's resources with their secrets resolved, in the order given. */
  resources: readonly SourceResource[];
}

export interface SessionOptions {
  secrets: SecretSource | undefined;
  fetch: typeof globalThis.fetch | undefined;
  concurrency: number;
  budget: BudgetOptions;
  /** Host cooldowns a previous run's 429s asked for. */
  notBefore: Readonly<Record<string, number>> | undefined;
  /** Called once if the API refuses the run's credential. */
  onRejected: (rejection: Rejection) => void;
  /** The pipeline's name: dlt's source section in secret names (`SOURCES__<NAME>__API_KEY`). */
  pipeline?: string;
}

/**
 * Secrets → redactor → authenticator → client, for the run of `resources`.
 * Secrets are resolved first: a missing one is a ConfigError raised before any
 * request, not a failed run.
 */
export function openSession(
  source: RestApiSource,
  resources: readonly SourceResource[],
  options: SessionOptions,
): Session {
  const {
    value: resolved,
    values,
    origins,
  } = resolveSecrets({ client: source.client, resources: [...resources] }, options.secrets, options.pipeline);
  // resolveSecrets also returns literal credentials (auth fields, credential headers and params): as secret as secrets["..."] ones.
  checkTokenUrls(resolved);
  const redactor = new Redactor(values);
  const retryOf = (name: string) => (resolved.resources.find((r) => r.name === name) ?? resolved.resources[0]!).retry;
  const authenticator = (send: TokenSender, auth: AuthConfig | null | undefined) =>
    createAuthenticator(
      auth,
      async (url, form, context) => {
        const response = await send(url, form, { ...context, retry: retryOf(context.resource) });
        // Issued tokens are as secret as the credentials that bought them.
        const issued = response.body as
          | { access_token?: unknown; refresh_token?: unknown; id_token?: unknown }
          | undefined;
        redactor.add(issued?.access_token, issued?.refresh_token, issued?.id_token);
        return response.body;
      },
      Date.now,
      // What a custom auth declares is as secret as secrets["..."] values.
      (...values) => redactor.add(...values),
    );
  const client = new HttpClient({
    baseUrl: resolved.client.base_url,
    auth: (send) => ({
      client: authenticator(send, resolved.client.auth),
      // endpoint.auth: a resource's own, replacing the client's (null: none).
      resources: new Map(
        resolved.resources.filter((r) => r.auth !== undefined).map((r) => [r.name, authenticator(send, r.auth)]),
      ),
    }),
    timeoutMs: resolved.client.timeout * 1000,
    concurrency: options.concurrency,
    redactor,
    fetch: options.fetch,
    rateLimit: resolved.client.rate_limit,
    maxResponseSize: resolved.client.max_response_size,
    showErrorBody: resolved.client.http_show_error_body ? resolved.client.http_max_error_body_length : undefined,
    notBefore: options.notBefore,
    budget: options.budget,
    credentials: new CredentialCheck(credentialHint(source, origins), options.onRejected),
  });
  return { client, redactor, resources: resolved.resources };
}

/** Which secrets (and where their values came from), or which config fields, hold the run's credential. */
function credentialHint(source: RestApiSource, origins: Readonly<Record<string, string>>): string {
  const named = new Set<string>();
  const literal: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (isSecretRef(node)) named.add(node.name);
    else if (
      typeof node === "string" &&
      path.startsWith("client.auth.") &&
      CREDENTIAL_AUTH_FIELDS.includes(path.slice(12))
    )
      literal.push(path);
    else if (isPlainObject(node)) for (const [key, child] of Object.entries(node)) walk(child, `${path}.${key}`);
  };
  walk(source.client.auth, "client.auth");
  walk(source.client.headers, "client.headers");
  const secrets = [...named].map(
    (name) => `secrets[${JSON.stringify(name)}]${origins[name] ? ` (from ${origins[name]})` : ""}`,
  );
  const what = [...secrets, ...literal];
  return what.length > 0
    ? `check ${what.join(" and ")}`
    : "check the credentials the config sends (client.auth, client.headers)";
}

/** A token URL read from secrets is checked as a literal one is at validation: before anything is sent to it. */
function checkTokenUrls(resolved: { client: { auth?: unknown }; resources: readonly SourceResource[] }): void {
  const auths: [string, unknown][] = [
    ["client.auth", resolved.client.auth],
    ...resolved.resources.map((r): [string, unknown] => [`resources[${r.index}].endpoint.auth`, r.auth]),
  ];
  const issues = auths.flatMap(([path, auth]) => {
    const { type, access_token_url: url } = (auth ?? {}) as { type?: unknown; access_token_url?: unknown };
    const problem = type === "oauth2_client_credentials" ? tokenUrlProblem(url) : undefined;
    return problem ? [{ path: `${path}.access_token_url`, message: problem }] : [];
  });
  if (issues.length > 0) throw new ConfigError(issues);
}
