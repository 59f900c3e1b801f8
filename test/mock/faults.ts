/** Injected faults: a FIFO queue of one-shot (or n-shot) misbehaviours. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Fault, FaultControl, MockRequest, MockResponse } from "./api-types.js";
import { JSON_TYPE, send, serialise, writeHead } from "./http-util.js";

interface Entry {
  fault: Fault;
  remaining: number;
}

export function faultMatches(match: Fault["match"], req: MockRequest): boolean {
  if (typeof match === "function") return match(req);
  if (req.method === "OPTIONS") return false;
  if (match instanceof RegExp) {
    match.lastIndex = 0;
    return match.test(req.path);
  }
  return match.endsWith("*") ? req.path.startsWith(match.slice(0, -1)) : req.path === match;
}

export class FaultQueue implements FaultControl {
  private entries: Entry[] = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new Error("fault.times must be > 0");
    this.entries.push({ fault, remaining: times });
  }

  clear(): void {
    this.entries = [];
  }

  pending(): number {
    return this.entries.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** The first fault (in order of addition) matching `req`, consuming one use. */
  take(req: MockRequest): Fault | null {
    const index = this.entries.findIndex((entry) => faultMatches(entry.fault.match, req));
    const entry = this.entries[index];
    if (!entry) return null;
    entry.remaining--;
    if (entry.remaining <= 0) this.entries.splice(index, 1);
    return entry.fault;
  }
}

const HTML_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1><p>The upstream server returned an invalid response.</p><hr><p>nginx</p></body></html>
`;
const GARBAGE_JSON = '{"data": [{"id": 1, "name": "oops",, }\u0000 <!-- not json';

export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The response the request would get without the fault (used by "truncate"). */
  realResponse(): Promise<MockResponse>;
}

/** Carry out a fault. Returns the status written, 0 when no response is sent. */
export async function applyFault(fault: Fault, ctx: FaultContext): Promise<number> {
  const { res } = ctx;
  const headers = fault.headers ?? {};
  switch (fault.kind ?? "status") {
    case "status":
      return send(res, { status: fault.status ?? 500, headers, body: fault.body ?? { error: "injected fault" } });
    case "reset": {
      const socket = ctx.req.socket;
      if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
      else socket.destroy();
      return 0;
    }
    case "hang":
      return 0; // never answered; close() destroys the socket
    case "truncate": {
      const full = serialise(fault.body === undefined ? await ctx.realResponse() : { body: fault.body });
      if (res.destroyed) return 0;
      const bytes = Buffer.from(full.body || '{"data": []}');
      const status = fault.status ?? full.status;
      writeHead(res, status, { "content-type": JSON_TYPE, ...full.headers, ...headers }, bytes.length);
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return status;
    }
    case "html":
      return send(res, {
        status: fault.status ?? 200,
        headers: { "content-type": "text/html; charset=utf-8", ...headers },
        raw: typeof fault.body === "string" ? fault.body : HTML_PAGE,
      });
    case "invalid-json":
      return send(res, {
        status: fault.status ?? 200,
        headers: { "content-type": JSON_TYPE, ...headers },
        raw: typeof fault.body === "string" ? fault.body : GARBAGE_JSON,
      });
    case "wrong-shape":
      return send(res, {
        status: fault.status ?? 200,
        headers,
        body: fault.body ?? { data: "unexpected: data should be a list" },
      });
  }
}
