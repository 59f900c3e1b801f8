import {
  checkStoreFormat,
  createPipeline,
  isStorageError,
  STORE_FORMAT,
  StorageError,
  type StoreAdapter,
  type StoreBatch,
} from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";

const FORMAT_KEY = "/restsync/format";

/** A memory store whose writes are counted. */
function countedStore(): { store: StoreAdapter; writes: StoreBatch[] } {
  const inner = memoryAdapter();
  const writes: StoreBatch[] = [];
  const store: StoreAdapter = {
    ...inner,
    name: inner.name,
    atomic: inner.atomic,
    write: (batch) => (writes.push(batch), inner.write(batch)),
  };
  return { store, writes };
}

describe("the store format", () => {
  it("a run's check records the format in a store that has none (new, or written by 0.1.0), once", async () => {
    const { store, writes } = countedStore();
    await checkStoreFormat(store, { record: true });
    expect(await store.getState(FORMAT_KEY)).toEqual({ format: STORE_FORMAT });
    await checkStoreFormat(store, { record: true });
    expect(writes).toHaveLength(1);
  });

  it("a read-only check writes nothing", async () => {
    const { store, writes } = countedStore();
    await checkStoreFormat(store);
    expect(writes).toHaveLength(0);
  });

  it.each([
    [
      { format: STORE_FORMAT + 1 },
      `is in store format ${STORE_FORMAT + 1}, written by a newer restsync; this restsync reads store format ${STORE_FORMAT}. Upgrade restsync`,
    ],
    [{ format: "two" }, `has an unknown store format ("two"); this restsync reads store format ${STORE_FORMAT}`],
    ["not an object", `has an unknown store format ("not an object")`],
  ])(
    "a store in another format (%j) is a StorageError store_format naming both, before anything is written",
    async (found, says) => {
      const { store, writes } = countedStore();
      await store.write({ state: [{ key: FORMAT_KEY, value: found }] });
      const error = await checkStoreFormat(store, { record: true }).catch((e: unknown) => e);
      expect(isStorageError(error)).toBe(true);
      expect(error).toMatchObject({ name: "StorageError", code: "store_format" });
      expect((error as Error).message).toContain(says);
      expect(writes).toHaveLength(1); // only the test's own
    },
  );

  it.each(["getState", "write"] as const)(
    "a store whose %s fails is a StorageError (storage_failed) with the adapter's error as its cause",
    async (method) => {
      const { store } = countedStore();
      const failure = new Error("the tab is gone");
      const failing: StoreAdapter = { ...store, [method]: () => Promise.reject(failure) };
      const error = await checkStoreFormat(failing, { record: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "StorageError", code: "storage_failed", cause: failure });
      expect((error as Error).message).toBe(
        `memory store failed to ${method === "write" ? "write" : "read"} its store format: the tab is gone`,
      );
    },
  );

  it("a conflict while recording the format stays a store_conflict", async () => {
    const { store } = countedStore();
    const conflict = new StorageError("another writer changed it", { code: "store_conflict" });
    const error = await checkStoreFormat({ ...store, write: () => Promise.reject(conflict) }, { record: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(conflict);
  });
});

describe("pipeline.run and the store format", () => {
  const config = { client: { base_url: "https://api.example.com" }, resources: ["epics"] };

  it("refuses a store of a newer format before any request or write", async () => {
    const { store, writes } = countedStore();
    await store.write({ state: [{ key: FORMAT_KEY, value: { format: STORE_FORMAT + 1 } }] });
    let requests = 0;
    const fetch = async () => (requests++, Response.json([{ id: 1 }]));
    await expect(createPipeline({ name: "p", store, fetch }).run(config)).rejects.toMatchObject({
      name: "StorageError",
      code: "store_format",
    });
    expect(requests).toBe(0);
    expect(writes).toHaveLength(1);
  });

  it("records the format with a first run", async () => {
    const { store } = countedStore();
    const report = await createPipeline({ name: "p", store, fetch: async () => Response.json([{ id: 1 }]) }).run(
      config,
    );
    expect(report.status).toBe("completed");
    expect(await store.getState(FORMAT_KEY)).toEqual({ format: STORE_FORMAT });
  });
});
