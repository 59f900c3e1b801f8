/**
 * startMockApi(): the reference mock of the seed API on 127.0.0.1.
 * Request pipeline: faults → rate limit → CORS preflight → custom routes →
 * auth (/v1) → seed routes → 404. Latency is added before every response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type {
  LoggedRequest,
  MockApi,
  MockApiOptions,
  MockRequest,
  MockResponse,
  MockStats,
  RateLimitOptions,
  RouteHandler,
} from "./api-types.js";
import { createDataset } from "./data.js";
import { reindex } from "./dataset-index.js";
import { expectedRecords } from "./expected.js";
import { applyFault, FaultQueue } from "./faults.js";
import {
  decodeSegments,
  errorResponse,
  lowerCaseHeaders,
  PREFLIGHT_HEADERS,
  parseBody,
  readBody,
  send,
} from "./http-util.js";
import { mutateDataset } from "./mutate.js";
import { RateLimiter } from "./rate-limit.js";
import { handleSeedRoute } from "./routes.js";

interface CustomRoute {
  method: string;
  path: string | RegExp;
  handler: RouteHandler;
}

function routeParams(route: CustomRoute, req: MockRequest): Record<string, string> | null {
  if (route.method !== "*" ? route.method !== req.method : req.method === "OPTIONS") return null;
  if (typeof route.path === "string") {
    const hit = route.path.endsWith("*") ? req.path.startsWith(route.path.slice(0, -1)) : req.path === route.path;
    return hit ? {} : null;
  }
  route.path.lastIndex = 0;
  const match = route.path.exec(req.path);
  return match ? { ...match.groups } : null;
}

export async function startMockApi(options: MockApiOptions = {}): Promise<MockApi> {
  const dataset = options.dataset ?? createDataset(options.datasetOptions);
  const settings: { apiKey: string; latencyMs: number; rateLimit: RateLimitOptions | undefined } = {
    apiKey: options.apiKey ?? "test-key",
    latencyMs: options.latencyMs ?? 0,
    rateLimit: options.rateLimit,
  };
  const now = options.now ?? Date.now;
  let limiter = new RateLimiter(settings.rateLimit);
  const faults = new FaultQueue();
  const routes: CustomRoute[] = [];
  const log: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxConcurrent = 0;

  /** Like sleep(), but cancelled by close() so no timer outlives the server. */
  const wait = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  /** Everything after faults and rate limiting. */
  async function dispatch(req: MockRequest): Promise<MockResponse> {
    for (let i = routes.length - 1; i >= 0; i--) {
      const route = routes[i] as CustomRoute;
      const params = routeParams(route, req);
      if (params) return route.handler({ ...req, params });
    }
    if (req.method === "OPTIONS") return { status: 204, headers: { ...PREFLIGHT_HEADERS } };
    if (req.segments[0] === "v1") {
      if (req.headers["api_key"] !== settings.apiKey) return errorResponse(401, "unauthorized");
      const response = handleSeedRoute(dataset, req);
      if (response) return response;
    }
    return errorResponse(404, "not found");
  }

  async function safeDispatch(req: MockRequest): Promise<MockResponse> {
    try {
      return await dispatch(req);
    } catch (error) {
      return errorResponse(500, error instanceof Error ? error.message : String(error));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, entry: LoggedRequest): Promise<number> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const segments = decodeSegments(url.pathname);
    const path = segments ? `/${segments.join("/")}` : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    Object.assign(entry, { path, query });
    const raw = await readBody(req);
    const { headers } = entry;
    const mockReq: MockRequest = {
      method: entry.method,
      path,
      segments: segments ?? [],
      query,
      headers: { ...headers },
      body: parseBody(raw, headers["content-type"]),
      rawBody: raw,
      url,
      params: {},
    };
    const fault = faults.take(mockReq);
    if (fault) {
      await wait((fault.afterMs ?? 0) + settings.latencyMs);
      return applyFault(fault, { req, res, realResponse: () => safeDispatch(mockReq) });
    }
    const at = now();
    const waitMs = mockReq.method === "OPTIONS" ? null : limiter.take(at);
    const response =
      waitMs !== null
        ? limiter.response(waitMs, at)
        : segments
          ? await safeDispatch(mockReq)
          : errorResponse(400, "malformed path encoding");
    await wait(settings.latencyMs);
    return send(res, options.clockDate ? withClockDate(response, api.dataset.clock) : response);
  }

  const server = createServer((req, res) => {
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    const entry: LoggedRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: "",
      query: {},
      headers: lowerCaseHeaders(req),
      status: 0,
      at: now(),
    };
    log.push(entry);
    let done = false;
    res.on("close", () => {
      if (!done) inFlight--;
      done = true;
    });
    handle(req, res, entry).then(
      (status) => {
        entry.status = status;
      },
      (error: unknown) => {
        entry.status = send(res, errorResponse(500, error instanceof Error ? error.message : String(error)));
      },
    );
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const api: MockApi = {
    url: `http://127.0.0.1:${port}`,
    apiKey: settings.apiKey,
    dataset,
    requests: log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
    clearLog() {
      log.length = 0;
      maxConcurrent = inFlight;
    },
    stats(): MockStats {
      const byStatus: Record<number, number> = {};
      for (const { status } of log) byStatus[status] = (byStatus[status] ?? 0) + 1;
      return { requests: log.length, byStatus, maxConcurrent };
    },
    setOptions(update) {
      if (update.apiKey !== undefined) api.apiKey = settings.apiKey = update.apiKey;
      if (update.latencyMs !== undefined) settings.latencyMs = update.latencyMs;
      if ("rateLimit" in update) {
        settings.rateLimit = update.rateLimit;
        limiter = new RateLimiter(update.rateLimit);
      }
    },
    faults,
    route(method, path, handler) {
      routes.push({ method: method.toUpperCase(), path, handler });
    },
    clearRoutes() {
      routes.length = 0;
    },
    reset() {
      api.clearRoutes();
      faults.clear();
      api.clearLog();
    },
    mutate: (mutation) => mutateDataset(dataset, mutation),
    expected: (resource) => expectedRecords(dataset, resource),
    reindex: () => void reindex(dataset),
  };
  return api;
}

/**
 * The `Date` of an API whose clock is the dataset's logical clock: half an hour past
 * the last change, so changes made later are later than every Date seen before them.
 */
function withClockDate(response: MockResponse, clock: string): MockResponse {
  const date = new Date(Date.parse(clock) + 30 * 60_000).toUTCString();
  return { ...response, headers: { date, ...(response.headers ?? {}) } };
}
