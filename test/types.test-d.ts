import { createPipeline, defineConfig, type JsonRecord, type ResourceNames, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";

const config = defineConfig({
  client: { base_url: "https://api.example.com" },
  resources: [
    "labels",
    {
      name: "epics",
      primary_key: "id",
      write_disposition: "merge",
      schema: v.object({ id: v.number(), name: v.string(), archived: v.optional(v.boolean()) }),
    },
    { name: "epics_comments", endpoint: { path: "/epics/{epic_id}/comments" } },
  ],
});

describe("typed configs", () => {
  it("keeps the literal resource names", () => {
    expectTypeOf<ResourceNames<typeof config>>().toEqualTypeOf<"labels" | "epics" | "epics_comments">();
  });

  it("lets a pipeline made with the source take only its names, and type records from the schema", () => {
    const pipeline = createPipeline({ name: "typed", store: memoryAdapter(), source: restApiSource(config) });
    expectTypeOf(pipeline.count).parameter(0).toEqualTypeOf<"labels" | "epics" | "epics_comments">();
    expectTypeOf(pipeline.records("epics")).toEqualTypeOf<
      AsyncIterableIterator<{ id: number; name: string; archived?: boolean | undefined } & JsonRecord>
    >();
    expectTypeOf(pipeline.get("labels", 1)).toEqualTypeOf<Promise<JsonRecord | undefined>>();
    // @ts-expect-error a misspelt resource name does not compile
    void pipeline.records("epic");
    // @ts-expect-error nor one the config does not have
    void pipeline.count("stories");
  });

  it("infers names without defineConfig too, and stays untyped without a source", () => {
    const source = restApiSource({ client: { base_url: "https://x.example" }, resources: [{ name: "a" }, "b"] });
    expectTypeOf(createPipeline({ name: "p", store: memoryAdapter(), source }).state)
      .parameter(0)
      .toEqualTypeOf<"a" | "b">();
    const loose = createPipeline({ name: "p", store: memoryAdapter() });
    expectTypeOf(loose.records).parameter(0).toEqualTypeOf<string>();
  });

  it("rejects a schema that is not a valibot schema and a bad on_invalid_record at compile time", () => {
    // @ts-expect-error schema must be a valibot schema
    defineConfig({ client: { base_url: "https://x.example" }, resources: [{ name: "a", schema: { id: "number" } }] });
    // @ts-expect-error on_invalid_record is "fail" or "drop"
    defineConfig({ client: { base_url: "https://x.example" }, resources: [{ name: "a", on_invalid_record: "skip" }] });
  });
});
