import { type Pipeline, type RunReport, restApiSource } from "restsync";
import { withBaseUrl } from "../../examples/seed/config";
import { storeDigests } from "../_helpers/digest";

/** The mock the scenario runs against, however the runtime reaches it. */
export interface ScenarioApi {
  url: string;
  apiKey: string;
  /** Changes the API's data the same way in every runtime (fixed mutation seed). */
  mutate(): Promise<void>;
}

/** The mutation every runtime applies between its two runs. */
export const SCENARIO_MUTATION = { updates: 8, inserts: 5, tie: true, seed: 42 } as const;
/** The dataset every runtime syncs. */
export const SCENARIO_DATASET = { size: "small", seed: 3 } as const;

export const seedResourceNames = (url = "http://127.0.0.1") =>
  restApiSource(withBaseUrl(url)).resources.map((r) => r.name);

/**
 * The seed scenario of issue 3, runnable in Node, Chromium and workerd: a full
 * run, a change to the API's data, an incremental run; then a digest per
 * resource of what the store holds.
 */
export async function runSeedScenario(
  pipeline: Pipeline,
  api: ScenarioApi,
): Promise<{ first: RunReport; second: RunReport; digests: Record<string, string> }> {
  const source = restApiSource(withBaseUrl(api.url));
  const first = await pipeline.run(source);
  await api.mutate();
  const second = await pipeline.run(source);
  const digests = await storeDigests(
    pipeline,
    source.resources.map((r) => r.name),
  );
  return { first, second, digests };
}
