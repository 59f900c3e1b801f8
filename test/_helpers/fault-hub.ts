/**
 * Node side of the fault schedules for runtimes that cannot start servers
 * (Chromium, workerd): routes on a hub API that start a mock API answering with
 * a schedule's faults, and change, clear and describe it on request.
 */
import { type MockApi, startMockApi } from "../mock/index";
import { FAULT_DATASET } from "../scenarios/fault-scenario";
import { makeSchedule } from "./fault-schedule";
import { referenceDigests } from "./reference";

export function addFaultRoutes(hub: MockApi, mocks: Map<string, MockApi>): void {
  const mockFor = (id: string | undefined) => {
    const mock = mocks.get(id ?? "");
    if (!mock) throw new Error(`no mock ${id}`);
    return mock;
  };
  hub.route("POST", "/hub/faults/start", async (req) => {
    const seed = Number((req.body as { seed?: number } | undefined)?.seed ?? 1);
    const schedule = makeSchedule(seed);
    // The API's Date follows its data's clock, as a real API's does.
    const mock = await startMockApi({ datasetOptions: { ...FAULT_DATASET, seed }, clockDate: true });
    for (const fault of schedule.faults) mock.faults.add(fault);
    const id = `faults-${seed}-${mocks.size + 1}`;
    mocks.set(id, mock);
    return { body: { id, url: mock.url, apiKey: mock.apiKey, schedule } };
  });
  hub.route("POST", /^\/hub\/faults\/(?<id>[\w-]+)\/mutate$/, (req) => {
    const seed = Number((req.body as { seed?: number } | undefined)?.seed ?? 1);
    return { body: mockFor(req.params.id).mutate({ updates: 3, inserts: 2, seed }) };
  });
  hub.route("POST", /^\/hub\/faults\/(?<id>[\w-]+)\/clear$/, (req) => {
    mockFor(req.params.id).faults.clear();
    return { body: { ok: true } };
  });
  hub.route("GET", /^\/hub\/faults\/(?<id>[\w-]+)\/reference$/, async (req) => ({
    body: await referenceDigests(mockFor(req.params.id)),
  }));
  hub.route("POST", /^\/hub\/faults\/(?<id>[\w-]+)\/close$/, async (req) => {
    await mockFor(req.params.id).close();
    mocks.delete(req.params.id!);
    return { body: { ok: true } };
  });
}
