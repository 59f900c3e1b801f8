/**
 * dlt's paginator object surface (`init_request`, `update_state`,
 * `update_request`, `has_next_page`, `current_value`, `_next_reference`) over
 * restsync's paginator unit: the paginator a source resolves from a config
 * (`createPaginator`), fed one response at a time. restsync's paginators turn a
 * response into the next request, so `update_state` computes that request,
 * `has_next_page` is whether there is one, and `current_value` /
 * `_next_reference` are read off it.
 */
import type { PaginatorConfig } from "restsync";
import { createPaginator, type PageRequest } from "../../src/paginators/index";
import { sourceOf } from "./_case";

/**
 * The paginator config a source resolves (defaults filled in) for `paginator`; throws its ConfigError.
 * dlt builds a paginator without an endpoint; restsync resolves it for one, which must be a POST when
 * the paginator writes the JSON body (`*_body_path`): a GET sends no body.
 */
export const resolvePaginator = (paginator: unknown): PaginatorConfig => {
  const writesBody =
    typeof paginator === "object" && paginator !== null && Object.keys(paginator).some((k) => k.endsWith("_body_path"));
  const resource = writesBody ? { name: "r", endpoint: { method: "POST" } } : "r";
  return sourceOf({ client: { base_url: "https://api.example.com", paginator }, resources: [resource] }).resources[0]!
    .paginator;
};

export interface FakeResponse {
  json?: unknown;
  headers?: Record<string, string>;
  url?: string;
}

/** dlt's NON_EMPTY_PAGE. */
export const NON_EMPTY_PAGE = [{ some: "data" }];

export class PaginatorUnit {
  private readonly paginator;
  /** The request of the page the next response answers. */
  request: PageRequest;
  private next: PageRequest | undefined;
  private answered = false;

  constructor(
    readonly config: PaginatorConfig,
    url = "http://example.com/api/resource",
    query: PageRequest["query"] = {},
  ) {
    this.paginator = createPaginator(config);
    this.request = this.paginator.init({ url, query });
  }

  static of(paginator: unknown, url?: string, query?: PageRequest["query"]): PaginatorUnit {
    return new PaginatorUnit(resolvePaginator(paginator), url, query);
  }

  /** dlt's init_request: the first page's request, state reset. */
  init_request(): PageRequest {
    this.answered = false;
    this.next = undefined;
    return this.request;
  }

  /** dlt's update_state(response, data): `data` None is an empty page, as in dlt's checks. */
  update_state(response: FakeResponse, data: readonly unknown[] = []): void {
    this.answered = true;
    this.next = this.paginator.next(
      this.request,
      {
        status: 200,
        headers: new Headers(response.headers ?? {}),
        url: response.url ?? this.request.url,
        body: response.json,
        ignored: false,
      },
      data,
    );
    if (this.next) this.request = this.next;
  }

  get has_next_page(): boolean {
    return !this.answered || this.next !== undefined;
  }

  /** A query parameter of the request the paginator wants next (dlt's current_value for its param). */
  param(name: string): string | undefined {
    const value = this.request.query[name] ?? new URL(this.request.url).searchParams.get(name) ?? undefined;
    return Array.isArray(value) ? value[0] : value;
  }

  /** The next request as one URL (its query merged into the URL), as dlt's prepared request. */
  get url(): string {
    const url = new URL(this.request.url);
    for (const [key, value] of Object.entries(this.request.query)) {
      url.searchParams.delete(key);
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
    }
    return url.toString();
  }
}
