import type { IncrementalConfig } from "../config/types";
import { cursorOrder } from "./_cursor-order";
import type { CursorState } from "./_incremental";
import { directionOf, MAX_BOUNDARY_KEYS } from "./_incremental";
import type { ResourceState } from "./state";

/** The committed cursor that filters one fan-out context: its own, else the resource's shared one. */
export function cursorFor(state: ResourceState, contextKey: string): CursorState | undefined {
  if (contextKey === "") return state.cursor;
  return state.parent_cursors?.[contextKey] ?? state.cursor;
}

/**
 * The resource's cursors after it completed its cycle. A top-level resource keeps
 * one. A child keeps one per parent (parents not visited keep theirs), so a change
 * under one parent is never hidden by a later value under another. Past
 * `maxParentCursors` parents a child falls back to one shared cursor at the lowest
 * of them (the furthest behind under `last_value_func`): safe, since it can only
 * fetch more again, never skip a change. A shared
 * cursor left by an earlier fallback still filters parents that have none of their own.
 */
export function commitCursors(
  state: ResourceState,
  cursors: Record<string, CursorState | null>,
  incremental: boolean,
  maxParentCursors: number,
  lastValueFunc: IncrementalConfig["last_value_func"] = "max",
): ResourceState {
  if (!incremental) return { ...state };
  if ("" in cursors) return { ...state, cursor: cursors[""] ?? state.cursor };
  const merged: Record<string, CursorState> = { ...(state.parent_cursors ?? {}) };
  for (const [key, cursor] of Object.entries(cursors)) if (cursor) merged[key] = cursor;
  if (Object.keys(merged).length <= maxParentCursors) return { ...state, parent_cursors: merged };

  const dir = directionOf(lastValueFunc);
  let lowest: CursorState | undefined;
  for (const cursor of [...Object.values(merged), ...(state.cursor ? [state.cursor] : [])]) {
    const order = lowest ? dir(cursorOrder(cursor.last_value), cursorOrder(lowest.last_value)) : -1;
    if (order < 0)
      lowest = {
        last_value: cursor.last_value,
        boundary_keys: [...cursor.boundary_keys],
        ...(cursor.boundary_overflow ? { boundary_overflow: true as const } : {}),
      };
    else if (order === 0) {
      lowest!.boundary_keys = [...new Set([...lowest!.boundary_keys, ...cursor.boundary_keys])];
      if (cursor.boundary_overflow) lowest!.boundary_overflow = true;
    }
  }
  if (lowest && (lowest.boundary_overflow || lowest.boundary_keys.length > MAX_BOUNDARY_KEYS))
    lowest = { last_value: lowest.last_value, boundary_keys: [], boundary_overflow: true };
  const { parent_cursors: _dropped, ...rest } = state;
  return { ...rest, ...(lowest ? { cursor: lowest } : {}) };
}
