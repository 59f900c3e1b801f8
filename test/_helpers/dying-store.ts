import type { StoreAdapter } from "restsync";

/**
 * `inner` as a tab or process that dies at its `dieAt`-th write: that write and
 * every one after it throw, and nothing more reaches the store.
 */
export function dyingStore(inner: StoreAdapter, dieAt: number): StoreAdapter {
  let writes = 0;
  let dead = false;
  return {
    ...inner,
    write(batch) {
      if (dead || ++writes === dieAt) {
        dead = true;
        throw new Error("the tab is gone");
      }
      return inner.write(batch);
    },
  };
}
