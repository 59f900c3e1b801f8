/** Default largest response body accepted: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024;

/** A body over the limit: what the response declared or what was read before stopping. */
export interface Oversize {
  /** `Content-Length`, when it alone was over the limit. */
  declared?: number;
  /** Bytes read before reading stopped. */
  read?: number;
}

/**
 * The body's decoded length from `Content-Length`, only where that header can be
 * trusted to count decoded bytes: the body is visibly not encoded (no
 * `Content-Encoding`, or `identity`) and the headers are not filtered — a browser
 * hides `Content-Encoding` on a cross-origin ("cors") response, where a gzip body
 * would look plain.
 */
export function plainLength(response: Pick<Response, "headers" | "type">): number | undefined {
  if (response.type === "cors" || response.type === "opaque") return undefined;
  const encoding = response.headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding && encoding !== "identity") return undefined;
  const value = response.headers.get("content-length")?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Reads a body as UTF-8 text with a byte counter, stopping (and cancelling the
 * stream) as soon as it passes `limit`: never more than one chunk over the
 * limit is held in memory. The stream is the decoded body (fetch inflates gzip,
 * deflate and br while it is read), so a compressed bomb stops at the limit too.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ text: string } | { oversize: Oversize }> {
  if (!body) return { text: "" };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return { oversize: { read: size } };
      }
      chunks.push(value);
    }
  } finally {
    // A stream read to its end is closed and this reader is dropped: releasing it would only cost (≈1 % of a sync's CPU in Node).
    if (!finished) reader.releaseLock();
  }
  if (chunks.length === 1) return { text: decoder.decode(chunks[0]) };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: decoder.decode(bytes) };
}

/** Stateless without `stream: true`: one serves every body. */
const decoder = /* @__PURE__ */ new TextDecoder();

/** Drops a body that will not be read, so its connection can be reused. */
export function discard(body: ReadableStream<Uint8Array> | null): void {
  body?.cancel().catch(() => {});
}

/** How an over-limit body showed itself, for the error message. */
export function oversizeText(oversize: Oversize): string {
  return oversize.declared !== undefined
    ? `Content-Length is ${oversize.declared} bytes`
    : `stopped reading at ${oversize.read} bytes`;
}
