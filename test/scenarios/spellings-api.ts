import type { MockApi } from "../mock/index";

/** Adds the spellings scenario's routes to `mock`: every GET under `/sp/` echoes what it received as one record. */
export function installSpellingsApi(mock: MockApi): void {
  mock.route("GET", /^\/sp\//, (req) => ({
    body: {
      data: [
        {
          id: 1,
          path: req.url.pathname,
          q: req.query.q ?? null,
          tpl: req.headers["x-tpl"] ?? null,
          literal: req.headers["x-literal"] ?? null,
          empty: req.headers["x-empty"] ?? null,
          signature: req.headers["x-signature"] ?? null,
          authorization: req.headers.authorization ?? null,
        },
      ],
    },
  }));
}
