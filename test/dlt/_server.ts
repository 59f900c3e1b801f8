/**
 * dlt's mock API served on 127.0.0.1 with a request log (dlt's tests read
 * `mock_api_server.request_history`). One server per test file: `useDltMock()`
 * starts it in beforeAll, clears the log before each test and closes it after.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { answer, type MockReply, type MockRequest } from "./_routes";

export interface LoggedRequest {
  method: string;
  /** Path without query, e.g. `/posts/1/comments`. */
  path: string;
  query: URLSearchParams;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface DltMock {
  /** `http://127.0.0.1:<port>`: the stand-in for dlt's `https://api.example.com`. */
  url: string;
  /** Every request since the last test began, in arrival order. */
  history: LoggedRequest[];
}

type ExtraRoutes = (req: MockRequest) => MockReply | undefined;

export function useDltMock(extra?: ExtraRoutes): DltMock {
  const mock: DltMock = { url: "", history: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString("utf8") : undefined;
      const request: MockRequest = {
        method: req.method ?? "GET",
        target: req.url ?? "/",
        headers,
        body,
        origin: mock.url,
      };
      const url = new URL(request.target, mock.url);
      mock.history.push({
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        url: url.toString(),
        headers,
        body,
      });
      let reply: MockReply;
      try {
        reply = extra?.(request) ?? answer(request);
      } catch (error) {
        reply = { status: 500, body: String(error) };
      }
      const text =
        reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      const type = typeof reply.body === "string" ? "text/plain" : "application/json";
      res.writeHead(reply.status, { ...(reply.body === undefined ? {} : { "content-type": type }), ...reply.headers });
      res.end(reply.status === 204 ? undefined : text);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    mock.history.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return mock;
}
