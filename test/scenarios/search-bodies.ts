/**
 * Request bodies in every runtime (issue 12, item 11): POST search APIs paged through the JSON
 * body (a cursor at a dotted path, offset and limit), a form body and a raw string body. The API
 * (search-bodies-api.ts) echoes the body and content type it received into each record, so the
 * store shows what the runtime's fetch really sent; `SB_EXPECTED` is what it must hold.
 */
import { type Pipeline, type RunReport, restApiSource } from "restsync";

export const SB_RESOURCES = ["cursor_search", "offset_search", "form", "raw"] as const;

type Row = Record<string, unknown>;
const names = (ids: number[]) => ids.map((id) => ({ id, name: `item ${id}` }));

/** Pages of three by body cursor, then pages of four by body offset. */
export const SB_EXPECTED: Record<(typeof SB_RESOURCES)[number], Row[]> = {
  cursor_search: names([1, 2, 3, 4, 5, 6, 7, 8]).map((row, i) => ({
    ...row,
    got: JSON.stringify({ q: "all", page: { size: 3, ...(i >= 3 ? { cursor: Math.floor(i / 3) * 3 } : {}) } }),
    type: "application/json",
  })),
  offset_search: names([1, 2, 3, 4, 5, 6, 7, 8, 9]).map((row, i) => ({
    ...row,
    got: JSON.stringify({ filter: { active: true }, range: { offset: Math.floor(i / 4) * 4, limit: 4 } }),
    type: "application/json",
  })),
  form: [{ id: 1, got: "q=a+b%26c&tag=x&tag=y&n=2", type: "application/x-www-form-urlencoded" }],
  // No Content-Type, as dlt (requests) sends a string body: the runtime's fetch must not add one.
  raw: [{ id: 1, got: "<query>everything</query>" }],
};

/** Runs the scenario's source against the API at `url`; returns the report and what the store holds, by id. */
export async function runSearchBodiesScenario(
  pipeline: Pipeline,
  url: string,
): Promise<{ report: RunReport; stored: Record<string, Row[]> }> {
  const source = restApiSource({
    client: { base_url: `${url}/sb` },
    resource_defaults: { primary_key: "id", write_disposition: "merge", endpoint: { method: "POST" } },
    resources: [
      {
        name: "cursor_search",
        endpoint: {
          path: "cursor",
          json: { q: "all", page: { size: 3 } },
          data_selector: "hits",
          paginator: { type: "cursor", cursor_path: "next", cursor_body_path: "page.cursor" },
        },
      },
      {
        name: "offset_search",
        endpoint: {
          path: "offset",
          json: { filter: { active: true } },
          paginator: { type: "offset", limit: 4, offset_body_path: "range.offset", limit_body_path: "range.limit" },
        },
      },
      {
        name: "form",
        endpoint: { path: "echo", data: { q: "a b&c", tag: ["x", "y"], n: 2, skip: null }, paginator: "single_page" },
      },
      { name: "raw", endpoint: { path: "echo", data: "<query>everything</query>", paginator: "single_page" } },
    ],
  });
  const report = await pipeline.run(source);
  const stored: Record<string, Row[]> = {};
  for (const name of SB_RESOURCES) {
    const rows: Row[] = [];
    for await (const record of pipeline.records(name)) rows.push(record);
    stored[name] = rows.sort((a, b) => Number(a.id) - Number(b.id));
  }
  return { report, stored };
}
