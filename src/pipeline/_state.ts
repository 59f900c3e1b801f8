import type { StoreAdapter } from "../store";
import type { ResourceState } from "./state";

/** Parent values a completed resource hands its children, kept until the cycle ends. */
export interface FanoutState {
  cycle: string;
  projections: Array<{ fields: Record<string, unknown>; written: boolean }>;
}

/** What the HTTP layer keeps between runs: hosts a 429 paused, and until when (epoch ms). */
export interface HttpState {
  not_before: Record<string, number>;
}

const enc = encodeURIComponent;

export function stateKey(pipeline: string, resource: string): string {
  return `${enc(pipeline)}/${enc(resource)}`;
}

export function cycleKey(pipeline: string): string {
  return `${enc(pipeline)}//cycle`;
}

export function fanoutKey(pipeline: string, resource: string): string {
  return `${enc(pipeline)}//fanout/${enc(resource)}`;
}

/** Where a resource's inferred schema is kept (see src/schema). */
export function schemaKey(pipeline: string, resource: string): string {
  return `${enc(pipeline)}//schema/${enc(resource)}`;
}

export function httpStateKey(pipeline: string): string {
  return `${enc(pipeline)}//http`;
}

export function tableName(pipeline: string, resource: string, generation: number): string {
  return `${enc(pipeline)}/${enc(resource)}/${generation}`;
}

/** The keys a resource stored in its current cycle (see `_sweep.ts`): no generation number, so never a live table. */
export function seenTable(pipeline: string, resource: string): string {
  return `${enc(pipeline)}/${enc(resource)}/seen`;
}

export async function readState(store: StoreAdapter, pipeline: string, resource: string): Promise<ResourceState> {
  const value = (await store.getState(stateKey(pipeline, resource))) as ResourceState | undefined;
  return value && typeof value === "object" ? { ...value, generation: value.generation ?? 0 } : { generation: 0 };
}
