/**
 * 9. The Node file store: the seed sync (default dataset, 0 ms latency) into
 * `fsAdapter` as it ships (batches committed together, at most a second
 * apart), into `fsAdapter` committing every batch before its write resolves,
 * and into memory, in the same run. Counts commits (renames of root.json), files
 * written, bytes written and fsyncs through an instrumented node:fs.
 */
import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPipeline, restApiSource, type StoreAdapter } from "restsync";
import { type FsLike, fsAdapter } from "restsync/adapters/fs";
import { memoryAdapter } from "restsync/adapters/memory";
import { withBaseUrl } from "../examples/seed/config";
import { measure, round } from "./_measure";
import { startMockProcess } from "./_mock-process";

interface Io {
  commits: number;
  files: number;
  bytes: number;
  fsyncs: number;
}

function countingFs(io: Io): FsLike {
  return {
    ...nodeFs,
    async open(path, flags) {
      const handle = await nodeFs.open(path, flags);
      return {
        writeFile: (data: string) => {
          io.files++;
          io.bytes += Buffer.byteLength(data);
          return handle.writeFile(data);
        },
        sync: () => (io.fsyncs++, handle.sync()),
        close: () => handle.close(),
      };
    },
    rename: (from: string, to: string) => (to.endsWith("root.json") && io.commits++, nodeFs.rename(from, to)),
  } as FsLike;
}

export async function benchFs() {
  const mock = await startMockProcess({ latencyMs: 0 });
  const base = await nodeFs.mkdtemp(join(tmpdir(), "restsync-bench-fs-"));
  try {
    const source = restApiSource(withBaseUrl(mock.url));
    const sync = async (label: string, store: StoreAdapter) => {
      const { result, wallMs } = await measure(async () => {
        const report = await createPipeline({ name: label, store, secrets: { api_key: mock.apiKey } }).run(source);
        await store.close?.();
        return report;
      });
      return { wallMs: round(wallMs, 0), records: result.totals.records, status: result.status };
    };
    const buffered: Io = { commits: 0, files: 0, bytes: 0, fsyncs: 0 };
    const everyBatch: Io = { commits: 0, files: 0, bytes: 0, fsyncs: 0 };
    await sync("warm-up", memoryAdapter()); // JIT and connections, so the first measured run is not the slow one
    const memory = await sync("memory", memoryAdapter());
    const fs = { ...(await sync("fs", fsAdapter(join(base, "buffered"), { fs: countingFs(buffered) }))), io: buffered };
    const perBatch = {
      ...(await sync(
        "fs-every-batch",
        fsAdapter(join(base, "every-batch"), { fs: countingFs(everyBatch), commitIntervalMs: 0 }),
      )),
      io: everyBatch,
    };
    const vsMemory = round(fs.wallMs / memory.wallMs);
    return {
      memory,
      fs,
      perBatch,
      vsMemory,
      speedup: round(perBatch.wallMs / fs.wallMs, 1),
      goal: "(no goal in the issue; the CLI's store)",
      met: undefined as boolean | undefined,
    };
  } finally {
    await nodeFs.rm(base, { recursive: true, force: true });
    await mock.close();
  }
}
