import type { HookResponse, ResponseHook } from "../config/_schema";
import type { ResponseAction } from "../config/types";
import { ResponseError } from "../errors";
import { parseJson } from "./_json";
import type { Redactor } from "./_redact";

/** The parsed JSON body, `undefined` when empty, or the error to raise when it is not JSON. */
export function parseBody(
  text: string,
  headers: Headers,
  shownUrl: () => string,
  resource: string,
  redactor: Redactor,
): unknown {
  if (text.trim() === "") return undefined;
  try {
    return parseJson(text);
  } catch {
    const url = shownUrl();
    const type = headers.get("content-type") ?? "no content-type";
    const head = clip(redactor.text(text).replace(/\s+/g, " "), 80);
    return new ResponseError("response_invalid", `${resource}: response from ${url} is not JSON (${type}): ${head}`, {
      url,
      resource,
    });
  }
}

/** Cuts already-redacted text, so a secret is never left half-visible at the cut. */
export function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/** What the response actions made of a response: maybe changed by a function, maybe an action to take. */
export interface Acted {
  response: HookResponse;
  action?: "ignore" | "retry";
}

/**
 * Runs `response_actions` in order, as dlt's response hooks run: a condition (`status_code`,
 * `content`, both) selects its action; a named action ends the run of actions, a function (or
 * each of a list) gets the response and returns an action, a changed response that the next
 * ones and restsync then see, or nothing. A function alone in the list runs on every response,
 * so does a function action without conditions.
 */
export function applyActions(actions: readonly ResponseAction[] | undefined, response: HookResponse): Acted {
  let current = response;
  for (const item of actions ?? []) {
    let hooks: readonly ResponseHook[];
    if (typeof item === "function") hooks = [item];
    else {
      const codes =
        item.status_code === undefined
          ? undefined
          : Array.isArray(item.status_code)
            ? item.status_code
            : [item.status_code];
      if (codes && !codes.includes(current.status)) continue;
      if (item.content !== undefined && !current.text.includes(item.content)) continue;
      if (typeof item.action === "string") {
        if (!codes && item.content === undefined) continue;
        return { response: current, action: item.action };
      }
      hooks = Array.isArray(item.action) ? item.action : [item.action as ResponseHook];
    }
    for (const hook of hooks) {
      const result = hook(current);
      if (result === "ignore" || result === "retry") return { response: current, action: result };
      if (result && typeof result === "object") current = result;
    }
  }
  return { response: current };
}

export function isTimeout(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { name?: string }).name === "TimeoutError") return true;
  }
  return false;
}

export function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e && parts.length < 3; e = (e as { cause?: unknown }).cause) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
  }
  return parts.join(": ") || "unknown error";
}
