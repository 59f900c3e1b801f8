import { createPipeline } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { expect, it } from "vitest";
import { referenceDigests } from "../_helpers/reference";
import { startMockApi } from "../mock/index";
import { runSeedScenario, SCENARIO_DATASET, SCENARIO_MUTATION } from "../scenarios/seed-scenario";

it("Node + memory: the seed scenario ends with the store equal to the API (digests per resource)", async () => {
  const mock = await startMockApi({ datasetOptions: SCENARIO_DATASET });
  try {
    const pipeline = createPipeline({ name: "scenario", store: memoryAdapter(), secrets: { api_key: mock.apiKey } });
    const result = await runSeedScenario(pipeline, {
      url: mock.url,
      apiKey: mock.apiKey,
      mutate: async () => void mock.mutate(SCENARIO_MUTATION),
    });
    expect(result.first.status).toBe("completed");
    expect(result.second.status).toBe("completed");
    const reference = await referenceDigests(mock);
    expect(result.digests).toEqual(reference);
    console.log(`digests node/memory: ${JSON.stringify(result.digests)}`);
  } finally {
    await mock.close();
  }
});
