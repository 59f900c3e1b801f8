import { spawn } from "node:child_process";
import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPipeline, isStorageError, restApiSource, type StoreAdapter, type StoreBatch } from "restsync";
import { type FileHandleLike, type FsLike, fsAdapter } from "restsync/adapters/fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { withBaseUrl } from "../../examples/seed/config";
import { describeStoreContract } from "../contract/store-contract";
import { type SeedResourceName, startMockApi } from "../mock/index";

const base = await nodeFs.mkdtemp(join(tmpdir(), "restsync-fs-"));
let dirCount = 0;
const freshDir = () => join(base, `store-${dirCount++}`);
afterAll(() => nodeFs.rm(base, { recursive: true, force: true }));

/** node:fs whose `failAt`-th file write, rename or unlink fails, and every one after: the process died there. */
function dyingFs(failAt: number): FsLike {
  let writes = 0;
  const die = () => {
    if (++writes >= failAt)
      throw Object.assign(new Error(`simulated: the process died at write ${failAt}`), { code: "EIO" });
  };
  return {
    ...nodeFs,
    async open(path, flags) {
      if (flags !== "r") die();
      const handle = await nodeFs.open(path, flags);
      return {
        writeFile: async (data: string) => (die(), handle.writeFile(data)),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    rename: async (from, to) => (die(), nodeFs.rename(from, to)),
    unlink: async (path) => (die(), nodeFs.unlink(path)),
  } as FsLike;
}

const dirs = new WeakMap<StoreAdapter, string>();
describeStoreContract("fs (Node)", {
  create() {
    const dir = freshDir();
    const store = fsAdapter(dir);
    dirs.set(store, dir);
    return store;
  },
  reopen: (previous) => fsAdapter(dirs.get(previous)!),
  async storage() {
    const dir = freshDir();
    return {
      open: (failAt?: number) =>
        fsAdapter(dir, { maxSegmentRecords: 20, ...(failAt === undefined ? {} : { fs: dyingFs(failAt) }) }),
    };
  },
});

const unbuffered = new WeakMap<StoreAdapter, string>();
describeStoreContract("fs (Node), committing every write", {
  create() {
    const dir = freshDir();
    const store = fsAdapter(dir, { commitIntervalMs: 0 });
    unbuffered.set(store, dir);
    return store;
  },
  reopen: (previous) => fsAdapter(unbuffered.get(previous)!, { commitIntervalMs: 0 }),
});

async function scanAll(store: StoreAdapter, table: string, limit = 257) {
  const entries: Array<{ key: string; record: unknown }> = [];
  let after: string | undefined;
  do {
    const page = await store.scan(table, { after, limit });
    entries.push(...page.entries);
    after = page.next;
  } while (after !== undefined);
  return entries;
}

const record = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `record ${id}`,
  body: "x".repeat(100),
  updated_at: new Date(Date.UTC(2024, 0, 1, 0, 0, id)).toISOString(),
  ...extra,
});
const key = (id: number) => `k${String(id).padStart(6, "0")}`;

/** node:fs/promises that counts the bytes written and can die at its `failAt`-th call: that call (a write: half of it) and every later one fail. */
function faultyFs(failAt = Infinity) {
  const io = { calls: 0, bytes: 0, armed: false, dead: false };
  const crash = () => Object.assign(new Error("simulated crash"), { code: "ECRASH" });
  const step = () => {
    if (io.dead || (io.armed && io.calls++ === failAt)) throw ((io.dead = true), crash());
  };
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A) => (step(), call(...args));
  const fs: FsLike = {
    async open(path, flags) {
      step();
      const handle = await nodeFs.open(path, flags);
      const file: FileHandleLike = {
        async writeFile(data) {
          if (io.dead || (io.armed && io.calls++ === failAt)) {
            if (!io.dead) await handle.writeFile(data.slice(0, data.length >> 1));
            throw ((io.dead = true), crash());
          }
          io.bytes += Buffer.byteLength(data);
          await handle.writeFile(data);
        },
        sync: wrap(() => handle.sync()),
        close: async () => (await handle.close(), step()),
      };
      return file;
    },
    readFile: wrap((path: string, encoding: "utf8") => nodeFs.readFile(path, encoding)),
    readdir: wrap((path: string) => nodeFs.readdir(path)),
    mkdir: wrap((path: string, options: { recursive: true }) => nodeFs.mkdir(path, options)),
    rename: wrap((from: string, to: string) => nodeFs.rename(from, to)),
    unlink: wrap((path: string) => nodeFs.unlink(path)),
  };
  return { fs, io };
}

describe("fs adapter", () => {
  it("keeps many tables, odd keys and state across reopens, and never names a file after a key", async () => {
    const dir = freshDir();
    const tables = Array.from({ length: 30 }, (_, t) => [`p/${t}`, `ü ${t}`, `${t}/../x`][t % 3]!);
    const keysOf = (t: number) =>
      Array.from(
        { length: t * 37 },
        (_, i) => [`${i}`, `a/${i}`, `😀${i}`, `../${i}`, i === 0 ? "" : `"${i}"`][i % 5]!,
      );
    let store = fsAdapter(dir, { maxSegmentRecords: 64 });
    for (const [t, table] of tables.entries()) {
      await store.write({
        puts: keysOf(t).map((k, i) => ({ table, key: k, record: record(i, { k }) })),
        state: [{ key: `state/${table}`, value: { t } }],
      });
    }
    await store.write({ deletes: [{ table: tables[5]!, key: "a/1" }], drops: [tables[6]!] });
    await store.close!();
    for (let round = 0; round < 2; round++) {
      store = fsAdapter(dir);
      for (const [t, table] of tables.entries()) {
        const want = t === 6 ? [] : keysOf(t).filter((k) => !(t === 5 && k === "a/1"));
        expect(await store.count(table)).toBe(want.length);
        expect((await scanAll(store, table, 50)).map((e) => e.key)).toEqual([...want].sort());
        expect(await store.getState(`state/${table}`)).toEqual({ t });
      }
      expect(await store.get(tables[4]!, "😀2")).toEqual(record(2, { k: "😀2" }));
      await store.close!();
    }
    for (const name of await nodeFs.readdir(dir)) expect(name).toMatch(/^(root\.json|[si]-[0-9a-z]+\.json)$/);
  });

  it("lets one adapter at a time open a directory, and the next one after close()", async () => {
    const dir = freshDir();
    const first = fsAdapter(dir);
    await first.write({ state: [{ key: "s", value: 1 }] });
    const second = fsAdapter(dir);
    const error = await Promise.resolve(second.getState("s")).catch((e: unknown) => e);
    expect(isStorageError(error) && /already open/.test(error.message)).toBe(true);
    await first.close!();
    expect(await second.getState("s")).toBe(1);
    await second.close!();
  });

  it("writes 100,000 records in pages of 1,000; then 10 updates write a few segments, not the table", async () => {
    const dir = freshDir();
    const { fs, io } = faultyFs();
    const store = fsAdapter(dir, { fs });
    for (let page = 0; page < 100; page++) {
      const puts = Array.from({ length: 1000 }, (_, i) => ({
        table: "items",
        key: key(page * 1000 + i),
        record: record(page * 1000 + i),
      }));
      await store.write({ puts, state: [{ key: "cursor", value: page }] });
    }
    const tableBytes = io.bytes;
    io.bytes = 0;
    for (let i = 0; i < 10; i++) {
      const id = (i * 9973) % 100_000;
      await store.write({
        puts: [{ table: "items", key: key(id), record: record(id, { name: "changed" }) }],
        state: [{ key: "cursor", value: 100 + i }],
      });
    }
    console.log(`fs: 100,000 records wrote ${tableBytes} bytes; 10 single-record updates wrote ${io.bytes} bytes`);
    expect(io.bytes).toBeLessThan(10 * (131_072 + 16_384));
    expect(io.bytes).toBeLessThan(tableBytes / 10);
    const keys = (await scanAll(store, "items", 1000)).map((e) => e.key);
    expect(keys).toHaveLength(100_000);
    expect(keys.every((k, i) => k === key(i))).toBe(true);
    await store.close!();
    const again = fsAdapter(dir);
    expect(await again.count("items")).toBe(100_000);
    expect(await again.get("items", key(9973))).toMatchObject({ name: "changed" });
    expect(await again.getState("cursor")).toBe(109);
    await again.close!();
  });

  it.each([
    ["a write", 0],
    ["a buffered write's commit", 1000],
  ])(
    "a crash at any step of %s leaves the old store or the new one, whole, after reopen",
    async (_, commitIntervalMs) => {
      const options = { maxSegmentRecords: 50, commitIntervalMs };
      const seedDir = freshDir();
      const seeded = fsAdapter(seedDir, options);
      await seeded.write({
        puts: [
          ...Array.from({ length: 300 }, (_, i) => ({ table: "a", key: key(i * 2), record: record(i) })),
          ...Array.from({ length: 20 }, (_, i) => ({ table: "b", key: key(i), record: record(i) })),
        ],
        state: [
          { key: "s", value: { v: 1 } },
          { key: "t", value: "gone next" },
        ],
      });
      await seeded.close!();
      const batch: StoreBatch = {
        puts: [
          ...[0, 150, 301, 599].map((i) => ({ table: "a", key: key(i), record: record(i, { v: 2 }) })),
          ...Array.from({ length: 80 }, (_, i) => ({ table: "a", key: key(1000 + i), record: record(i) })),
          { table: "c", key: "", record: record(0) },
        ],
        deletes: [
          { table: "a", key: key(2) },
          { table: "a", key: key(400) },
        ],
        drops: ["b"],
        state: [
          { key: "s", value: { v: 2 } },
          { key: "t", value: undefined },
        ],
      };
      const dump = async (store: StoreAdapter) => ({
        s: await store.getState("s"),
        t: await store.getState("t"),
        a: await scanAll(store, "a"),
        b: await scanAll(store, "b"),
        c: await scanAll(store, "c"),
      });
      const attempt = async (failAt: number) => {
        const dir = freshDir();
        await nodeFs.cp(seedDir, dir, { recursive: true });
        const { fs, io } = faultyFs(failAt);
        const store = fsAdapter(dir, { ...options, fs });
        await store.count("a");
        io.armed = true;
        const writeFailed = await Promise.resolve(store.write(batch)).then(
          () => false,
          () => true,
        );
        // Buffered, the commit happens in close(): its failure is the write's.
        const closeFailed = await Promise.resolve(store.close!()).then(
          () => false,
          () => true,
        );
        const failed = writeFailed || (commitIntervalMs > 0 && closeFailed);
        return { dir, calls: io.calls, failed };
      };
      const reference = await attempt(Infinity);
      const reopenedAfter = fsAdapter(reference.dir);
      const after = await dump(reopenedAfter);
      await reopenedAfter.close!();
      const beforeStore = fsAdapter(seedDir);
      const before = await dump(beforeStore);
      await beforeStore.close!();
      expect(after.a).not.toEqual(before.a);

      const outcomes = { old: 0, new: 0 };
      for (let failAt = 0; failAt < reference.calls; failAt++) {
        const { dir, failed } = await attempt(failAt);
        const store = fsAdapter(dir);
        const seen = await dump(store);
        // A write that resolved is durable; one that failed may have committed (its cleanup failed) or not.
        if (failed && JSON.stringify(seen) === JSON.stringify(before)) outcomes.old++;
        else expect(seen).toEqual(after), outcomes.new++;
        // The reopened store has cleaned up after the crash and takes writes again.
        await store.write({ puts: [{ table: "a", key: "z", record: record(1) }] });
        await store.close!();
        expect((await nodeFs.readdir(dir)).filter((name) => name.endsWith(".tmp") || name === "LOCK")).toEqual([]);
      }
      console.log(`fs crash points: ${reference.calls}, ${JSON.stringify(outcomes)}`);
      expect(outcomes.old).toBeGreaterThan(0);
      expect(outcomes.new).toBeGreaterThan(0);
    },
  );

  it.each([
    ["committing every write", 0],
    ["committing every 20 ms", 20],
  ])(
    "a writer process killed with SIGKILL never leaves state ahead of its records (%s)",
    async (_, commitIntervalMs) => {
      const adapterPath = fileURLToPath(new URL("../../adapters/fs/index.ts", import.meta.url));
      for (let round = 0; round < 4; round++) {
        const dir = freshDir();
        const script = join(base, `writer-${commitIntervalMs}-${round}.mts`);
        await nodeFs.writeFile(
          script,
          `import { fsAdapter } from ${JSON.stringify(adapterPath)};
const store = fsAdapter(${JSON.stringify(dir)}, { maxSegmentRecords: 40, commitIntervalMs: ${commitIntervalMs}, maxPendingRecords: 300 });
for (let n = 0; ; n++) {
  const puts = Array.from({ length: 25 }, (_, i) => ({ table: "t", key: String((n * 25 + i) * 7919 % 100003), record: { n, i } }));
  await store.write({ puts, state: [{ key: "written", value: n }] });
  if (n === 3) {
    await store.flush();
    console.log("ready");
  }
}\n`,
        );
        const child = spawn(process.execPath, ["--import", "tsx", script], {
          cwd: fileURLToPath(new URL("../..", import.meta.url)),
          stdio: ["ignore", "pipe", "inherit"],
        });
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", () => resolve());
          child.on("exit", (code) => reject(new Error(`writer exited with ${code}`)));
        });
        await new Promise((resolve) => setTimeout(resolve, 20 + round * 60));
        child.kill("SIGKILL");
        await new Promise((resolve) => child.on("exit", resolve));
        const store = fsAdapter(dir);
        const written = (await store.getState("written")) as number;
        expect(written).toBeGreaterThanOrEqual(3);
        const entries = await scanAll(store, "t", 500);
        expect(entries).toHaveLength((written + 1) * 25);
        expect(await store.count("t")).toBe(entries.length);
        expect(Math.max(...entries.map((e) => (e.record as { n: number }).n))).toBe(written);
        await store.close!();
      }
    },
  );

  it("syncs the seed config into a directory; a new adapter on it holds every resource as the API serves it", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    try {
      const dir = freshDir();
      const store = fsAdapter(dir);
      const config = withBaseUrl(mock.url);
      const report = await createPipeline({ name: "seed", store, secrets: { api_key: mock.apiKey } }).run(config);
      expect(report.status).toBe("completed");
      await store.close!();
      const reopened = fsAdapter(dir);
      const pipeline = createPipeline({ name: "seed", store: reopened, secrets: { api_key: mock.apiKey } });
      const byId = (records: Iterable<Record<string, unknown>>) =>
        [...records].sort((a, b) => (String(a["id"]) < String(b["id"]) ? -1 : 1));
      for (const { name } of restApiSource(config).resources) {
        const stored: Array<Record<string, unknown>> = [];
        for await (const r of pipeline.records(name)) stored.push(r);
        expect(byId(stored), name).toEqual(byId(mock.expected(name as SeedResourceName)));
      }
      await reopened.close!();
    } finally {
      await mock.close();
    }
  });
});

describe("fs adapter: batches committed together", () => {
  /** The state on disk, read the way a crash-restart would see it. */
  const onDisk = async (dir: string, key: string) => {
    const text = await nodeFs.readFile(join(dir, "root.json"), "utf8").catch(() => undefined);
    if (text === undefined) return undefined;
    const root = JSON.parse(text) as { state: Record<string, unknown> | Array<[string, unknown]> };
    return Array.isArray(root.state) ? new Map(root.state).get(key) : root.state[key];
  };

  it("reads see buffered batches before they are on disk; flush() puts them there", async () => {
    const dir = freshDir();
    const store = fsAdapter(dir, { commitIntervalMs: 60_000 });
    await store.write({
      puts: [
        { table: "t", key: "a", record: record(1) },
        { table: "t", key: "b", record: record(2) },
      ],
      state: [{ key: "s", value: 1 }],
    });
    await store.write({
      puts: [{ table: "t", key: "a", record: record(1, { v: 2 }) }],
      deletes: [{ table: "t", key: "b" }],
      state: [{ key: "s", value: 2 }],
    });
    expect(await onDisk(dir, "s")).toBeUndefined();
    expect(await store.get("t", "a")).toMatchObject({ v: 2 });
    expect(await store.getMany!("t", ["b", "a", "zz"])).toEqual([
      undefined,
      expect.objectContaining({ v: 2 }),
      undefined,
    ]);
    expect(await store.getState("s")).toBe(2);
    expect(await onDisk(dir, "s")).toBeUndefined();
    // count and scan need whole tables: they commit first.
    expect(await store.count("t")).toBe(1);
    expect(await onDisk(dir, "s")).toBe(2);
    await store.write({ state: [{ key: "s", value: 3 }] });
    await store.flush!();
    expect(await onDisk(dir, "s")).toBe(3);
    await store.close!();
  });

  it("commits on its own once the interval has passed, with no flush", async () => {
    const dir = freshDir();
    const store = fsAdapter(dir, { commitIntervalMs: 30 });
    await store.write({ puts: [{ table: "t", key: "a", record: record(1) }], state: [{ key: "s", value: "timer" }] });
    expect(await onDisk(dir, "s")).toBeUndefined();
    // Polled: on a busy machine the commit's own file I/O may take a while after its timer fires.
    await vi.waitFor(async () => expect(await onDisk(dir, "s")).toBe("timer"), { timeout: 10_000, interval: 20 });
    await store.close!();
  });

  it("a record JSON cannot hold fails its own write; the batches around it are stored", async () => {
    const dir = freshDir();
    const store = fsAdapter(dir);
    await store.write({ puts: [{ table: "t", key: "a", record: record(1) }] });
    const error = await Promise.resolve(
      store.write({
        puts: [{ table: "t", key: "bad", record: { n: 10n } as never }],
        state: [{ key: "s", value: "bad" }],
      }),
    ).catch((e: unknown) => e);
    expect(String((error as Error)?.message)).toMatch(/record bad of t is not JSON-serialisable/);
    await store.write({ puts: [{ table: "t", key: "c", record: record(3) }], state: [{ key: "s", value: "good" }] });
    await store.close!();
    const reopened = fsAdapter(dir);
    expect((await scanAll(reopened, "t")).map((e) => e.key)).toEqual(["a", "c"]);
    expect(await reopened.getState("s")).toBe("good");
    await reopened.close!();
  });

  it("unbuffered: a conditional batch after one that fails alone is checked against what was stored, not what was asked", async () => {
    const dir = freshDir();
    const store = fsAdapter(dir, { commitIntervalMs: 0 });
    await store.write({ state: [{ key: "lease", value: 1 }] });
    // Both wait for the same commit; the first cannot be stored (a record JSON cannot hold), so lease stays 1.
    const bad = Promise.resolve(
      store.write({
        puts: [{ table: "t", key: "bad", record: { n: 10n } as never }],
        state: [{ key: "lease", value: 2 }],
      }),
    );
    const fenced = Promise.resolve(
      store.write({ puts: [{ table: "t", key: "a", record: record(1) }], expect: [{ key: "lease", value: 2 }] }),
    );
    const [first, second] = await Promise.allSettled([bad, fenced]);
    expect(first.status).toBe("rejected");
    expect(second.status).toBe("rejected");
    expect((second as PromiseRejectedResult).reason).toMatchObject({ name: "StorageError", code: "store_conflict" });
    await store.close!();
    const reopened = fsAdapter(dir);
    expect(await reopened.getState("lease")).toBe(1);
    expect(await reopened.count("t")).toBe(0);
    await reopened.close!();
  });

  it("a second adapter on an open directory fails with a store_conflict StorageError", async () => {
    const dir = freshDir();
    const first = fsAdapter(dir);
    await first.write({ state: [{ key: "s", value: 1 }] });
    await expect(async () => fsAdapter(dir).getState("s")).rejects.toMatchObject({
      name: "StorageError",
      code: "store_conflict",
    });
    await first.close!();
  });

  it("a commit that fails keeps every batch, in order: the next flush reports it, a later one stores them all", async () => {
    const dir = freshDir();
    let failing = false;
    const flaky: FsLike = {
      ...nodeFs,
      open: async (path, flags) => {
        if (failing && flags === "w")
          throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC", syscall: "open" });
        return nodeFs.open(path, flags);
      },
    } as FsLike;
    const store = fsAdapter(dir, { fs: flaky, commitIntervalMs: 60_000 });
    await store.write({ puts: [{ table: "t", key: "a", record: record(1) }], state: [{ key: "written", value: 1 }] });
    failing = true;
    await store.write({ puts: [{ table: "t", key: "b", record: record(2) }], state: [{ key: "written", value: 2 }] });
    const error = await Promise.resolve(store.flush!()).catch((e: unknown) => e);
    expect(String((error as Error)?.message)).toMatch(/ENOSPC/);
    expect(await onDisk(dir, "written")).toBeUndefined();
    // Still readable, still pending; nothing skipped.
    expect(await store.get("t", "a")).toMatchObject({ id: 1 });
    failing = false;
    await store.write({ puts: [{ table: "t", key: "c", record: record(3) }], state: [{ key: "written", value: 3 }] });
    await store.flush!();
    expect(await onDisk(dir, "written")).toBe(3);
    expect((await scanAll(store, "t")).map((e) => e.key)).toEqual(["a", "b", "c"]);
    await store.close!();
  });

  it.each([0, 1000])(
    "writes that arrive together share commits, and keep their order around a drop (interval %i ms)",
    async (commitIntervalMs) => {
      const dir = freshDir();
      const { fs } = faultyFs();
      let roots = 0;
      const counting: FsLike = {
        ...fs,
        rename: async (from, to) => (to.endsWith("root.json") && roots++, fs.rename(from, to)),
      };
      const store = fsAdapter(dir, { fs: counting, commitIntervalMs });
      await store.write({ state: [{ key: "open", value: true }] });
      await store.flush!();
      roots = 0;
      const writes = Array.from({ length: 20 }, (_, i) =>
        store.write({ puts: [{ table: "t", key: key(i), record: record(i) }], state: [{ key: "last", value: i }] }),
      );
      writes.push(store.write({ drops: ["t"] }));
      writes.push(
        store.write({
          puts: [{ table: "t", key: "after", record: record(99) }],
          state: [{ key: "last", value: "after the drop" }],
        }),
      );
      await Promise.all(writes);
      await store.flush!();
      expect(roots).toBeLessThan(10);
      expect((await scanAll(store, "t")).map((e) => e.key)).toEqual(["after"]);
      expect(await store.getState("last")).toBe("after the drop");
      await store.close!();
    },
  );
});
