/**
 * The CLI's own state entries. They start with "/", which no core key does
 * (every core key starts with the encoded, non-empty pipeline name).
 */
const enc = encodeURIComponent;

export const cliPipelinesKey = "/cli/pipelines";
export const cliPipelineKey = (pipeline: string) => `/cli/pipeline/${enc(pipeline)}`;
