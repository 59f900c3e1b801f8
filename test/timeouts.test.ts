import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestTimeouts } from "../src/http/_timeout";

const reasonOf = (signal: AbortSignal) => (signal.reason as DOMException | undefined)?.name;

describe("request timeouts on shared controllers", () => {
  afterEach(() => vi.useRealTimers());

  it("requests started within one window share a signal; a later one gets its own", () => {
    vi.useFakeTimers();
    const timeouts = new RequestTimeouts(30_000);
    const a = timeouts.start(undefined);
    vi.advanceTimersByTime(5);
    const b = timeouts.start(undefined);
    expect(b.signal).toBe(a.signal);
    vi.advanceTimersByTime(20);
    const c = timeouts.start(undefined);
    expect(c.signal).not.toBe(a.signal);
    for (const r of [a, b, c]) r.done();
  });

  it("a window takes at most 16 requests, however fast they come", () => {
    vi.useFakeTimers();
    const timeouts = new RequestTimeouts(30_000);
    const started = Array.from({ length: 40 }, () => timeouts.start(undefined));
    expect(new Set(started.map((r) => r.signal)).size).toBe(3);
    for (const r of started) r.done();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives every request at least its timeout, and aborts the ones still running with a TimeoutError", () => {
    vi.useFakeTimers();
    const timeouts = new RequestTimeouts(1000); // window: 10 ms
    const first = timeouts.start(undefined);
    vi.advanceTimersByTime(9);
    const late = timeouts.start(undefined); // same window, started 9 ms later
    expect(late.signal).toBe(first.signal);
    first.done();
    vi.advanceTimersByTime(999); // `late` has run 999 ms: still going
    expect(late.signal.aborted).toBe(false);
    vi.advanceTimersByTime(2); // window opened 1,010 ms ago: its timeout plus the window
    expect(late.signal.aborted).toBe(true);
    expect(reasonOf(late.signal)).toBe("TimeoutError");
  });

  it("a short timeout gets a controller per request", () => {
    vi.useFakeTimers();
    const timeouts = new RequestTimeouts(50);
    const a = timeouts.start(undefined);
    const b = timeouts.start(undefined);
    expect(b.signal).not.toBe(a.signal);
    vi.advanceTimersByTime(50);
    expect(a.signal.aborted && b.signal.aborted).toBe(true);
  });

  it("leaves no timer behind once every request of a window is done (a finished run does not keep the process alive)", () => {
    vi.useFakeTimers();
    const timeouts = new RequestTimeouts(30_000);
    const a = timeouts.start(undefined);
    const b = timeouts.start(undefined);
    a.done();
    expect(vi.getTimerCount()).toBe(1);
    b.done();
    b.done(); // twice is harmless
    expect(vi.getTimerCount()).toBe(0);
    expect(a.signal.aborted).toBe(false);
  });

  it("aborts with the caller's reason, and a request after an aborted window starts a fresh one", () => {
    vi.useFakeTimers();
    const timeouts = new RequestTimeouts(30_000);
    const run = new AbortController();
    const a = timeouts.start(run.signal);
    run.abort(new Error("stopped"));
    expect(a.signal.aborted).toBe(true);
    expect((a.signal.reason as Error).message).toBe("stopped");
    const other = timeouts.start(undefined);
    expect(other.signal.aborted).toBe(false);
    // Another caller signal never shares a window with the first one.
    const second = new AbortController();
    const c = timeouts.start(second.signal);
    expect(c.signal).not.toBe(other.signal);
    for (const r of [a, other, c]) r.done();
    expect(vi.getTimerCount()).toBe(0);
  });
});
