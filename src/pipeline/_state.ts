import type { StoreAdapter } from "../store";
import type { CursorState } from "./_incremental";

/** Everything restsync keeps about one resource between runs. */
export interface ResourceState {
  /** Generation of the live table; `replace` writes the next one and switches on success. */
  generation: number;
  cursor?: CursorState;
  /** Next sequence number for `append` records without a primary key. */
  append_seq?: number;
  last_run?: { status: string; finished_at: string; records: number };
}

const enc = encodeURIComponent;

export function stateKey(pipeline: string, resource: string): string {
  return `${enc(pipeline)}/${enc(resource)}`;
}

export function tableName(pipeline: string, resource: string, generation: number): string {
  return `${enc(pipeline)}/${enc(resource)}/${generation}`;
}

export async function readState(store: StoreAdapter, pipeline: string, resource: string): Promise<ResourceState> {
  const value = (await store.getState(stateKey(pipeline, resource))) as ResourceState | undefined;
  return value && typeof value === "object" ? { ...value, generation: value.generation ?? 0 } : { generation: 0 };
}
