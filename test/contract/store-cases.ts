import type { StoreAdapter } from "restsync";
import type { ExpectStatic } from "vitest";

/** How the contract suite gets an adapter; `reopen` (optional) opens the same storage again. */
export interface StoreHarness {
  create(): StoreAdapter | Promise<StoreAdapter>;
  reopen?(previous: StoreAdapter): StoreAdapter | Promise<StoreAdapter>;
  /**
   * For adapters that write a batch in several steps (files, KV keys): fresh storage
   * that outlives adapters. `open(failAt)` gives an adapter whose storage fails at its
   * `failAt`-th write operation and every one after, as when the process dies there;
   * `open()` a healthy one.
   */
  storage?(): Promise<{ open(failAt?: number): StoreAdapter | Promise<StoreAdapter> }>;
}

const record = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `record ${id}`,
  tags: ["a", "b"],
  nested: { n: id },
  ...extra,
});

async function scanAll(expect: ExpectStatic, store: StoreAdapter, table: string, limit: number) {
  const keys: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.scan(table, { after, limit });
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    keys.push(...page.entries.map((e) => e.key));
    after = page.next;
    pages++;
  } while (after !== undefined && pages < 10_000);
  return { keys, pages };
}

/** One behaviour every storage adapter must have. Runs under vitest, or anywhere an `expect` is at hand (workerd). */
export interface ContractCase {
  name: string;
  /** False when the case does not apply to this harness (e.g. no reopen). */
  applies?(harness: StoreHarness): boolean;
  run(harness: StoreHarness, expect: ExpectStatic): Promise<void>;
}

export const storeContract: ContractCase[] = [
  {
    name: "starts empty",
    async run(harness, expect) {
      const store = await harness.create();
      expect(await store.count("t")).toBe(0);
      expect(await store.get("t", "1")).toBeUndefined();
      expect((await store.scan("t", { limit: 10 })).entries).toEqual([]);
      expect(await store.getState("s")).toBeUndefined();
    },
  },

  {
    name: "writes, reads back and upserts records by key",
    async run(harness, expect) {
      const store = await harness.create();
      await store.write({ puts: [1, 2, 3].map((id) => ({ table: "t", key: String(id), record: record(id) })) });
      expect(await store.count("t")).toBe(3);
      expect(await store.get("t", "2")).toEqual(record(2));
      await store.write({ puts: [{ table: "t", key: "2", record: record(2, { name: "changed" }) }] });
      expect(await store.count("t")).toBe(3);
      expect(await store.get("t", "2")).toEqual(record(2, { name: "changed" }));
    },
  },

  {
    name: "deletes records and drops whole tables without touching others",
    async run(harness, expect) {
      const store = await harness.create();
      await store.write({
        puts: [
          ...[1, 2, 3].map((id) => ({ table: "a", key: String(id), record: record(id) })),
          ...[1, 2].map((id) => ({ table: "b", key: String(id), record: record(id) })),
        ],
      });
      await store.write({
        deletes: [
          { table: "a", key: "1" },
          { table: "a", key: "missing" },
        ],
      });
      expect(await store.count("a")).toBe(2);
      expect(await store.get("a", "1")).toBeUndefined();
      await store.write({ drops: ["a"] });
      expect(await store.count("a")).toBe(0);
      expect(await store.count("b")).toBe(2);
    },
  },

  {
    name: "scans every record exactly once, in ascending key order, across pages",
    async run(harness, expect) {
      const store = await harness.create();
      const keys = Array.from({ length: 1234 }, (_, i) => `k${String((i * 7919) % 1234).padStart(5, "0")}`);
      await store.write({ puts: keys.map((key, i) => ({ table: "t", key, record: record(i) })) });
      await store.write({ puts: [{ table: "other", key: "k00001", record: record(0) }] });
      const { keys: scanned, pages } = await scanAll(expect, store, "t", 100);
      expect(scanned).toEqual([...keys].sort());
      expect(pages).toBe(13);
    },
  },

  {
    name: "keeps keys with any characters distinct",
    async run(harness, expect) {
      const store = await harness.create();
      const keys = ["a/b", "a", "a b", "ümlaut", "😀", '["1","2"]', "1", "01", ""];
      await store.write({ puts: keys.map((key, i) => ({ table: "t/x", key, record: record(i) })) });
      expect(await store.count("t/x")).toBe(keys.length);
      for (const [i, key] of keys.entries()) expect(await store.get("t/x", key)).toEqual(record(i));
      const { keys: scanned } = await scanAll(expect, store, "t/x", 4);
      expect(new Set(scanned)).toEqual(new Set(keys));
    },
  },

  {
    name: "stores state as JSON and removes it with undefined",
    async run(harness, expect) {
      const store = await harness.create();
      const value = {
        cursor: { last_value: "2024-01-01T00:00:00Z", boundary_keys: ["1", "ü"] },
        generation: 2,
        nested: [1, null, true],
      };
      await store.write({ state: [{ key: "p/r", value }] });
      expect(await store.getState("p/r")).toEqual(value);
      await store.write({ state: [{ key: "p/r", value: undefined }] });
      expect(await store.getState("p/r")).toBeUndefined();
    },
  },

  {
    name: "applies records and the state that covers them in one batch",
    async run(harness, expect) {
      const store = await harness.create();
      await store.write({
        puts: [{ table: "t", key: "1", record: record(1) }],
        state: [{ key: "s", value: { done: 1 } }],
      });
      expect(await store.get("t", "1")).toEqual(record(1));
      expect(await store.getState("s")).toEqual({ done: 1 });
    },
  },

  {
    // restsync refuses deeper records (MAX_RECORD_DEPTH): every adapter must store and read back one at the limit.
    name: "stores and reads back a record nested 1,000 levels deep",
    async run(harness, expect) {
      const store = await harness.create();
      let deep: Record<string, unknown> = { leaf: "bottom" };
      for (let level = 2; level <= 1000; level++) deep = { level, next: deep };
      await store.write({ puts: [{ table: "t", key: "deep", record: deep }] });
      await store.flush?.();
      expect(await store.get("t", "deep")).toEqual(deep);
      expect((await store.scan("t", { limit: 10 })).entries[0]?.record).toEqual(deep);
    },
  },

  {
    name: "returns copies: changing a record read back does not change the store",
    async run(harness, expect) {
      const store = await harness.create();
      await store.write({ puts: [{ table: "t", key: "1", record: record(1) }] });
      const read = (await store.get("t", "1"))!;
      read.name = "mutated";
      (read.tags as string[]).push("c");
      expect(await store.get("t", "1")).toEqual(record(1));
    },
  },

  {
    name: "reads many records at once when it offers getMany",
    async run(harness, expect) {
      const store = await harness.create();
      if (!store.getMany) return;
      await store.write({ puts: [1, 2].map((id) => ({ table: "t", key: String(id), record: record(id) })) });
      expect(await store.getMany("t", ["2", "missing", "1"])).toEqual([record(2), undefined, record(1)]);
    },
  },

  {
    name: "reads many state entries at once when it offers getStates",
    async run(harness, expect) {
      const store = await harness.create();
      if (!store.getStates) return;
      expect(await store.getStates(["a", "b"])).toEqual([undefined, undefined]);
      await store.write({
        state: [
          { key: "a", value: { n: 1 } },
          { key: "c", value: [1, "x"] },
        ],
      });
      expect(await store.getStates(["c", "missing", "a", "c"])).toEqual([[1, "x"], undefined, { n: 1 }, [1, "x"]]);
      expect(await store.getStates([])).toEqual([]);
    },
  },

  {
    name: "applies nothing of a failed batch when it says it is atomic",
    async run(harness, expect) {
      const store = await harness.create();
      if (!store.atomic) return;
      const bad = {
        toJSON() {
          throw new Error("cannot serialise");
        },
      };
      await expect(async () =>
        store.write({ puts: [{ table: "t", key: "1", record: record(1) }], state: [{ key: "s", value: bad }] }),
      ).rejects.toThrow();
      expect(await store.count("t")).toBe(0);
      expect(await store.getState("s")).toBeUndefined();
    },
  },

  {
    // Non-atomic adapters too: state written before the records it covers would let a cursor pass records never stored.
    name: "leaves state that covers only stored records when a batch is cut short at any write",
    applies: (harness) => harness.storage !== undefined,
    async run(harness, expect) {
      const before = [1, 2, 3].map((id) => ({ table: "t", key: String(id).padStart(4, "0"), record: record(id) }));
      const batch = Array.from({ length: 120 }, (_, i) => ({
        table: "t",
        key: String(i + 10).padStart(4, "0"),
        record: record(i + 10, { body: "x".repeat(300) }),
      }));
      let cut = 0;
      for (let failAt = 1; failAt <= 200; failAt++) {
        const storage = await harness.storage!();
        const first = await storage.open();
        await first.write({ puts: before, state: [{ key: "s", value: { n: 1 } }] });
        await first.close?.();
        const dying = await storage.open(failAt);
        let failed = false;
        try {
          await dying.write({
            puts: batch,
            deletes: [{ table: "t", key: "0001" }],
            state: [{ key: "s", value: { n: 2 } }],
          });
          await dying.flush?.();
        } catch {
          failed = true;
        }
        await Promise.resolve(dying.close?.()).catch(() => undefined);
        const again = await storage.open();
        const state = (await again.getState("s")) as { n: number } | undefined;
        const keys = new Set((await scanAll(expect, again, "t", 500)).keys);
        if (state?.n === 2) {
          for (const put of batch)
            expect(keys.has(put.key), `cut at write ${failAt}: state 2 without record ${put.key}`).toBe(true);
          expect(keys.has("0001"), `cut at write ${failAt}: state 2 with a deleted record`).toBe(false);
        } else {
          expect(state, `cut at write ${failAt}`).toEqual({ n: 1 });
          for (const put of before)
            expect(keys.has(put.key), `cut at write ${failAt}: state 1 without record ${put.key}`).toBe(true);
        }
        await again.close?.();
        if (!failed) break;
        cut++;
      }
      // The batches took several writes, and every one of them was cut once.
      expect(cut).toBeGreaterThan(2);
    },
  },

  {
    name: "applies a conditional batch when every state entry it expects holds that value (undefined: absent)",
    async run(harness, expect) {
      const store = await harness.create();
      if (!store.conditionalWrites) return;
      await store.write({ state: [{ key: "s", value: { v: 1, w: [1, 2] } }] });
      // Compared as JSON values: key order does not matter.
      await store.write({
        puts: [{ table: "t", key: "1", record: record(1) }],
        state: [
          { key: "s", value: { v: 2 } },
          { key: "n", value: 1 },
        ],
        expect: [
          { key: "s", value: { w: [1, 2], v: 1 } },
          { key: "missing", value: undefined },
        ],
      });
      expect(await store.get("t", "1")).toEqual(record(1));
      expect(await store.getState("s")).toEqual({ v: 2 });
      expect(await store.getState("n")).toBe(1);
      await store.write({ state: [{ key: "s", value: undefined }], expect: [{ key: "s", value: { v: 2 } }] });
      expect(await store.getState("s")).toBeUndefined();
    },
  },

  {
    name: "applies nothing of a conditional batch whose expectation fails, and throws store_conflict",
    async run(harness, expect) {
      const store = await harness.create();
      if (!store.conditionalWrites) return;
      await store.write({
        puts: [1, 2].map((id) => ({ table: "t", key: String(id), record: record(id) })),
        state: [{ key: "s", value: { v: 1 } }],
      });
      await store.write({ puts: [{ table: "other", key: "1", record: record(1) }] });
      const change = {
        puts: [{ table: "t", key: "3", record: record(3) }],
        deletes: [{ table: "t", key: "1" }],
        drops: ["other"],
        state: [
          { key: "s", value: { v: 2 } },
          { key: "n", value: 1 },
        ],
      };
      const conflict = { name: "StorageError", code: "store_conflict" };
      const refused: Array<Array<{ key: string; value: unknown }>> = [
        [{ key: "s", value: { v: 0 } }], // another value
        [{ key: "s", value: undefined }], // expected absent, present
        [{ key: "missing", value: { v: 1 } }], // expected present, absent
        [
          { key: "s", value: { v: 1 } },
          { key: "n", value: 0 },
        ], // one of two differs
      ];
      for (const expected of refused) {
        await expect(async () => store.write({ ...change, expect: expected })).rejects.toMatchObject(conflict);
        expect(await store.count("t")).toBe(2);
        expect(await store.get("t", "1")).toEqual(record(1));
        expect(await store.get("t", "3")).toBeUndefined();
        expect(await store.count("other")).toBe(1);
        expect(await store.getState("s")).toEqual({ v: 1 });
        expect(await store.getState("n")).toBeUndefined();
      }
    },
  },

  {
    name: "checks a conditional batch against every write before it, awaited or not",
    async run(harness, expect) {
      const store = await harness.create();
      if (!store.conditionalWrites) return;
      await store.write({ state: [{ key: "lease", value: { owner: "a" } }] });
      // Started back to back: each sees the state the one before it left.
      const started = [
        Promise.resolve().then(() =>
          store.write({
            state: [{ key: "lease", value: { owner: "b" } }],
            expect: [{ key: "lease", value: { owner: "a" } }],
          }),
        ),
        Promise.resolve().then(() =>
          store.write({
            puts: [{ table: "t", key: "1", record: record(1) }],
            expect: [{ key: "lease", value: { owner: "a" } }],
          }),
        ),
        Promise.resolve().then(() =>
          store.write({
            puts: [{ table: "t", key: "2", record: record(2) }],
            expect: [{ key: "lease", value: { owner: "b" } }],
          }),
        ),
      ];
      const outcomes = await Promise.allSettled(started);
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
        name: "StorageError",
        code: "store_conflict",
      });
      expect(await store.get("t", "1")).toBeUndefined();
      expect(await store.get("t", "2")).toEqual(record(2));
      expect(await store.getState("lease")).toEqual({ owner: "b" });
    },
  },

  {
    name: "keeps records and state when reopened",
    applies: (harness) => harness.reopen !== undefined,
    async run(harness, expect) {
      const store = await harness.create();
      await store.write({
        puts: [{ table: "t", key: "1", record: record(1) }],
        state: [{ key: "s", value: { n: 1 } }],
      });
      await store.close?.();
      const again = await harness.reopen!(store);
      expect(await again.get("t", "1")).toEqual(record(1));
      expect(await again.getState("s")).toEqual({ n: 1 });
    },
  },
];
