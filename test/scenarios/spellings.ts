/**
 * dlt's template and extension spellings where runtimes could differ (issue 12, items 7, 10, 14),
 * runnable in Node, Chromium and workerd: a `{{literal}}` brace in a path and a param, static params
 * filling the path, an empty header, a client header sent as written, a custom auth that signs each
 * request, a type-less auth dict on an endpoint, and a response action function that rewrites the body.
 * The API echoes what it received into each record, so the store shows what went on the wire.
 */
import { type AuthRequest, type CustomAuth, type Pipeline, type RestApiConfig, restApiSource } from "restsync";

/** Signs every request with a fixed signature, the way a user's HMAC auth would. */
class FixedSignature implements CustomAuth {
  apply(request: AuthRequest): void {
    request.headers.set("x-signature", `sig:${request.method}`);
  }
}

export function spellingsConfig(url: string): RestApiConfig {
  return {
    client: {
      base_url: `${url}/sp`,
      headers: { "X-Literal": "{incremental.start_value}", "X-Empty": "" },
      auth: new FixedSignature(),
      paginator: "single_page",
    },
    resources: [
      {
        name: "echo",
        endpoint: {
          path: "/repos/{org}/{repo}/{{literal}}",
          params: { org: "dlt-hub", repo: "dlt", q: "{{x}}" },
          headers: { "X-Tpl": "a{{b}}c" },
          data_selector: "data",
          response_actions: [
            (response) => {
              const body = JSON.parse(response.text) as { data: Array<Record<string, unknown>> };
              return { ...response, text: JSON.stringify({ data: body.data.map((r) => ({ ...r, hooked: true })) }) };
            },
          ],
        },
      },
      {
        name: "keyed",
        endpoint: { path: "/keyed", data_selector: "data", auth: { token: "endpoint-token" } as never },
      },
    ],
  };
}

/** One run; then the records each resource stored (each echoes the request that fetched it). */
export async function runSpellingsScenario(pipeline: Pipeline, url: string) {
  const report = await pipeline.run(restApiSource(spellingsConfig(url)));
  const stored: Record<string, Array<Record<string, unknown>>> = {};
  for (const name of ["echo", "keyed"]) {
    stored[name] = [];
    for await (const record of pipeline.records(name)) stored[name].push(record);
  }
  return { status: report.status, errors: Object.values(report.resources).map((r) => r.error?.message), stored };
}

/** What every runtime must have stored. */
export const SPELLINGS_EXPECTED = {
  echo: [
    {
      id: 1,
      path: "/sp/repos/dlt-hub/dlt/%7Bliteral%7D",
      q: "{x}",
      tpl: "a{b}c",
      literal: "{incremental.start_value}",
      empty: "",
      signature: "sig:GET",
      authorization: null,
      hooked: true,
    },
  ],
  keyed: [
    {
      id: 1,
      path: "/sp/keyed",
      q: null,
      tpl: null,
      literal: "{incremental.start_value}",
      empty: "",
      signature: null,
      authorization: "Bearer endpoint-token",
    },
  ],
};
