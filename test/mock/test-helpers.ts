/** Helpers shared by the mock's own tests. */
import type { MockApi } from "./api-types.js";

export type Json = Record<string, unknown>;

export function sortById<T extends Json>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => String(a["id"]).localeCompare(String(b["id"])));
}

/** GET `path` on the mock with the api key (or the given headers). */
export function get(
  api: MockApi,
  path: string,
  headers: Record<string, string> = { api_key: api.apiKey },
): Promise<Response> {
  return fetch(`${api.url}${path}`, { headers });
}

export async function getData<T = Json[]>(api: MockApi, path: string): Promise<T> {
  const res = await get(api, path);
  if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status}`);
  return ((await res.json()) as { data: T }).data;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function maxUpdatedAt(records: readonly Json[]): string {
  return records.map((r) => String(r["updated_at"])).reduce((a, b) => (a > b ? a : b));
}
