import { afterAll, beforeAll, beforeEach } from "vitest";
import { type MockApi, type MockApiOptions, startMockApi } from "../mock/index";

/**
 * Mock APIs for a test file: `count` of them started before its tests (small
 * dataset unless `options` say otherwise), reset before each test (no custom
 * routes, no pending faults, an empty request log) and closed after the last.
 * `started` receives them once they run; a file's own `beforeEach` runs after
 * the reset, so it can add routes on top.
 *
 * @example
 * let mock: MockApi;
 * let other: MockApi;
 * useMockApis(2, (first, second) => ((mock = first), (other = second)));
 */
export function useMockApis(
  count: number,
  started: (...apis: MockApi[]) => void,
  options: MockApiOptions = { datasetOptions: { size: "small" } },
): void {
  let apis: MockApi[] = [];
  beforeAll(async () => {
    apis = await Promise.all(Array.from({ length: count }, () => startMockApi(options)));
    started(...apis);
  });
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
  });
  beforeEach(() => {
    for (const api of apis) api.reset();
  });
}
