/** Default largest response body accepted: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024;

/** A body over the limit: what the response declared or what was read before stopping. */
export interface Oversize {
  /** `Content-Length`, when it alone was over the limit. */
  declared?: number;
  /** Bytes read before reading stopped. */
  read?: number;
}

/** The `Content-Length` when it is over `limit`. */
export function declaredOversize(headers: Headers, limit: number): Oversize | undefined {
  const value = headers.get("content-length");
  const length = value && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
  return length !== undefined && length > limit ? { declared: length } : undefined;
}

/**
 * Reads a body as UTF-8 text with a byte counter, stopping (and cancelling the
 * stream) as soon as it passes `limit`: never more than one chunk over the
 * limit is held in memory.
 */
export async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<{ text: string } | { oversize: Oversize }> {
  if (!body) return { text: "" };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return { oversize: { read: size } };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes) };
}

/** Drops a body that will not be read, so its connection can be reused. */
export function discard(body: ReadableStream<Uint8Array> | null): void {
  body?.cancel().catch(() => {});
}

/** How an over-limit body showed itself, for the error message. */
export function oversizeText(oversize: Oversize): string {
  return oversize.declared !== undefined ? `Content-Length is ${oversize.declared} bytes` : `stopped reading at ${oversize.read} bytes`;
}
