/**
 * /v1/search/epics: cursor pagination over all epics ordered by id (the
 * `query` parameter is ignored). The opaque `next` token is a signed
 * "after id" keyset cursor, so pages stay stable while epics are inserted.
 */
import { createHmac } from "node:crypto";
import type { MockResponse } from "./api-types.js";
import { compareIds, indexFor } from "./dataset-index.js";
import type { Dataset } from "./dataset-types.js";
import { errorResponse } from "./http-util.js";
import type { Id } from "./types.js";

export const SEARCH_DEFAULT_LIMIT = 25;
export const SEARCH_MAX_LIMIT = 250;
const SECRET = "restsync-mock-cursor";

function sign(payload: string): string {
  return createHmac("sha256", SECRET).update(payload).digest("base64url").slice(0, 16);
}

/** Opaque token meaning "the page after the epic with this id". */
export function encodeCursor(after: Id): string {
  const payload = Buffer.from(JSON.stringify({ after })).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

/** The id a token points after, or null if it was not issued by this server. */
export function decodeCursor(token: string): Id | null {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || sign(payload) !== signature) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { after?: unknown };
    return typeof parsed.after === "number" || typeof parsed.after === "string" ? parsed.after : null;
  } catch {
    return null;
  }
}

export function searchEpics(dataset: Dataset, query: Record<string, string>): MockResponse {
  const rawLimit = query["limit"] ?? String(SEARCH_DEFAULT_LIMIT);
  const limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= SEARCH_MAX_LIMIT)) {
    return errorResponse(400, `limit must be an integer between 1 and ${SEARCH_MAX_LIMIT}`);
  }
  const epics = indexFor(dataset).epicsById;
  let start = 0;
  const token = query["next"];
  if (token !== undefined && token !== "") {
    const after = decodeCursor(token);
    if (after === null) return errorResponse(400, "invalid next token");
    // First epic with id > after (binary search; ids are sorted).
    let lo = 0;
    let hi = epics.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds((epics[mid] as { id: Id }).id, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = epics.slice(start, start + limit);
  const last = page[page.length - 1];
  const next = last && start + limit < epics.length ? encodeCursor(last.id) : null;
  return { body: { data: page, response: { next } } };
}
