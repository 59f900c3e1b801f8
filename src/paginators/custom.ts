import { isPlainObject, setOwn } from "../_objects";
import { PaginatorTypes } from "../config/_schema";
import { ConfigError } from "../errors";
import type { HttpResponse } from "../http/client";
import { bodyWith, type PageRequest, type Paginator } from "./types";

/** The request a custom paginator reads and changes: dlt's `requests.Request`, reduced to what paging touches. */
export interface PaginatorRequest {
  /** Absolute URL; set it to follow a next link (and clear `params` if the link carries its own query). */
  url: string;
  /** Query parameters. */
  params: Record<string, string | string[]>;
  /** The JSON body (`endpoint.json` with what paging wrote into it), or undefined when there is none. */
  json: Record<string, unknown> | undefined;
}

/** What a custom paginator sees of a response. */
export type PaginatorResponse = Pick<HttpResponse, "status" | "headers" | "url" | "body">;

/**
 * A paginator of your own: dlt's `BasePaginator` in TypeScript. restsync calls
 * `initRequest` before the first request of a chain of pages, then for each
 * response `updateState` (with the page's records), and while `hasNextPage` is
 * true `updateRequest` to turn the request into the next page's. Give an
 * instance as `paginator`, or register a factory with {@link registerPaginator}
 * and name it as `type`. Each chain (each parent of a child resource) gets its
 * own copy. What a budgeted run saves to resume is the request (URL, params,
 * what was written into the body), so derive the next request from the current
 * one and the response, not from a count kept in the instance.
 *
 * @example
 * class NextTokenPaginator implements CustomPaginator {
 *   hasNextPage = true;
 *   #token: string | undefined;
 *   updateState(response: PaginatorResponse) {
 *     this.#token = (response.body as { nextToken?: string }).nextToken;
 *     this.hasNextPage = Boolean(this.#token);
 *   }
 *   updateRequest(request: PaginatorRequest) {
 *     request.params.token = this.#token!;
 *   }
 * }
 */
export interface CustomPaginator {
  /** Adds what the first request needs (dlt's `init_request`). */
  initRequest?(request: PaginatorRequest): void;
  /** Reads a response and its records (dlt's `update_state`). */
  updateState(response: PaginatorResponse, data: readonly unknown[]): void;
  /** Makes `request` the next page's (dlt's `update_request`). */
  updateRequest(request: PaginatorRequest): void;
  /** False once the last page has been read (dlt's `has_next_page`); read after each `updateState`. */
  hasNextPage: boolean;
}

/** A class (`new (options)`) or function (`(options) => paginator`) that makes a paginator from a config's options. */
export type PaginatorFactory =
  | (new (
      options: Record<string, unknown>,
    ) => CustomPaginator)
  | ((options: Record<string, unknown>) => CustomPaginator);

/** A custom paginator as the engine runs it: a fresh one for each chain of pages. */
export interface CustomPaginatorConfig {
  type: "custom";
  /** The registered name, or the instance's class name. */
  name: string;
  create: () => CustomPaginator;
  /** The instance given in the config: used by one chain of pages at a time (see {@link holdPaginator}). */
  shared?: CustomPaginator;
}

const registry = new Map<string, PaginatorFactory>();
/**
 * Makes `type: name` (or the paginator given as `"name"`) mean `factory(options)`, where options are the
 * paginator's other keys: dlt's `register_paginator`. Register before `restApiSource` validates a config
 * that names it.
 */
export function registerPaginator(name: string, factory: PaginatorFactory): void {
  if ((PaginatorTypes as readonly string[]).includes(name) || typeof factory !== "function")
    throw new ConfigError([
      {
        path: "registerPaginator",
        message: `"${name}" needs a class or function that makes a paginator, and a name other than a built-in paginator's`,
      },
    ]);
  registry.set(name, factory);
}

/** Registered names, for messages that list the paginators there are. */
export const registeredPaginators = (): string[] => [...registry.keys()];

export function isCustomPaginator(value: unknown): value is CustomPaginator {
  const p = value as CustomPaginator | null;
  return (
    typeof p === "object" && p !== null && typeof p.updateState === "function" && typeof p.updateRequest === "function"
  );
}

/** Whether a config's paginator is a custom one: an instance, or a registered name (alone or as `type`). */
export function isCustomSpec(value: unknown): boolean {
  if (isCustomPaginator(value)) return true;
  const name = typeof value === "string" ? value : isPlainObject(value) ? value.type : undefined;
  return typeof name === "string" && registry.has(name);
}

/** The engine's form of a custom spec; `create` throws what constructing it throws, or says it made no paginator. */
export function customConfig(spec: unknown): CustomPaginatorConfig {
  // An instance cannot be copied faithfully (private fields, closures): it is shared, one chain at a time.
  if (isCustomPaginator(spec))
    return { type: "custom", name: spec.constructor?.name || "custom", create: () => spec, shared: spec };
  const { type: name, ...options } = (typeof spec === "string" ? { type: spec } : spec) as { type: string };
  const factory = registry.get(name)!;
  const create = () => {
    const made = factory.prototype
      ? new (factory as new (o: Record<string, unknown>) => CustomPaginator)(options)
      : (factory as (o: Record<string, unknown>) => CustomPaginator)(options);
    if (!isCustomPaginator(made))
      throw new TypeError(`"${name}" made no paginator (it needs updateState and updateRequest)`);
    return made;
  };
  return { type: "custom", name, create };
}

const holders = new WeakMap<object, Promise<void>>();

/**
 * Waits until no other chain of pages uses the same paginator instance, and returns the release:
 * dlt pages every parent with the one instance, one after another; so does restsync, across
 * resources too, while factories and built-in paginators page in parallel.
 */
export async function holdPaginator(config: { type: string; shared?: object }): Promise<() => void> {
  const key = config.shared;
  if (!key) return () => {};
  const before = holders.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  holders.set(
    key,
    before.then(() => mine),
  );
  await before;
  return release;
}

/** A custom paginator behind the engine's Paginator: each call sees a mutable request, whose changes become the next PageRequest. */
export function adaptPaginator(custom: CustomPaginator, json: unknown): Paginator {
  const step = (request: PageRequest, change: (view: PaginatorRequest) => void): PageRequest => {
    const body = bodyWith(json, request.body) as Record<string, unknown> | undefined;
    const view: PaginatorRequest = {
      url: request.url,
      params: { ...request.query },
      json: body === undefined ? undefined : structuredClone(body),
    };
    change(view);
    const query: PageRequest["query"] = {};
    for (const [key, value] of Object.entries(view.params ?? {}))
      if (value !== undefined && value !== null)
        setOwn(query, key, Array.isArray(value) ? value.map(String) : String(value));
    const next: PageRequest = { url: view.url, query };
    // Top-level keys of a changed body: written over endpoint.json when the request is sent.
    if (view.json !== undefined && JSON.stringify(view.json) !== JSON.stringify(body)) next.body = { ...view.json };
    else if (request.body) next.body = request.body;
    return next;
  };
  return {
    init: (request) => (custom.initRequest ? step(request, (view) => custom.initRequest!(view)) : request),
    next(request, response, records) {
      custom.updateState(response, records);
      return custom.hasNextPage ? step(request, (view) => custom.updateRequest(view)) : undefined;
    },
  };
}
