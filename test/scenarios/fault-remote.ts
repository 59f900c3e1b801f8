import type { Schedule } from "../_helpers/fault-schedule";
import type { FaultControl } from "./fault-scenario";

/** A fault schedule's mock API started by the Node-side hub (test/_helpers/fault-hub.ts), reached over HTTP. */
export async function startRemoteFaults(
  hub: string,
  seed: number,
  fetcher: typeof fetch = fetch,
): Promise<{ schedule: Schedule; control: FaultControl; close(): Promise<void> }> {
  const post = async (path: string, body: unknown = {}) => {
    const response = await fetcher(`${hub}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`hub ${path}: HTTP ${response.status}`);
    return response.json();
  };
  const started = (await post("/hub/faults/start", { seed })) as {
    id: string;
    url: string;
    apiKey: string;
    schedule: Schedule;
  };
  const at = `/hub/faults/${started.id}`;
  return {
    schedule: started.schedule,
    control: {
      url: started.url,
      apiKey: started.apiKey,
      mutate: async (mutationSeed) => void (await post(`${at}/mutate`, { seed: mutationSeed })),
      clearFaults: async () => void (await post(`${at}/clear`)),
      reference: async () => (await (await fetcher(`${hub}${at}/reference`)).json()) as Record<string, string>,
    },
    close: async () => void (await post(`${at}/close`)),
  };
}
