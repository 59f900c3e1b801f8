import type { MockApi } from "../mock/index";
import { SEED_RESOURCE_NAMES } from "../mock/index";
import { digestRecords } from "./digest";

/** Digest per seed resource of what the mock API serves now: what every store must hold. */
export async function referenceDigests(mock: MockApi): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of SEED_RESOURCE_NAMES) {
    const records = mock.expected(name);
    out[name] = `${records.length}:${await digestRecords(records)}`;
  }
  return out;
}
