/**
 * The API server's clock, estimated from the `Date` header of the latest
 * response: its date plus the time elapsed locally since it arrived. `Date` has
 * one-second resolution, so the estimate may trail the server by up to a second.
 */
export class ServerClock {
  #server: number | undefined;
  #local = 0;
  /** The latest Date header and its value. */
  #text: string | undefined;
  #date = Number.NaN;

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes a response's `Date` header; one without a parsable date changes nothing. */
  observe(headers: Headers): void {
    const text = headers.get("date") ?? "";
    // Responses within one second share their Date: parsed once.
    const date = text === this.#text ? this.#date : Date.parse(text);
    this.#text = text;
    this.#date = date;
    if (Number.isNaN(date)) return;
    this.#server = date;
    this.#local = this.now();
  }

  /** The server's current time in epoch ms, or the local time when no response had a `Date`. */
  serverNow(): number {
    const now = this.now();
    return this.#server === undefined ? now : this.#server + Math.max(0, now - this.#local);
  }
}
