export type { HookResponse, ResponseHook } from "./config/_schema";
export type { RecordsContext, RecordsFunction, RecordsItem } from "./config/records";
export type { RestApiSource, RetryPolicy, SourceResource } from "./config/source";
export { restApiSource } from "./config/source";
export type { ResourceNames, ResourceRecords } from "./config/typed";
export { defineConfig } from "./config/typed";
export type {
  AuthConfig,
  EndpointConfig,
  ErrorHandlerConfig,
  IncrementalConfig,
  PaginatorConfig,
  ResourceConfig,
  ResponseAction,
  RestApiConfig,
} from "./config/types";
export type { ConfigIssue, ResponseErrorCode, RestsyncErrorCode } from "./errors";
export {
  BudgetExhaustedError,
  ConfigError,
  HttpError,
  isBudgetExhaustedError,
  isConfigError,
  isHttpError,
  isResponseError,
  isRestsyncError,
  isStorageError,
  ResponseError,
  RestsyncError,
  StorageError,
} from "./errors";
export type { AuthRequest, AuthRequestContext, CustomAuth, CustomAuthFactory } from "./http/custom-auth";
export { registerAuth } from "./http/custom-auth";
export type {
  CustomPaginator,
  PaginatorFactory,
  PaginatorRequest,
  PaginatorResponse,
} from "./paginators/custom";
export { registerPaginator } from "./paginators/custom";
export type { RunOptions } from "./pipeline/options";
export type { Pipeline, PipelineOptions } from "./pipeline/pipeline";
export { createPipeline } from "./pipeline/pipeline";
export type { ErrorSummary, ProgressEvent, ResourceReport, ResourceStatus, RunReport } from "./pipeline/report";
export type { CursorState, CursorValue, CycleState, ResourceProgress, ResourceState } from "./pipeline/state";
export type {
  ColumnSchema,
  ColumnType,
  ResourceSchema,
  SchemaChange,
  SchemaInferenceLike,
  SchemaInferrer,
  TableSchema,
} from "./schema/types";
export type { SecretRef, SecretSource } from "./secrets";
export { isSecretRef, secretNames, secrets } from "./secrets";
export type { JsonRecord, MaybePromise, RecordPut, ScanPage, StoreAdapter, StoreBatch } from "./store";
export { assertExpected, recordKey } from "./store";
export { checkStoreFormat, STORE_FORMAT } from "./store-format";
