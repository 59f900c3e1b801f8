import { createPipeline, type RestApiConfig } from "restsync";
import { type D1DatabaseLike, d1Adapter } from "restsync/adapters/d1";

/** What the routes need to know of the pipeline: its name and the resources of its config. */
export interface SqlApiOptions {
  name: string;
  resources: RestApiConfig["resources"];
}

/**
 * The Worker's HTTP API: JSON answered with SQL over the views restsync keeps in D1
 * (one per resource, named after it, one column per field).
 *
 * - `GET /` — records and cursor per resource, and whether the sync cycle is complete
 * - `GET /epics` — every epic: id, name, state, created_at, updated_at
 * - `GET /epics/:id/stories` — an epic and its stories, newest (latest `created_at`) first
 *
 * Request input only ever reaches SQL as a bound parameter (`?`).
 */
export async function serveSql(request: Request, db: D1DatabaseLike, options: SqlApiOptions): Promise<Response> {
  if (request.method !== "GET") return json({ error: "method not allowed" }, 405, { allow: "GET" });
  const path = new URL(request.url).pathname;
  try {
    if (path === "/") return json(await status(db, options));
    if (path === "/epics") return json({ epics: await all(db, EPICS) });
    const stories = /^\/epics\/([^/]*)\/stories$/.exec(path);
    if (stories) return await epicStories(db, stories[1]!);
    return json({ error: `no route for ${path}` }, 404);
  } catch (error) {
    // Before the first sync has written a resource, its view does not exist yet.
    const message = String((error as Error)?.message ?? error);
    if (/no such table/i.test(message)) return json({ error: "not synced yet: wait for the cron trigger" }, 503);
    console.error(message);
    return json({ error: "query failed" }, 500);
  }
}

const EPICS = "SELECT id, name, state, created_at, updated_at FROM epics ORDER BY id";
const EPIC = "SELECT id, name FROM epics WHERE id = ?";
const STORIES_OF_EPIC = `SELECT id, name, story_type, estimate, created_at, updated_at FROM epics_stories
  WHERE epic_id = ? ORDER BY created_at DESC, id DESC`;

/** `:id` must be a whole number (epic ids are): anything else is the client's mistake, not a missing epic. */
async function epicStories(db: D1DatabaseLike, segment: string): Promise<Response> {
  const id = /^\d{1,16}$/.test(segment) ? Number(segment) : Number.NaN;
  if (!Number.isSafeInteger(id))
    return json({ error: `epic id must be a whole number, got "${segment.slice(0, 40)}"` }, 400);
  // One D1 call for both queries.
  const [epic, stories] = (await db.batch([db.prepare(EPIC).bind(id), db.prepare(STORIES_OF_EPIC).bind(id)])) as Array<{
    results: Record<string, unknown>[];
  }>;
  if (!epic?.results[0]) return json({ error: `no epic ${id}` }, 404);
  return json({ epic: epic.results[0], stories: stories?.results ?? [] });
}

/**
 * Records, cursor and last run per resource, and whether the cycle is complete (a
 * cycle spread over ticks is in progress until every resource has completed in it).
 * Counts come from the views (two D1 calls: which views exist, then one batch of counts;
 * not a UNION: D1 allows 5 terms in a compound SELECT); cursors from the pipeline's
 * state, one D1 query per resource (27 calls in all for the seed's 24 resources).
 */
async function status(db: D1DatabaseLike, { name, resources }: SqlApiOptions) {
  const names = resources.map((resource) => (typeof resource === "string" ? resource : resource.name));
  const views = await all<{ name: string }>(
    db,
    "SELECT name FROM sqlite_master WHERE type = 'view' AND name IN (SELECT value FROM json_each(?))",
    JSON.stringify(names),
  );
  // One D1 call for every count. View names come from the config, never from the request; quoted, they are safe.
  const counted = views.length
    ? ((await db.batch(
        views.map((v) => db.prepare(`SELECT count(*) AS n FROM "${v.name.replace(/"/g, '""')}"`)),
      )) as Array<{ results: Array<{ n: number }> }>)
    : [];
  const counts = new Map(views.map((v, i) => [v.name, counted[i]?.results[0]?.n ?? 0]));
  const pipeline = createPipeline({ name, store: d1Adapter(db) });
  const states = await Promise.all(names.map((resource) => pipeline.state(resource)));
  const cycleComplete = (await pipeline.cycle()) === undefined;
  return {
    pipeline: name,
    cycleComplete,
    resources: Object.fromEntries(
      names.map((resource, i) => [
        resource,
        {
          records: counts.get(resource) ?? 0,
          cursor: states[i]?.cursor?.last_value ?? null,
          lastRun: states[i]?.last_run ?? null,
        },
      ]),
    ),
  };
}

async function all<T = Record<string, unknown>>(db: D1DatabaseLike, sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await db
      .prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}
