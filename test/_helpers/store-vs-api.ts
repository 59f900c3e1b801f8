import type { Pipeline } from "restsync";
import { type MockApi, SEED_RESOURCE_NAMES, type SeedResourceName } from "../mock/index";

/** Differences between what a pipeline stored and what the mock API serves now, per seed resource. */
export async function diffStoreAgainstApi(
  pipeline: Pipeline,
  mock: MockApi,
  resources: readonly SeedResourceName[] = SEED_RESOURCE_NAMES,
): Promise<string[]> {
  const problems: string[] = [];
  for (const name of resources) {
    const expected = new Map(mock.expected(name).map((record) => [String(record.id), JSON.stringify(record)]));
    const seen = new Set<string>();
    for await (const record of pipeline.records(name)) {
      const id = String(record.id);
      if (seen.has(id)) problems.push(`${name}: ${id} stored twice`);
      seen.add(id);
      const want = expected.get(id);
      if (want === undefined) problems.push(`${name}: ${id} stored but not in the API`);
      else if (want !== JSON.stringify(record)) problems.push(`${name}: ${id} differs from the API`);
    }
    for (const id of expected.keys()) if (!seen.has(id)) problems.push(`${name}: ${id} missing from the store`);
    const count = await pipeline.count(name);
    if (count !== seen.size) problems.push(`${name}: count() says ${count}, scan found ${seen.size}`);
  }
  return problems;
}
