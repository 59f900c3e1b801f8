import { createPipeline, defineConfig, type JsonRecord, type RecordsContext, restApiSource } from "restsync";
import { memoryAdapter } from "restsync/adapters/memory";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";

describe("records functions in typed configs", () => {
  it("name their resource and type its records from its schema; the function gets a typed context", () => {
    const config = defineConfig({
      client: { base_url: "https://api.example.com" },
      resources: [
        "labels",
        {
          name: "events",
          schema: v.looseObject({ id: v.number() }),
          incremental: { cursor_path: "at" },
          async *records(context) {
            expectTypeOf(context).toEqualTypeOf<RecordsContext>();
            yield [{ id: 1, at: String(context.incremental?.start_value ?? "") }];
          },
        },
        { name: "pages", records: () => [{ id: 1 }] },
      ],
    });
    const pipeline = createPipeline({ name: "typed", store: memoryAdapter(), source: restApiSource(config) });
    expectTypeOf(pipeline.count).parameter(0).toEqualTypeOf<"labels" | "events" | "pages">();
    expectTypeOf(pipeline.records("events")).toEqualTypeOf<AsyncIterableIterator<{ id: number } & JsonRecord>>();
  });

  it("refuses a records function that returns something other than records", () => {
    defineConfig({
      client: { base_url: "https://api.example.com" },
      // @ts-expect-error a number is not a record or a list of them
      resources: [{ name: "bad", records: () => 42 }],
    });
  });
});
