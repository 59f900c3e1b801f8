export { restApiSource } from "./config/source";
export { defineConfig } from "./config/typed";
export type { ResourceNames, ResourceRecords } from "./config/typed";
export type { RestApiSource, SourceResource, RetryPolicy } from "./config/source";
export type {
  RestApiConfig,
  ResourceConfig,
  EndpointConfig,
  PaginatorConfig,
  AuthConfig,
  IncrementalConfig,
  ErrorHandlerConfig,
  ResponseAction,
} from "./config/types";
export { createPipeline } from "./pipeline/pipeline";
export type { Pipeline, PipelineOptions } from "./pipeline/pipeline";
export type { RunOptions } from "./pipeline/options";
export type { RunReport, ResourceReport, ResourceStatus, ProgressEvent, ErrorSummary } from "./pipeline/report";
export type { ResourceState, ResourceProgress, CycleState } from "./pipeline/state";
export type { CursorState, CursorValue } from "./pipeline/state";
export { secrets, isSecretRef } from "./secrets";
export type { SecretRef, SecretSource } from "./secrets";
export type { StoreAdapter, StoreBatch, RecordPut, ScanPage, MaybePromise, JsonRecord } from "./store";
export { assertExpected, recordKey } from "./store";
export { checkStoreFormat, STORE_FORMAT } from "./store-format";
export {
  RestsyncError,
  ConfigError,
  HttpError,
  ResponseError,
  StorageError,
  BudgetExhaustedError,
  isBudgetExhaustedError,
  isRestsyncError,
  isConfigError,
  isHttpError,
  isResponseError,
  isStorageError,
} from "./errors";
export type { RestsyncErrorCode, ResponseErrorCode, ConfigIssue } from "./errors";
