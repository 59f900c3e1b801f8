import type { SourceResource } from "../config/source";
import { createAuthenticator } from "../http/_auth";
import { Redactor } from "../http/_redact";
import { HttpClient } from "../http/client";
import type { BudgetOptions } from "../http/_budget";
import { resolveSecrets } from "../_resolve-secrets";
import type { SecretSource } from "../secrets";
import type { RestApiSource } from "../config/source";

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
}

/**
 * Secrets → redactor → authenticator → client, for the run of `resources`.
 * Secrets are resolved first: a missing one is a ConfigError raised before any
 * request, not a failed run.
 */
export function openSession(source: RestApiSource, resources: readonly SourceResource[], options: SessionOptions): Session {
  const { value: resolved, values } = resolveSecrets({ client: source.client, resources: [...resources] }, options.secrets);
  // resolveSecrets also returns literal credentials (auth fields, credential headers and params): as secret as secrets["..."] ones.
  const redactor = new Redactor(values);
  const retryOf = (name: string) => (resolved.resources.find((r) => r.name === name) ?? resolved.resources[0]!).retry;
  const client = new HttpClient({
    baseUrl: resolved.client.base_url,
    auth: (send) =>
      createAuthenticator(resolved.client.auth, async (url, form, context) => {
        const response = await send(url, form, { ...context, retry: retryOf(context.resource) });
        // Issued tokens are as secret as the credentials that bought them.
        const issued = response.body as { access_token?: unknown; refresh_token?: unknown; id_token?: unknown } | undefined;
        redactor.add(issued?.access_token, issued?.refresh_token, issued?.id_token);
        return response.body;
      }),
    timeoutMs: resolved.client.timeout * 1000,
    concurrency: options.concurrency,
    redactor,
    fetch: options.fetch,
    rateLimit: resolved.client.rate_limit,
    maxResponseSize: resolved.client.max_response_size,
    notBefore: options.notBefore,
    budget: options.budget,
  });
  return { client, redactor, resources: resolved.resources };
}
