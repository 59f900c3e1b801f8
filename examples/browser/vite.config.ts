import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// Inside this repository restsync resolves to its sources; an app of your own installs it from npm instead.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^restsync\/adapters\/([\w-]+)$/, replacement: repo("adapters/$1/index.ts") },
      { find: /^restsync$/, replacement: repo("src/index.ts") },
    ],
  },
});
