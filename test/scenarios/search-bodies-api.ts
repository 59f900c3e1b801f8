/** The API behind the request-bodies scenario (search-bodies.ts), served as custom routes of a reference mock. */
import type { MockApi } from "../mock/index";

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));

/** Adds `POST /sb/cursor`, `/sb/offset` and `/sb/echo` to `mock`; every record carries the raw body and content type it came for. */
export function installSearchBodiesApi(mock: MockApi): void {
  const echo = (req: { rawBody: string; headers: Record<string, string> }) => ({
    got: req.rawBody,
    type: req.headers["content-type"],
  });
  mock.route("POST", "/sb/cursor", (req) => {
    const page = (req.body as { page: { size: number; cursor?: number } }).page;
    const start = page.cursor ?? 0;
    const all = items(8);
    return {
      body: {
        hits: all.slice(start, start + page.size).map((item) => ({ ...item, ...echo(req) })),
        next: start + page.size < all.length ? start + page.size : null,
      },
    };
  });
  mock.route("POST", "/sb/offset", (req) => {
    const { offset, limit } = (req.body as { range: { offset: number; limit: number } }).range;
    const all = items(9);
    return { body: { data: all.slice(offset, offset + limit).map((item) => ({ ...item, ...echo(req) })), total: 9 } };
  });
  mock.route("POST", "/sb/echo", (req) => ({ body: [{ id: 1, ...echo(req) }] }));
}
