/** Reference mock of the seed API: dataset, HTTP server and helpers. */
export type {
  Fault,
  FaultControl,
  FaultKind,
  LoggedRequest,
  MockApi,
  MockApiOptions,
  MockRequest,
  MockResponse,
  MockStats,
  RateLimitOptions,
  RouteHandler,
} from "./api-types.js";
export { BASE_DATE, fromIso, maxTimestamp, toIso } from "./clock.js";
export { createDataset, resolveSizes } from "./data.js";
export { compareIds, type DatasetIndex, indexFor, reindex } from "./dataset-index.js";
export {
  COLLECTION_NAMES,
  type CollectionName,
  type Dataset,
  type DatasetOptions,
  type DatasetSizes,
  type EntityName,
  SIZE_PRESETS,
  type SizePreset,
} from "./dataset-types.js";
export { collect, expectedRecords, parentIds, type SeedRequestCount, seedRequestCount } from "./expected.js";
export { type EntityRef, type Mutation, type MutationResult, mutateDataset, type TieEntity } from "./mutate.js";
export { createRng, type Rng } from "./random.js";
export { type ReferenceSyncOptions, type ReferenceSyncResult, referenceSync } from "./reference-client.js";
export { decodeCursor, encodeCursor, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT } from "./search.js";
export {
  type ChildResource,
  SEED_RESOURCE_NAMES,
  SEED_RESOURCES,
  type SeedResource,
  type SeedResourceName,
  type TopLevelResource,
} from "./seed-resources.js";
export { startMockApi } from "./server.js";
export type * from "./types.js";
