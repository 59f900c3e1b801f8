import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests import the package by its public names, resolved to the sources. */
const packageAliases = [
  { find: /^restsync\/adapters\/([\w-]+)$/, replacement: here("./adapters/$1/index.ts") },
  { find: /^restsync\/worker$/, replacement: here("./src/worker/index.ts") },
  { find: /^restsync\/schema$/, replacement: here("./src/schema/index.ts") },
  { find: /^restsync$/, replacement: here("./src/index.ts") },
];

/** Debian's Chromium (apt-get install chromium); never a downloaded browser. */
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**", "**/node_modules/**"],
          // Type tests (*.test-d.ts): the config's inference, checked by the compiler and reported as tests.
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      {
        extends: true,
        test: {
          name: "chromium",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/global-setup.ts"],
          browser: {
            enabled: true,
            headless: true,
            // East of UTC, as many users are: a timestamp read as local time instead of UTC fails here.
            provider: playwright({
              launchOptions: { executablePath: chromium, args: chromiumArgs },
              contextOptions: { timezoneId: "Asia/Tokyo" },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
