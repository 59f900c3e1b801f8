import { createPipeline, type Pipeline, type RestApiConfig, type StoreAdapter } from "restsync";

/**
 * A one-endpoint API served by a fetch function (no socket): GET /things answers
 * `records()` as they are now, as one JSON page. For tests of what a store makes of
 * given records; the body is JSON text, so records arrive as an API would send them.
 */
export function recordsApi(records: () => unknown[], body?: () => string) {
  const fetch = (async () =>
    new Response(body ? body() : JSON.stringify(records()), {
      headers: { "content-type": "application/json" },
    })) as unknown as typeof globalThis.fetch;
  return fetch;
}

/** A pipeline over {@link recordsApi}'s `things`, merged on `id`, incremental on `updated_at` when asked. */
export function thingsPipeline(
  store: StoreAdapter,
  fetch: typeof globalThis.fetch,
  options: { incremental?: boolean } = {},
): { pipeline: Pipeline; config: RestApiConfig } {
  const config: RestApiConfig = {
    client: { base_url: "http://127.0.0.1:9/" },
    resources: [
      {
        name: "things",
        primary_key: "id",
        write_disposition: "merge",
        endpoint: {
          path: "things",
          paginator: { type: "single_page" },
          ...(options.incremental
            ? { incremental: { cursor_path: "updated_at", initial_value: "2000-01-01T00:00:00Z" } }
            : {}),
        },
      },
    ],
  };
  return { pipeline: createPipeline({ name: "t", store, fetch }), config };
}
