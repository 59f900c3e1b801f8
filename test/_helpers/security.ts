/**
 * Leak hunting for the security suite: every spelling a secret can take, and a
 * recorder of everything a run can show a user (report, progress events, error
 * objects, console output) to grep for them.
 */
import { inspect } from "node:util";
import { RestsyncError } from "restsync";
import { expect, vi } from "vitest";

/** Base64 of the UTF-8 bytes of `text` (what a `Basic` header carries). */
export const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** JSON string escaping with `\/` and `\uXXXX` for non-ASCII (PHP's and Python's defaults). */
function jsonEscapes(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const slashed = json.replace(/\//g, "\\/");
  const ascii = (text: string) =>
    text.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return [json, slashed, ascii(json), ascii(slashed)];
}

/**
 * Every spelling in which `secret` could show up: raw, URL-encoded (component,
 * whole-URL and form style), JSON-escaped, base64 — and, for a basic-auth
 * password, base64 of `username:password`.
 */
export function spellingsOf(secret: string, basicUsername?: string): string[] {
  const out = new Set([
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    ...jsonEscapes(secret),
    base64(secret),
  ]);
  if (basicUsername !== undefined) out.add(base64(`${basicUsername}:${secret}`));
  return [...out];
}

/** A named secret and the spellings to hunt for. */
export interface Hunted {
  label: string;
  spellings: string[];
}

export const hunt = (label: string, secret: string, basicUsername?: string): Hunted => ({
  label,
  spellings: spellingsOf(secret, basicUsername),
});

/**
 * Records what users can see while it is active: console output (muted), every
 * restsync error that reaches a report (through `toJSON`, which reports call),
 * plus whatever the test adds (the report, progress events, thrown errors).
 */
export class Exposure {
  readonly texts: Array<{ where: string; text: string }> = [];
  readonly #restore: Array<() => void> = [];
  readonly #toJSON = vi.spyOn(RestsyncError.prototype, "toJSON");
  readonly #errorsSeen = new Set<unknown>();
  /** Restsync errors that reached a report while recording (known after `stop()`). */
  errors: unknown[] = [];

  constructor() {
    this.#restore.push(() => this.#toJSON.mockRestore());
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        this.add(
          `console.${method}`,
          args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 6 }))).join(" "),
        );
      });
      this.#restore.push(() => spy.mockRestore());
    }
  }

  add(where: string, value: unknown): void {
    this.texts.push({ where, text: typeof value === "string" ? value : (JSON.stringify(value) ?? String(value)) });
  }

  /** An error and everything hanging off it: message, stack, toJSON, String(), causes. */
  addError(where: string, error: unknown): void {
    for (
      let e: unknown = error, depth = 0;
      e !== undefined && e !== null && depth < 5;
      e = (e as { cause?: unknown }).cause, depth++
    ) {
      if (this.#errorsSeen.has(e)) break;
      this.#errorsSeen.add(e);
      const at = depth === 0 ? where : `${where} (cause ${depth})`;
      if (e instanceof Error) {
        this.add(`${at} message`, e.message);
        this.add(`${at} stack`, e.stack ?? "");
        this.add(`${at} String()`, String(e));
      }
      this.add(`${at} JSON`, safeJson(e));
      this.add(`${at} inspect`, inspect(e, { depth: 4 }));
    }
  }

  /** Stops recording; folds in the error objects that reached a report. */
  stop(): void {
    this.errors = [...new Set(this.#toJSON.mock.contexts)];
    for (const restore of this.#restore.splice(0)) restore();
    for (const error of this.errors) this.addError(`error ${(error as Error).name}`, error);
  }

  /** Distinct restsync errors that reached a report while recording. */
  get errorCount(): number {
    return new Set(this.#toJSON.mock.contexts).size;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Every place a hunted secret shows up, as readable lines (empty when clean). */
export function leaksIn(texts: ReadonlyArray<{ where: string; text: string }>, hunted: readonly Hunted[]): string[] {
  const found: string[] = [];
  for (const { where, text } of texts) {
    for (const { label, spellings } of hunted) {
      const hit = spellings.find((s) => text.includes(s));
      if (hit !== undefined) found.push(`${where} holds ${label} as ${JSON.stringify(hit)}: ${text.slice(0, 400)}`);
    }
  }
  return found;
}

export function expectNoLeaks(texts: ReadonlyArray<{ where: string; text: string }>, hunted: readonly Hunted[]): void {
  expect(leaksIn(texts, hunted)).toEqual([]);
}

/** Own keys of the built-in prototypes, to show a run added or changed none. */
export function prototypeSnapshot(): Record<string, string[]> {
  const keys = (o: object) => Reflect.ownKeys(o).map(String).sort();
  return {
    object: keys(Object.prototype),
    array: keys(Array.prototype),
    function: keys(Function.prototype),
    string: keys(String.prototype),
  };
}

/** Checks that nothing was written onto Object.prototype (the classic pollution symptom). */
export function expectNotPolluted(before: Record<string, string[]>): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
  expect(Object.getPrototypeOf(Object.prototype)).toBeNull();
  expect(({} as { constructor: unknown }).constructor).toBe(Object);
  expect((Object.prototype as unknown as { constructor: unknown }).constructor).toBe(Object);
  expect(prototypeSnapshot()).toEqual(before);
}
