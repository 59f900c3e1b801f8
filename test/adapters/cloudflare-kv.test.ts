import { createPipeline } from "restsync";
import { type KVNamespaceLike, kvAdapter } from "restsync/adapters/cloudflare-kv";
import { describe, expect, it } from "vitest";
import { FakeKv } from "../_helpers/fake-kv";
import { describeStoreContract } from "../contract/store-contract";
import { startMockApi } from "../mock/index";

// The same contract runs in workerd through Miniflare (test/workers); this is the fast Node run.
const bindings = new WeakMap<object, FakeKv>();
describeStoreContract("cloudflare-kv (Node, in-memory binding)", {
  create() {
    const kv = new FakeKv();
    const store = kvAdapter(kv);
    bindings.set(store, kv);
    return store;
  },
  reopen: (previous) => kvAdapter(bindings.get(previous)!),
  async storage() {
    const kv = new FakeKv();
    return {
      open: (failAt?: number) => kvAdapter(failAt === undefined ? kv : dyingKv(kv, failAt), { maxChunkRecords: 20 }),
    };
  },
});

/** `kv` whose `failAt`-th put or delete fails, and every one after: the invocation died there. */
function dyingKv(kv: FakeKv, failAt: number): KVNamespaceLike {
  let writes = 0;
  const die = () => {
    if (++writes >= failAt) throw new Error(`simulated: the invocation died at write ${failAt}`);
  };
  return {
    get: (key) => kv.get(key),
    put: async (key, value) => (die(), kv.put(key, value)),
    delete: async (key) => (die(), kv.delete(key)),
  };
}

const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    name: `record ${from + i}`,
    body: "x".repeat(200),
    updated_at: new Date(Date.UTC(2024, 0, 1, 0, 0, from + i)).toISOString(),
  }));

describe("cloudflare-kv adapter", () => {
  it("syncs 10,000 records in a few dozen KV operations, and an incremental run of 10 changes in a handful", async () => {
    const mock = await startMockApi({ datasetOptions: { size: "small" } });
    try {
      let items = records(10_000);
      mock.route("GET", "/items", (req) => {
        const offset = Number(req.query.offset ?? 0);
        return { body: { data: items.slice(offset, offset + 500), total: items.length } };
      });
      const config = {
        client: { base_url: mock.url },
        resources: [
          {
            name: "items",
            primary_key: "id",
            write_disposition: "merge" as const,
            endpoint: {
              path: "/items",
              data_selector: "data",
              paginator: { type: "offset" as const, limit: 500 },
              incremental: { cursor_path: "updated_at" },
            },
          },
        ],
      };
      const kv = new FakeKv();
      const first = await createPipeline({ name: "big", store: kvAdapter(kv) }).run(config);
      expect(first.resources.items!.records).toBe(10_000);
      const full = kv.total;
      expect(full).toBeLessThanOrEqual(40);

      items = items.map((item, i) =>
        i % 1000 === 7 ? { ...item, name: "changed", updated_at: "2025-01-01T00:00:00.000Z" } : item,
      );
      kv.resetOps();
      const pipeline = createPipeline({ name: "big", store: kvAdapter(kv) });
      const second = await pipeline.run(config);
      expect(second.resources.items!.records).toBe(10);
      expect(kv.total).toBeLessThanOrEqual(25);
      expect(await pipeline.count("items")).toBe(10_000);
      expect(await pipeline.get("items", 7)).toMatchObject({ name: "changed" });
      console.log(
        `KV operations: full sync of 10,000 records ${full}; incremental run with 10 changes ${kv.total} (${JSON.stringify(kv.ops)})`,
      );
    } finally {
      await mock.close();
    }
  });

  it("loses nothing when an invocation dies between chunk writes: the old root and its chunks stay intact", async () => {
    const kv = new FakeKv();
    const store = kvAdapter(kv, { maxChunkRecords: 100 });
    const table = "p/t/0";
    await store.write({
      puts: records(300).map((r) => ({ table, key: String(r.id).padStart(5, "0"), record: r })),
      state: [{ key: "s", value: { cursor: 299 } }],
    });
    await store.flush!();
    const before = new Map(kv.data);

    // The next flush rewrites chunks and dies on its third put, before the root.
    const again = kvAdapter(kv, { maxChunkRecords: 100 });
    await again.write({
      puts: records(300, 150).map((r) => ({ table, key: String(r.id).padStart(5, "0"), record: { ...r, name: "v2" } })),
      state: [{ key: "s", value: { cursor: 449 } }],
    });
    kv.failPutAt = 3;
    await expect(again.flush!()).rejects.toThrow(/invocation died/);
    expect(kv.data.get("restsync/root")).toBe(before.get("restsync/root"));

    const reopened = kvAdapter(kv);
    expect(await reopened.getState("s")).toEqual({ cursor: 299 });
    expect(await reopened.count(table)).toBe(300);
    for (const id of [0, 150, 299])
      expect(await reopened.get(table, String(id).padStart(5, "0"))).toMatchObject({ name: `record ${id}` });

    // The same adapter can flush again once KV works: nothing was dropped from its buffer.
    await again.flush!();
    const after = kvAdapter(kv);
    expect(await after.count(table)).toBe(450);
    expect(await after.getState("s")).toEqual({ cursor: 449 });
    expect(await after.get(table, "00299")).toMatchObject({ name: "v2" });
  });

  it("writes the root at most once a second and never before the chunks it names", async () => {
    const writes: Array<{ key: string; at: number }> = [];
    const kv = new FakeKv();
    const put = kv.put.bind(kv);
    kv.put = async (key, value) => {
      writes.push({ key, at: Date.now() });
      return put(key, value);
    };
    const store = kvAdapter(kv);
    for (let i = 0; i < 3; i++) {
      await store.write({ puts: [{ table: "t", key: String(i), record: { i } }], state: [{ key: "s", value: i }] });
      await store.flush!();
    }
    const roots = writes.filter((w) => w.key.endsWith("root"));
    expect(roots).toHaveLength(3);
    for (let i = 1; i < roots.length; i++) expect(roots[i]!.at - roots[i - 1]!.at).toBeGreaterThanOrEqual(995);
    for (const root of roots) {
      const index = writes.indexOf(root);
      expect(writes[index - 1]!.key).toMatch(/chunk\//);
    }
  });

  it("deletes replaced chunks only after the garbage delay", async () => {
    const kv = new FakeKv();
    const store = kvAdapter(kv, { garbageDelayMs: 0 });
    await store.write({ puts: [{ table: "t", key: "a", record: { v: 1 } }] });
    await store.flush!();
    await store.write({ puts: [{ table: "t", key: "a", record: { v: 2 } }] });
    await store.flush!();
    await store.write({ puts: [{ table: "t", key: "b", record: { v: 1 } }] });
    await store.flush!();
    const chunks = [...kv.data.keys()].filter((k) => k.includes("chunk/"));
    expect(chunks).toHaveLength(1);
    expect(await kvAdapter(kv).get("t", "a")).toEqual({ v: 2 });

    const patient = new FakeKv();
    const keeps = kvAdapter(patient);
    await keeps.write({ puts: [{ table: "t", key: "a", record: { v: 1 } }] });
    await keeps.flush!();
    await keeps.write({ puts: [{ table: "t", key: "a", record: { v: 2 } }] });
    await keeps.flush!();
    expect([...patient.data.keys()].filter((k) => k.includes("chunk/"))).toHaveLength(2);
  });
});
