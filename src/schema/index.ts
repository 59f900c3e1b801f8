/**
 * `restsync/schema`: schema inference, a separate entry so that apps which do not
 * use it do not ship it. SQL stores bring it themselves; pass it as
 * `createPipeline({ schema: inferSchemas })` for any other store.
 */
import { SchemaInference } from "./_infer";
import { SCHEMA_LIMITS, type SchemaInferrer, type SchemaLimits } from "./types";

export type { ColumnSchema, ColumnType, ResourceSchema, SchemaChange, SchemaLimits, TableSchema } from "./types";
export { SCHEMA_LIMITS };

/**
 * Infers a resource's schema from the records a run stores: dlt's relational layout
 * (objects flattened into `a__b` columns, nested lists into `<resource>__<field>` tables,
 * variant columns `field__v_<type>`), dlt's snake_case names, within {@link SCHEMA_LIMITS}.
 *
 * @example
 * import { inferSchemas } from "restsync/schema";
 * const pipeline = createPipeline({ name: "shop", store: memoryAdapter(), schema: inferSchemas });
 */
export const inferSchemas: SchemaInferrer = (resource, saved, now) => new SchemaInference(resource, saved, now);

/**
 * {@link inferSchemas} within other bounds than {@link SCHEMA_LIMITS}: for a store whose
 * database allows less (D1's 100 columns per table or view).
 *
 * @example
 * const inferForD1 = inferSchemasWithin({ columns: 96 });
 */
export function inferSchemasWithin(limits: Partial<SchemaLimits>): SchemaInferrer {
  const bounds: SchemaLimits = { ...SCHEMA_LIMITS, ...limits };
  return (resource, saved, now) => new SchemaInference(resource, saved, now, bounds);
}
