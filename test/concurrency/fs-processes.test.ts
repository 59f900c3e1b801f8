import { spawn } from "node:child_process";
import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPipeline, isStorageError } from "restsync";
import { fsAdapter } from "restsync/adapters/fs";
import { afterAll, describe, expect, it } from "vitest";
import { useMockApis } from "../_helpers/mock-apis";
import type { MockApi } from "../mock/index";
import { changingItems, itemsConfig } from "./_two-runs";

let mock: MockApi;
useMockApis(1, (api) => (mock = api));

const base = await nodeFs.mkdtemp(join(tmpdir(), "restsync-fs-processes-"));
afterAll(() => nodeFs.rm(base, { recursive: true, force: true }));

describe("the fs store across two Node processes", () => {
  it("a run in a second process fails at once with store_conflict naming the holder; the first run loses nothing", async () => {
    const api = changingItems(mock);
    const dir = join(base, "store");
    const config = itemsConfig(mock.url);
    const script = join(base, "first.mts");
    await nodeFs.writeFile(
      script,
      `import { createPipeline } from "restsync";
import { fsAdapter } from ${JSON.stringify(fileURLToPath(new URL("../../adapters/fs/index.ts", import.meta.url)))};
const store = fsAdapter(${JSON.stringify(dir)});
const report = await createPipeline({ name: "shared", store }).run(${JSON.stringify(config)});
await store.close();
console.log(JSON.stringify({ status: report.status, records: report.totals.records }));\n`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await Promise.race([
      api.firstArrived.promise,
      exited.then((code) => Promise.reject(new Error(`first run exited early with ${code}`))),
    ]);

    // The first process is mid-run, holding record 1 as it was.
    for (const ifRunning of ["wait", "skip"] as const) {
      const store = fsAdapter(dir);
      const error = await createPipeline({ name: "shared", store })
        .run(config, { ifRunning })
        .catch((e: unknown) => e);
      expect(isStorageError(error)).toBe(true);
      expect(error).toMatchObject({
        code: "store_conflict",
        message: expect.stringContaining(`in use by process ${child.pid}`),
      });
      await store.close!();
    }
    expect(api.pageOneRequests).toBe(1);

    api.change();
    api.release.resolve();
    expect(await exited).toBe(0);
    expect(JSON.parse(output)).toEqual({ status: "completed", records: 2 });
    const store = fsAdapter(dir);
    const pipeline = createPipeline({ name: "shared", store });
    expect((await pipeline.run(config)).status).toBe("completed");
    expect(await pipeline.get("items", 1)).toEqual(api.items[0]);
    expect(await pipeline.get("items", 2)).toEqual(api.items[1]);
    expect(await pipeline.count("items")).toBe(2);
    await store.close!();
  }, 30_000);
});
