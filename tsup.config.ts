import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "worker/index": "src/worker/index.ts",
    "schema/index": "src/schema/index.ts",
    "adapters/memory/index": "adapters/memory/index.ts",
    "adapters/idb/index": "adapters/idb/index.ts",
    "adapters/cloudflare-kv/index": "adapters/cloudflare-kv/index.ts",
    "adapters/fs/index": "adapters/fs/index.ts",
    "adapters/sqlite/index": "adapters/sqlite/index.ts",
    "adapters/d1/index": "adapters/d1/index.ts",
    "cli/index": "cli/index.ts",
  },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "neutral",
  // Adapters import the core by its package name, so every entry shares one copy of it (one set of error classes).
  external: ["restsync", "restsync/schema", "ofetch", "valibot", "idb", "jiti", "better-sqlite3", /^node:/],
  // Keep "node:" imports as written (only the Node-only fs adapter has any).
  removeNodeProtocol: false,
  treeshake: true,
});
