/**
 * `Promise.all` that waits for every promise before it answers: with the plain
 * one, the requests still running when one of them fails go on after the test
 * and land in the next test's mock. Resolves with the values, or rejects with the
 * first rejection once all have settled.
 */
export async function settleAll<T>(promises: Iterable<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
