import { expect, it } from "vitest";

it("importing the idb adapter and creating it under Node (no IndexedDB) does not throw; use does, clearly", async () => {
  const { idbAdapter } = await import("restsync/adapters/idb");
  const store = idbAdapter();
  expect(store.name).toBe("idb:restsync");
  await expect(store.count("t")).rejects.toThrow(/indexedDB/i);
});
