import type { KVNamespaceLike } from "restsync/adapters/cloudflare-kv";

/** An in-memory KV namespace that counts operations and can be told to fail, for Node tests of the KV adapter. */
export class FakeKv implements KVNamespaceLike {
  readonly data = new Map<string, string>();
  readonly ops = { get: 0, put: 0, delete: 0 };
  /** Throw on the put number n (1-based) from now on, once. */
  failPutAt: number | undefined;

  get total(): number {
    return this.ops.get + this.ops.put + this.ops.delete;
  }

  resetOps(): void {
    this.ops.get = this.ops.put = this.ops.delete = 0;
  }

  async get(key: string): Promise<string | null> {
    this.ops.get++;
    return this.data.get(key) ?? null;
  }

  async put(key: string, value: string): Promise<void> {
    this.ops.put++;
    if (this.failPutAt !== undefined && --this.failPutAt === 0) {
      this.failPutAt = undefined;
      throw new Error("simulated: the invocation died");
    }
    this.data.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.ops.delete++;
    this.data.delete(key);
  }
}
