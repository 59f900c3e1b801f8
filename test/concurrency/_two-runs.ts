/**
 * An API whose one list changes while a first run is reading it, and a way to
 * make two runs of one pipeline interleave the way that loses the change:
 * the first run reads record 1 before the change and stores it after the
 * second run stored the new version, and the second run's cursor (past the
 * change) is committed last.
 */
import type { RestApiConfig } from "restsync";
import type { MockApi } from "../mock/index";

export interface Item {
  id: number;
  name: string;
  updated_at: string;
}

const at = (second: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString();

export const itemsConfig = (url: string): RestApiConfig => ({
  client: { base_url: url },
  resources: [
    {
      name: "items",
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        path: "/items",
        data_selector: "data",
        paginator: { type: "cursor", cursor_path: "next", cursor_param: "cursor" },
        incremental: { cursor_path: "updated_at" },
      },
    },
  ],
});

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Registers `/items` on `mock`: page 1 holds record 1, page 2 record 2. The
 * first request for page 1 is held (with record 1 as it was) until `releaseFirst()`;
 * a run that saw the changed record 1 gets its page 2 only once `firstRunDone` settles.
 */
export function changingItems(mock: MockApi) {
  const api = {
    items: [
      { id: 1, name: "v1", updated_at: at(1) },
      { id: 2, name: "other", updated_at: at(0) },
    ] as Item[],
    firstArrived: deferred(),
    release: deferred(),
    /** A run that read the changed record has stored page 1 and asks for page 2. */
    secondStoredPage1: deferred(),
    firstRunDone: Promise.resolve() as Promise<unknown>,
    pageOneRequests: 0,
    change() {
      api.items = [{ id: 1, name: "v2", updated_at: at(2) }, api.items[1]!];
    },
  };
  mock.route("GET", "/items", async (req) => {
    if (!req.query.cursor) {
      const page = [structuredClone(api.items[0]!)];
      if (api.pageOneRequests++ === 0) {
        api.firstArrived.resolve();
        await api.release.promise;
      }
      return { body: { data: page, next: `after-${page[0]!.name}` } };
    }
    if (req.query.cursor === "after-v2") {
      api.secondStoredPage1.resolve();
      await api.firstRunDone;
    }
    return { body: { data: [structuredClone(api.items[1]!)], next: null } };
  });
  return api;
}
