/**
 * `restsync/schema`: schema inference, a separate entry so that apps which do not
 * use it do not ship it. SQL stores bring it themselves; pass it as
 * `createPipeline({ schema: inferSchemas })` for any other store.
 */
import { SchemaInference } from "./_infer";
import type { SchemaInferrer } from "./types";

export type { ColumnSchema, ColumnType, ResourceSchema, SchemaChange, TableSchema } from "./types";
export { SCHEMA_LIMITS } from "./types";

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
