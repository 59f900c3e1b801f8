/** Error guards: what they accept, across copies of restsync (two bundles, a realm's own classes). */

import { BudgetExhaustedError, ConfigError, HttpError, isRestsyncError, RestsyncError, StorageError } from "restsync";
import { describe, expect, it } from "vitest";

describe("isRestsyncError", () => {
  it("accepts every restsync error, subclasses included, without naming them", () => {
    expect(isRestsyncError(new ConfigError([{ path: "x", message: "y" }]))).toBe(true);
    expect(
      isRestsyncError(new HttpError({ code: "http_status", message: "m", status: 500, url: "u", attempts: 1 })),
    ).toBe(true);
    expect(isRestsyncError(new StorageError("s"))).toBe(true);
    expect(isRestsyncError(new BudgetExhaustedError("deadline", "d"))).toBe(true);
    // A subclass of the future, or of another package built on restsync.
    class PluginError extends RestsyncError {}
    expect(isRestsyncError(new PluginError("unexpected" as never, "p"))).toBe(true);
  });

  it("accepts an error from another copy of restsync (a second bundle: same brand, other classes)", () => {
    const otherCopy = Object.create(
      Object.create(Error.prototype, { [Symbol.for("restsync.error")]: { value: true } }),
    );
    Object.assign(otherCopy, { name: "HttpError", code: "http_status", message: "from the other bundle" });
    expect(otherCopy instanceof RestsyncError).toBe(false);
    expect(isRestsyncError(otherCopy)).toBe(true);
  });

  it("refuses errors that only look like one", () => {
    expect(isRestsyncError(Object.assign(new Error("x"), { name: "HttpError", code: "http_status" }))).toBe(false);
    expect(isRestsyncError(new TypeError("x"))).toBe(false);
    expect(isRestsyncError(null)).toBe(false);
    expect(isRestsyncError("HttpError")).toBe(false);
  });
});
