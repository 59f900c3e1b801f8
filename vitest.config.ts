import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests import the package by its public names, resolved to the sources. */
export const packageAliases = [
  { find: /^restsync\/adapters\/([\w-]+)$/, replacement: here("./adapters/$1/index.ts") },
  { find: /^restsync\/worker$/, replacement: here("./src/worker/index.ts") },
  { find: /^restsync$/, replacement: here("./src/index.ts") },
];

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
