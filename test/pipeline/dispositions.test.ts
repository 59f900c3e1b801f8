/** Disposition: where merge, append and replace put records, and what they clean up first. */

import { type ResourceConfig, type ResourceState, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import { describe, expect, it } from "vitest";
import { Disposition } from "../../src/pipeline/_dispositions";
import { Progress } from "../../src/pipeline/_progress";

const resourceOf = (config: Partial<ResourceConfig>) =>
  restApiSource({ client: { base_url: "https://api.example.com" }, resources: [{ name: "r", ...config }] })
    .resources[0]!;

function setup(config: Partial<ResourceConfig>, state: ResourceState = { generation: 0 }, cycle = "c1") {
  const store = memoryAdapter();
  const resource = resourceOf(config);
  const progress = new Progress(state, {
    cycle,
    replacing: resource.writeDisposition === "replace",
    feedsChildren: false,
    now: 0,
  });
  const disposition = new Disposition({ resource, store, pipeline: "p", state, progress });
  const write = async (batch: Parameters<typeof store.write>[0]) => void (await store.write(batch));
  return { store, progress, disposition, write };
}
const urlOf = () => "https://api.example.com/r";

describe("Disposition", () => {
  it("merge: keys by primary key, and writes a record without a cursor only when it differs from the stored copy", async () => {
    const { store, disposition } = setup({ primary_key: "id", write_disposition: "merge" });
    expect(disposition.put({ id: 7, v: 1 }, urlOf)).toEqual({ table: "p/r/0", key: "7", record: { id: 7, v: 1 } });
    await store.write({ puts: [disposition.put({ id: 7, v: 1 }, urlOf)] });
    const changed = await disposition.changed([
      disposition.put({ id: 7, v: 1 }, urlOf),
      disposition.put({ id: 8, v: 1 }, urlOf),
    ]);
    expect(changed.map((p) => p.key)).toEqual(["8"]);
  });

  it("append: keys by position, going on from the committed one, and first removes rows an unfinished cycle stored past it", async () => {
    const { store, disposition, write } = setup({ write_disposition: "append" }, { generation: 0, append_seq: 2 });
    await store.write({
      puts: ["000000000000", "000000000001", "000000000002", "000000000003"].map((key) => ({
        table: "p/r/0",
        key,
        record: { key },
      })),
    });
    await disposition.prepare(write);
    expect(await store.count("p/r/0")).toBe(2);
    expect(disposition.put({ a: 1 }, urlOf).key).toBe("000000000002");
    expect(disposition.put({ a: 1 }, urlOf).key).toBe("000000000003");
  });

  it("replace: fills the next generation, dropping leftovers first, and drops the old one after the swap", async () => {
    const { store, progress, disposition, write } = setup(
      { primary_key: "id", write_disposition: "replace" },
      { generation: 1 },
    );
    await store.write({ puts: ["p/r/0", "p/r/1", "p/r/2"].map((table) => ({ table, key: "x", record: { table } })) });
    expect(disposition.table).toBe("p/r/2");
    await disposition.prepare(write);
    expect([await store.count("p/r/0"), await store.count("p/r/1"), await store.count("p/r/2")]).toEqual([0, 1, 0]);
    expect(progress.generation).toBe(2);
    await disposition.finish(write);
    expect(await store.count("p/r/1")).toBe(0);
  });

  it("replace without a primary key keys by position, so identical rows stay distinct", () => {
    const { disposition } = setup({ write_disposition: "replace" });
    expect([disposition.put({ a: 1 }, urlOf).key, disposition.put({ a: 1 }, urlOf).key]).toEqual([
      "000000000000",
      "000000000001",
    ]);
  });
});
