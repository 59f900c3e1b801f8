import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "adapters/memory/index": "adapters/memory/index.ts",
  },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "neutral",
  // Adapters import the core by its package name, so they share one copy of it.
  external: ["restsync", "ofetch", "valibot"],
  treeshake: true,
});
