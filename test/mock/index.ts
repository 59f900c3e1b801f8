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
export { compareIds, indexFor, reindex, type DatasetIndex } from "./dataset-index.js";
export {
  COLLECTION_NAMES,
  SIZE_PRESETS,
  type CollectionName,
  type Dataset,
  type DatasetOptions,
  type DatasetSizes,
  type EntityName,
  type SizePreset,
} from "./dataset-types.js";
export { collect, expectedRecords, parentIds, seedRequestCount, type SeedRequestCount } from "./expected.js";
export { mutateDataset, type EntityRef, type Mutation, type MutationResult, type TieEntity } from "./mutate.js";
export { createRng, type Rng } from "./random.js";
export { decodeCursor, encodeCursor, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT } from "./search.js";
export {
  SEED_RESOURCE_NAMES,
  SEED_RESOURCES,
  type ChildResource,
  type SeedResource,
  type SeedResourceName,
  type TopLevelResource,
} from "./seed-resources.js";
export { referenceSync, type ReferenceSyncOptions, type ReferenceSyncResult } from "./reference-client.js";
export { startMockApi } from "./server.js";
export type * from "./types.js";
