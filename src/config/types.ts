/**
 * The configuration's types: what users write (`RestApiConfig`, `Config = InferInput`)
 * and what the engine reads once validated (`…Config` outputs, defaults filled in),
 * all derived from the valibot schemas in `_schema.ts`, never written beside them.
 */
import type * as v from "valibot";
import type { CustomPaginatorConfig } from "../paginators/custom";
import type {
  AuthSchema,
  authVariant,
  ClientSchema,
  EndpointSchema,
  ErrorHandlerSchema,
  IncrementalSchema,
  paginatorVariant,
  paramValue,
  processingStep,
  ResolveParamSchema,
  ResourceSchema,
  RestApiConfigSchema,
  responseActionItem,
} from "./_schema";

/** A rest_api configuration as users write it (dlt's `RESTAPIConfig`). */
export type RestApiConfig = v.InferInput<typeof RestApiConfigSchema>;
/** One resource of a {@link RestApiConfig}. */
export type ResourceConfig = v.InferInput<typeof ResourceSchema>;
/** A resource's `endpoint` as users write it. */
export type EndpointConfig = v.InferInput<typeof EndpointSchema>;
/** A paginator with its defaults filled in, or a custom one (see `registerPaginator`). */
export type PaginatorConfig = v.InferOutput<typeof paginatorVariant> | CustomPaginatorConfig;
/** `client.auth`: api_key, bearer, http_basic or oauth2_client_credentials, a registered type, or a `CustomAuth`. */
export type AuthConfig = v.InferOutput<typeof AuthSchema>;
/** One of the built-in auth types, defaults filled in. */
export type BuiltInAuthConfig = v.InferOutput<typeof authVariant>;
/** `endpoint.incremental` with its defaults filled in. */
export type IncrementalConfig = v.InferOutput<typeof IncrementalSchema>;
/** `endpoint.error_handler`: retry statuses, retries and backoff. */
export type ErrorHandlerConfig = v.InferOutput<typeof ErrorHandlerSchema>;
/** One of `endpoint.response_actions`: ignore or retry responses by status or content. */
export type ResponseAction = v.InferOutput<typeof responseActionItem>;
export type ResolveParam = v.InferOutput<typeof ResolveParamSchema>;
export type ProcessingStep = v.InferOutput<typeof processingStep>;
export type ParamValue = v.InferOutput<typeof paramValue>;
export type ClientConfig = v.InferOutput<typeof ClientSchema>;
