/** Low-level HTTP helpers of the mock server (node:http only). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockResponse } from "./api-types.js";

export const JSON_TYPE = "application/json";

/** Sent on every response so browsers can read status, body and these headers. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "link, retry-after, date, x-next-cursor",
};

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "*, api_key, authorization, content-type",
  "access-control-max-age": "600",
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(raw));
  if (type === JSON_TYPE || type.endsWith("+json")) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

export function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** URL-decoded segments of a pathname, or null if the encoding is malformed. */
export function decodeSegments(pathname: string): string[] | null {
  try {
    return pathname
      .split("/")
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

export interface Serialised {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function serialise(response: MockResponse): Serialised {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = response.raw ?? (response.body === undefined ? "" : JSON.stringify(response.body));
  if (body !== "" && headers["content-type"] === undefined) headers["content-type"] = JSON_TYPE;
  return { status: response.status ?? 200, headers, body };
}

export function writeHead(res: ServerResponse, status: number, headers: Record<string, string>, length: number): void {
  res.writeHead(status, { ...CORS_HEADERS, ...headers, "content-length": String(length) });
}

/** Write a complete response unless the client is gone. Returns the status written, or 0. */
export function send(res: ServerResponse, response: MockResponse): number {
  if (res.destroyed || res.headersSent) return 0;
  const { status, headers, body } = serialise(response);
  writeHead(res, status, headers, Buffer.byteLength(body));
  res.end(body);
  return status;
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

export const errorResponse = (status: number, error: string, headers?: Record<string, string>): MockResponse => ({
  status,
  body: { error },
  ...(headers ? { headers } : {}),
});
