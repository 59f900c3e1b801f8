/**
 * A deliberately naive full sync of the seed config over HTTP (fetch only,
 * no incremental state, no retries). Used to check the mock against its own
 * expected() and as a baseline in benchmarks.
 */
import { SEED_RESOURCE_NAMES, SEED_RESOURCES, type SeedResourceName } from "./seed-resources.js";

export type JsonRecord = Record<string, unknown>;

export interface ReferenceSyncOptions {
  url: string;
  apiKey: string;
  /** Parallel child requests (default 6). */
  concurrency?: number;
  /** Page size for /v1/search/epics (default 1, as in the seed config). */
  searchLimit?: number;
  /** Give every request an `AbortSignal.timeout` of this many ms (default: no timeout). */
  timeoutMs?: number;
}

export interface ReferenceSyncResult {
  records: Record<SeedResourceName, JsonRecord[]>;
  requests: number;
}

async function getJson(
  options: ReferenceSyncOptions,
  path: string,
): Promise<{ data?: unknown; response?: { next?: string | null } }> {
  const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const res = await fetch(`${options.url}${path}`, { headers: { api_key: options.apiKey }, signal });
  if (!res.ok) throw new Error(`GET ${path} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as { data?: unknown; response?: { next?: string | null } };
}

function dedupe(records: JsonRecord[]): JsonRecord[] {
  const byId = new Map<string, JsonRecord>();
  for (const record of records) if (!byId.has(String(record["id"]))) byId.set(String(record["id"]), record);
  return [...byId.values()];
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

export async function referenceSync(options: ReferenceSyncOptions): Promise<ReferenceSyncResult> {
  const records = {} as Record<SeedResourceName, JsonRecord[]>;
  let requests = 0;
  const get = (path: string) => {
    requests++;
    return getJson(options, path);
  };
  const fetchResource = async (name: SeedResourceName): Promise<JsonRecord[]> => {
    const resource = SEED_RESOURCES[name];
    if (resource.paginator === "cursor") {
      const all: JsonRecord[] = [];
      let next: string | null | undefined = null;
      do {
        const query: string = `?limit=${options.searchLimit ?? 1}${next ? `&next=${encodeURIComponent(next)}` : ""}`;
        const page = await get(`${resource.path}${query}`);
        all.push(...(page.data as JsonRecord[]));
        next = page.response?.next;
      } while (next);
      return all;
    }
    if (!resource.parent) {
      const { data } = await get(resource.path);
      return resource.single ? [data as JsonRecord] : (data as JsonRecord[]);
    }
    const { param } = resource.parent;
    const parents = dedupe(resource.parent.resources.flatMap((parentName) => records[parentName]));
    const pages = await pool(parents, options.concurrency ?? 6, async (parent) => {
      const path = resource.path.replace(`{${param}}`, encodeURIComponent(String(parent["id"])));
      return (await get(path)).data as JsonRecord[];
    });
    return pages.flat();
  };
  // SEED_RESOURCE_NAMES lists every parent before its children.
  for (const name of SEED_RESOURCE_NAMES) records[name] = dedupe(await fetchResource(name));
  return { records, requests };
}
