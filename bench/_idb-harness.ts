/**
 * Node half of the IndexedDB bench: bundles bench/_idb-page.ts for the
 * browser, serves it from 127.0.0.1 (IndexedDB needs a real origin), opens it
 * in headless Chromium and hands `fn` a typed caller for the page's API.
 * The browser and server are closed however `fn` ends.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { IdbPageApi } from "./_idb-page";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export type PageCall = <K extends keyof IdbPageApi>(
  fn: K,
  ...args: Parameters<IdbPageApi[K]>
) => Promise<Awaited<ReturnType<IdbPageApi[K]>>>;

/** The page module, bundled for the browser (the idb adapter and `idb` included). */
async function bundlePage(): Promise<string> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [here("./_idb-page.ts")],
    absWorkingDir: here(".."),
    tsconfig: here("../tsconfig.json"),
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    conditions: ["browser"],
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

async function serve(script: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><meta charset="utf-8"><title>restsync idb bench</title><script src="/page.js"></script>`;
  const server = createServer((request, response) => {
    if (request.url === "/page.js")
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    else if (request.url === "/") response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export async function withIdbBenchPage<T>(fn: (call: PageCall, browserVersion: string) => Promise<T>): Promise<T> {
  const script = await bundlePage();
  const { chromium } = await import("playwright");
  let server: Server | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    const served = await serve(script);
    server = served.server;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(served.url);
    await page
      .waitForFunction(() => "__idbBench" in globalThis, undefined, { timeout: 10_000 })
      .catch(() => {
        throw new Error(
          `the IndexedDB bench page did not load${pageErrors.length ? `: ${pageErrors.join("; ")}` : ""}`,
        );
      });
    const call: PageCall = (fn, ...args) =>
      page.evaluate(
        ({ fn, args }) => {
          const api = (globalThis as unknown as { __idbBench: Record<string, (...a: unknown[]) => unknown> })
            .__idbBench;
          return api[fn]!(...args);
        },
        { fn: fn as string, args: args as unknown[] },
      ) as never;
    return await fn(call, `Chromium ${browser.version()}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
