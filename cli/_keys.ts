/**
 * The store names restsync uses (src/pipeline/_state.ts), which the core does
 * not export: the CLI needs them to clear a pipeline (--full-refresh) and to
 * size a child's progress bar. test/cli/keys.test.ts checks they still agree.
 */
const enc = encodeURIComponent;

export const stateKey = (pipeline: string, resource: string) => `${enc(pipeline)}/${enc(resource)}`;
export const cycleKey = (pipeline: string) => `${enc(pipeline)}//cycle`;
export const fanoutKey = (pipeline: string, resource: string) => `${enc(pipeline)}//fanout/${enc(resource)}`;
export const tableName = (pipeline: string, resource: string, generation: number) => `${enc(pipeline)}/${enc(resource)}/${generation}`;

/**
 * The CLI's own state entries. They start with "/", which no core key does
 * (every core key starts with the encoded, non-empty pipeline name).
 */
export const cliPipelinesKey = "/cli/pipelines";
export const cliPipelineKey = (pipeline: string) => `/cli/pipeline/${enc(pipeline)}`;
