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

export function matchAction(
  actions: readonly ResponseAction[] | undefined,
  status: number,
  text: string,
): ResponseAction["action"] | undefined {
  for (const action of actions ?? []) {
    const codes =
      action.status_code === undefined
        ? undefined
        : Array.isArray(action.status_code)
          ? action.status_code
          : [action.status_code];
    if (codes && !codes.includes(status)) continue;
    if (action.content !== undefined && !text.includes(action.content)) continue;
    if (!codes && action.content === undefined) continue;
    return action.action;
  }
  return undefined;
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
