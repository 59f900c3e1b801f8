import type * as v from "valibot";
import type { JsonRecord } from "../store";
import type { RestApiConfig } from "./types";

/** The name of one entry of `resources`: the string itself, or its `name`. */
export type ResourceNameOf<R> = R extends string ? R : R extends { name: infer N extends string } ? N : never;

/** The resource names a config declares, as a union of literals. */
export type ResourceNames<C extends RestApiConfig> = ResourceNameOf<C["resources"][number]>;

type RecordOf<R> = R extends { schema: infer S extends v.GenericSchema } ? v.InferOutput<S> & JsonRecord : JsonRecord;

/** Each resource's record type: its `schema`'s output, else a plain JSON object. */
export type ResourceRecords<C extends RestApiConfig> = {
  [R in C["resources"][number] as ResourceNameOf<R>]: RecordOf<R>;
};

/**
 * Returns `config` as it is, typed with its literal resource names and each
 * resource's record type (from its `schema`), so that `pipeline.records("epics")`
 * autocompletes and a misspelt name does not compile. What a `schema` outputs is
 * what is stored: `v.object` keeps only the fields it names, `v.looseObject` all.
 *
 * @example
 * const config = defineConfig({
 *   client: { base_url: "https://api.example.com" },
 *   resources: [{ name: "epics", primary_key: "id", schema: v.looseObject({ id: v.number(), name: v.string() }) }],
 * });
 */
export function defineConfig<const C extends RestApiConfig>(config: C): C {
  return config;
}
