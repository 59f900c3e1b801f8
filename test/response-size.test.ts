/**
 * client.max_response_size: a body over the limit fails the request with a
 * ResponseError (response_too_large), whether its Content-Length says so or it
 * turns out larger while being read — counted in decoded bytes, so a compressed
 * body cannot slip past — and without reading (much) more than the limit.
 * (400 MB decompression bombs in every runtime: test/contract/origin-cases.ts.)
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import {
  type ConfigError,
  isConfigError,
  isResponseError,
  type ResponseError,
  type RestApiConfig,
  restApiSource,
} from "restsync";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RetryPolicy } from "../src/config/source";
import { Redactor } from "../src/http/_redact";
import { HttpClient, type HttpClientOptions } from "../src/http/client";
import { startScriptedServer } from "./_helpers/scripted-server";
import { type MockApi, startMockApi } from "./mock/index";

const KIB = 1024;

let mock: MockApi;
/** Streams JSON without Content-Length (chunked), 16 KiB a chunk, and counts what it managed to write. */
let chunked: { server: Server; url: string; written: number; closedEarly: boolean };

beforeAll(async () => {
  mock = await startMockApi({ datasetOptions: { size: "small" } });
  const state = { written: 0, closedEarly: false };
  const server = createServer((req, res) => {
    const total = Number(new URL(req.url!, "http://x").searchParams.get("bytes"));
    const item = `{"id":1,"pad":"${"x".repeat(16 * KIB - 20)}"},`;
    const tail = `{"id":2}]`;
    let sent = 0;
    const write = (text: string) => {
      state.written += text.length;
      sent += text.length;
      return res.write(text);
    };
    res.on("close", () => (state.closedEarly = !res.writableFinished));
    res.writeHead(200, { "content-type": "application/json" });
    write("[");
    const pump = () => {
      while (sent + item.length + tail.length <= total) {
        if (res.destroyed) return;
        // Respect backpressure: a client that stops reading stops the stream.
        if (!write(item)) return void res.once("drain", pump);
      }
      res.end(tail.padStart(total - sent, " "));
    };
    pump();
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  chunked = Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
afterAll(async () => {
  await mock?.close();
  chunked?.server.closeAllConnections();
  await new Promise((resolve) => chunked?.server.close(resolve));
});
beforeEach(() => {
  mock.reset();
  chunked.written = 0;
  chunked.closedEarly = false;
});

const RETRY: RetryPolicy = {
  retryOnStatus: new Set([429, 502, 503, 504]),
  maxRetries: 3,
  backoffFactor: 0.01,
  maxBackoff: 60,
};
const client = (options: Partial<HttpClientOptions> = {}) =>
  new HttpClient({
    baseUrl: mock.url,
    auth: undefined,
    timeoutMs: 5_000,
    concurrency: 6,
    redactor: new Redactor([]),
    ...options,
  });
const get = (http: HttpClient, url: string) =>
  http.request({ url, method: "GET" }, { resource: "blobs", retry: RETRY });
async function rejection(promise: Promise<unknown>): Promise<ResponseError> {
  try {
    await promise;
  } catch (error) {
    return error as ResponseError;
  }
  throw new Error("expected a rejection");
}
/** A JSON body of exactly `bytes` bytes. */
const bodyOf = (bytes: number) => `{"pad":"${"x".repeat(bytes - 10)}"}`;

describe("max_response_size", () => {
  it("refuses a response whose Content-Length is over the limit, naming resource, redacted URL and both sizes; not retried", async () => {
    mock.route("GET", "/big", () => ({ raw: bodyOf(20_000) }));
    const http = client({ maxResponseSize: 10_000, redactor: new Redactor(["s3cret-key"]) });
    const error = await rejection(get(http, `${mock.url}/big?api_key=s3cret-key`));
    expect(isResponseError(error)).toBe(true);
    expect(error.code).toBe("response_too_large");
    expect(error.url).toBe(`${mock.url}/big?api_key=***`);
    expect(error.message).toBe(
      `blobs: response from ${mock.url}/big?api_key=*** is larger than max_response_size (10000 bytes): Content-Length is 20000 bytes`,
    );
    expect(error.message).not.toContain("s3cret");
    expect(mock.requests).toHaveLength(1);
    expect(http.requestsSent()).toBe(1);
  });

  it("refuses a chunked body (no Content-Length) once it passes the limit, without reading it all", async () => {
    const limit = 256 * KIB;
    const http = client({ maxResponseSize: limit });
    const error = await rejection(get(http, `${chunked.url}/stream?bytes=${32 * 1024 * KIB}`));
    expect(isResponseError(error)).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `^blobs: response from ${chunked.url}/stream\\?bytes=\\d+ is larger than max_response_size \\(262144 bytes\\): stopped reading at (\\d+) bytes$`,
      ),
    );
    const read = Number(/stopped reading at (\d+)/.exec(error.message)![1]);
    expect(read).toBeGreaterThan(limit);
    expect(read).toBeLessThan(limit + 128 * KIB);
    // The server was cut off long before its 32 MiB were out (it notices the closed socket a little later).
    await vi.waitFor(() => expect(chunked.closedEarly).toBe(true), { timeout: 10_000, interval: 10 });
    expect(chunked.written).toBeLessThan(8 * 1024 * KIB);
    expect(http.requestsSent()).toBe(1);
  });

  it("accepts bodies up to the limit, with or without Content-Length", async () => {
    mock.route("GET", "/exact", () => ({ raw: bodyOf(10_000) }));
    const http = client({ maxResponseSize: 10_000 });
    const exact = await get(http, `${mock.url}/exact`);
    expect((exact.body as { pad: string }).pad).toHaveLength(9_990);

    const streamed = await get(client({ maxResponseSize: 300 * KIB }), `${chunked.url}/stream?bytes=${300 * KIB}`);
    expect((streamed.body as unknown[]).length).toBeGreaterThan(10);
    expect(chunked.closedEarly).toBe(false);
  });

  it("counts bytes, not characters, and applies to error bodies too", async () => {
    mock.route("GET", "/utf8", () => ({ raw: JSON.stringify({ text: "é".repeat(600) }) })); // 1,211 bytes, 611 characters
    expect((await rejection(get(client({ maxResponseSize: 1_000 }), `${mock.url}/utf8`))).message).toMatch(
      /Content-Length is 1211 bytes/,
    );
    expect((await get(client({ maxResponseSize: 1_211 }), `${mock.url}/utf8`)).body).toEqual({ text: "é".repeat(600) });
    const noLength: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      return new Response(response.body, { status: response.status, headers });
    };
    expect(
      (await rejection(get(client({ maxResponseSize: 1_000, fetch: noLength }), `${mock.url}/utf8`))).message,
    ).toMatch(/stopped reading at 1211 bytes/);
    expect((await get(client({ maxResponseSize: 1_211, fetch: noLength }), `${mock.url}/utf8`)).body).toEqual({
      text: "é".repeat(600),
    });

    mock.route("GET", "/oops", () => ({ status: 500, raw: bodyOf(5_000) }));
    const error = await rejection(get(client({ maxResponseSize: 1_000 }), `${mock.url}/oops`));
    expect(error.name).toBe("ResponseError");
    expect(mock.requests.filter((r) => r.path === "/oops")).toHaveLength(1);
  });

  it("counts decoded bytes: a gzip body whose Content-Length is within the limit but inflates past it is refused", async () => {
    const server = await startScriptedServer();
    try {
      await fetch(`${server.url}/__routes`, {
        method: "PUT",
        body: JSON.stringify([
          { path: "/gz", bomb: { encoding: "gzip", bytes: 400 * KIB } },
          { path: "/gz-ok", bomb: { encoding: "gzip", bytes: 8 * KIB } },
        ]),
      });
      const error = await rejection(get(client({ maxResponseSize: 64 * KIB }), `${server.url}/gz`));
      expect(error.code).toBe("response_too_large");
      const read = Number(/stopped reading at (\d+) bytes$/.exec(error.message)?.[1]);
      expect(read).toBeGreaterThan(64 * KIB);
      expect(read).toBeLessThan(400 * KIB);
      expect((await get(client({ maxResponseSize: 64 * KIB }), `${server.url}/gz-ok`)).body).toEqual([]);
      const log = (await (await fetch(`${server.url}/__log`)).json()) as unknown[];
      expect(log).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("with a custom fetch, trusts no Content-Length: an inflated body handed on under the compressed body's headers is counted", async () => {
    const inflated = bodyOf(400 * KIB);
    // A fetch wrapper that inflates the body itself and drops Content-Encoding, keeping the compressed length.
    const inflating: typeof fetch = async () =>
      new Response(inflated, {
        headers: { "content-type": "application/json", "content-length": String(gzipSync(inflated).length) },
      });
    const error = await rejection(get(client({ maxResponseSize: 64 * KIB, fetch: inflating }), `${mock.url}/anything`));
    expect(error.code).toBe("response_too_large");
    expect(error.message).toMatch(/stopped reading at \d+ bytes$/);
  });

  it("defaults to 64 MiB and reports bad values with their path", () => {
    const base = { base_url: mock.url };
    expect(restApiSource({ client: base, resources: ["blobs"] }).client.max_response_size).toBe(64 * 1024 * 1024);
    expect(
      restApiSource({ client: { ...base, max_response_size: 1_000 }, resources: ["blobs"] }).client.max_response_size,
    ).toBe(1_000);
    const issues = (max_response_size: unknown) => {
      try {
        restApiSource({ client: { ...base, max_response_size }, resources: ["blobs"] } as RestApiConfig);
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error("config was accepted");
    };
    expect(issues(0)).toEqual(["client.max_response_size: max_response_size must be at least 1"]);
    expect(issues(-5)).toEqual(["client.max_response_size: max_response_size must be at least 1"]);
    expect(issues(1.5)).toEqual(["client.max_response_size: max_response_size must be an integer"]);
    expect(issues("64MB")).toEqual(["client.max_response_size: max_response_size must be a number"]);
  });
});
