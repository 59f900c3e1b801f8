import { describe, expect, it } from "vitest";
import { type StoreHarness, storeContract } from "./store-cases";

export type { StoreHarness } from "./store-cases";

/** The store contract as a vitest suite; each adapter's test file calls this once. */
export function describeStoreContract(name: string, harness: StoreHarness): void {
  describe(`store contract: ${name}`, () => {
    for (const contractCase of storeContract) {
      it.runIf(contractCase.applies?.(harness) ?? true)(contractCase.name, () => contractCase.run(harness, expect));
    }
  });
}
