/**
 * A scripted HTTP server on 127.0.0.1 for the origin and redirect cases
 * (test/contract/origin-cases.ts): its routes are set over HTTP and every request
 * it receives is logged and readable over HTTP, so a case can run and assert from
 * Node, Chromium or workerd alike. One server answers for every host name it is
 * reached by (127.0.0.1, localhost): routes and logs are kept per `Host`, so
 * `http://localhost:p` and `http://127.0.0.1:p` are two origins with their own
 * routes and logs, as they are to a browser.
 *
 * Control routes (never logged): `PUT /__routes` (a JSON list of
 * {@link ScriptedRoute}; replaces this host's routes and clears its log) and
 * `GET /__log` (this host's {@link ScriptedRequest}s). CORS is open: any origin,
 * any request header (preflights are answered, not logged), `Link` and
 * `Location` exposed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { constants, createBrotliCompress, createDeflate, createGzip } from "node:zlib";
import type { ScriptedRequest, ScriptedRoute } from "../contract/origin-cases";

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "link, location, x-next-cursor",
};

export async function startScriptedServer(): Promise<ScriptedServer> {
  const routes = new Map<string, ScriptedRoute[]>();
  const logs = new Map<string, ScriptedRequest[]>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { ...CORS, "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? "").toLowerCase();
    const url = new URL(req.url ?? "/", `http://${host}`);
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...CORS,
        "access-control-allow-methods": "GET, POST, PUT, OPTIONS",
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
        "access-control-max-age": "600",
      });
      return void res.end();
    }
    const body = await readBody(req);
    if (url.pathname === "/__routes" && req.method === "PUT") {
      routes.set(host, JSON.parse(body) as ScriptedRoute[]);
      logs.set(host, []);
      res.writeHead(204, CORS);
      return void res.end();
    }
    if (url.pathname === "/__log") {
      res.writeHead(200, { ...CORS, "content-type": "application/json" });
      return void res.end(JSON.stringify(logs.get(host) ?? []));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    const log = logs.get(host) ?? [];
    logs.set(host, log);
    log.push({ method: req.method ?? "GET", url: `${url.pathname}${url.search}`, headers, body });

    const route = (routes.get(host) ?? []).find((r) => matches(r, req.method ?? "GET", url));
    if (!route) {
      res.writeHead(404, { ...CORS, "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: `no route for ${req.method} ${url.pathname}${url.search}` }));
    }
    if (route.bomb) return serveBomb(res, route.bomb);
    const text = route.raw ?? (route.body === undefined ? "" : JSON.stringify(route.body));
    const type = route.raw === undefined && route.body !== undefined ? { "content-type": "application/json" } : {};
    res.writeHead(route.status ?? 200, {
      ...CORS,
      ...type,
      ...route.headers,
      "content-length": String(Buffer.byteLength(text)),
    });
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function matches(route: ScriptedRoute, method: string, url: URL): boolean {
  if ((route.method ?? "GET") !== method || route.path !== url.pathname) return false;
  return Object.entries(route.query ?? {}).every(([name, value]) => url.searchParams.get(name) === value);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Compressed bombs, made once per encoding and size: a few hundred KB that inflate to `bytes`. */
const bombs = new Map<string, Promise<Buffer>>();

/**
 * A JSON list of `bytes` inflated bytes (`[` + spaces + `]`), compressed without
 * ever holding the inflated body: 1 MiB of spaces written `bytes / 1 MiB` times.
 */
export function bombOf(encoding: "gzip" | "deflate" | "br", bytes: number): Promise<Buffer> {
  const id = `${encoding}:${bytes}`;
  let made = bombs.get(id);
  if (!made) {
    made = new Promise<Buffer>((resolve, reject) => {
      const stream =
        encoding === "gzip"
          ? createGzip({ level: 9 })
          : encoding === "deflate"
            ? createDeflate({ level: 9 })
            : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
      const out: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => out.push(chunk));
      stream.on("end", () => resolve(Buffer.concat(out)));
      stream.on("error", reject);
      const block = Buffer.alloc(1024 * 1024, " ");
      let left = bytes - 2;
      stream.write("[");
      const pump = () => {
        while (left > 0) {
          const chunk = left >= block.length ? block : block.subarray(0, left);
          left -= chunk.length;
          if (!stream.write(chunk)) return void stream.once("drain", pump);
        }
        stream.end("]");
      };
      pump();
    });
    bombs.set(id, made);
  }
  return made;
}

async function serveBomb(res: ServerResponse, bomb: NonNullable<ScriptedRoute["bomb"]>): Promise<void> {
  const body = await bombOf(bomb.encoding, bomb.bytes);
  res.writeHead(200, {
    ...CORS,
    "content-type": "application/json",
    "content-encoding": bomb.encoding,
    "content-length": String(body.length),
  });
  res.end(body);
}

/** Two scripted servers for one case: the API and a foreign origin, spelt as the case asks. */
export interface ScriptedPair {
  api: string;
  foreign: string;
  close(): Promise<void>;
}

/**
 * `foreign`: "port" — another server on 127.0.0.1; "localhost" — the API's own
 * server reached as `localhost` (same port, another origin); "localhost-port" —
 * another server reached as `localhost`.
 */
export async function startScriptedPair(
  foreign: "port" | "localhost" | "localhost-port" = "port",
): Promise<ScriptedPair> {
  const api = await startScriptedServer();
  const other = foreign === "localhost" ? undefined : await startScriptedServer();
  const foreignUrl =
    foreign === "localhost"
      ? `http://localhost:${api.port}`
      : foreign === "localhost-port"
        ? `http://localhost:${other!.port}`
        : other!.url;
  return {
    api: api.url,
    foreign: foreignUrl,
    close: async () => void (await Promise.all([api.close(), other?.close()])),
  };
}
