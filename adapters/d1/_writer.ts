import { assertExpected, StorageError, type StoreBatch } from "restsync";
import type { SqlStatement } from "../_sql/layout";
import type { D1DatabaseLike } from "./_binding";
import { CATALOG, CATALOG_BARE, missingLayout, ViewCatalog } from "./_catalog";
import { failed, readStateTexts } from "./_reads";
import { CONFLICT, D1_LAYOUT, d1WriteStatements, guardStatements, stateText } from "./_statements";

type Expected = ReadonlyArray<{ key: string; text: string | null }>;

/** A batch waiting for its D1 call, its statements built (so a batch D1 cannot hold fails alone, at once). */
interface Waiting {
  batch: StoreBatch;
  writes: SqlStatement[];
  resolve(): void;
  reject(error: unknown): void;
}

/** Most statements of batches sent together in one call (a single batch goes whole, whatever its size). */
const GROUP_STATEMENTS = 200;
/** Most characters of bound values sent together in one call. */
const GROUP_CHARS = 1_000_000;

const isConflict = (error: unknown) => String((error as Error)?.message ?? error).includes(CONFLICT);
const expectedTexts = (batch: StoreBatch): Expected =>
  (batch.expect ?? []).map(({ key, value }) => ({ key, text: stateText(value) }));
const chars = (writes: readonly SqlStatement[]) =>
  writes.reduce((n, w) => n + w.params.reduce<number>((m, p) => m + (typeof p === "string" ? p.length : 8), 0), 0);

/**
 * Writes batches to D1 in the order they were made: a resource's pages are written
 * concurrently (children of several parents), and the later schema and state must land
 * last. Each batch is all-or-nothing, and `write` resolves once D1 holds it. Batches made
 * while a call is in flight go together in the next call (one transaction; every guard
 * in it checked in order): a run writes from several resources at once, and D1 counts
 * an invocation's calls. When such a call fails, its batches are sent again one by one,
 * so that each gets its own outcome.
 */
export class D1Writer {
  readonly #db: D1DatabaseLike;
  #layoutReady = false;
  #catalog: ViewCatalog | undefined;
  readonly #waiting: Waiting[] = [];
  #draining = false;

  constructor(db: D1DatabaseLike) {
    this.#db = db;
  }

  write(batch: StoreBatch): Promise<void> {
    let writes: SqlStatement[];
    try {
      writes = d1WriteStatements(batch);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ batch, writes, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#waiting.length > 0) {
        const group = this.#take();
        if (group.length > 1) {
          try {
            await this.#send(
              group.map((w) => ({ batch: w.batch, writes: w.writes, expected: expectedTexts(w.batch) })),
            );
            for (const w of group) w.resolve();
            continue;
          } catch {
            this.#catalog = undefined;
          }
        }
        for (const w of group) await this.#writeOne(w).then(w.resolve, w.reject);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** The waiting batches, oldest first, that fit in one call. */
  #take(): Waiting[] {
    const group: Waiting[] = [];
    let statements = 0;
    let size = 0;
    for (const next of this.#waiting) {
      const n = next.writes.length + (next.batch.expect?.length ?? 0) + (next.batch.schemas?.length ?? 0) * 8;
      const c = chars(next.writes);
      if (group.length > 0 && (statements + n > GROUP_STATEMENTS || size + c > GROUP_CHARS)) break;
      group.push(next);
      statements += n;
      size += c;
    }
    this.#waiting.splice(0, group.length);
    return group;
  }

  async #writeOne({ batch, writes }: Waiting): Promise<void> {
    const expect = batch.expect ?? [];
    try {
      await this.#send([{ batch, writes, expected: expectedTexts(batch) }]);
    } catch (error) {
      if (error instanceof StorageError) throw error;
      // The views may have changed under us: read them again next time.
      this.#catalog = undefined;
      if (!isConflict(error)) throw failed("write", error);
      // The guard compares JSON text, the contract JSON values (keys in any order). Equal values
      // written as other text: check as the contract does, then guard the text the state holds now.
      const texts = await readStateTexts(
        this.#db,
        expect.map((e) => e.key),
      );
      assertExpected(expect, (key) => (texts.has(key) ? JSON.parse(texts.get(key)!) : undefined), "d1");
      try {
        await this.#send([
          { batch, writes, expected: expect.map(({ key }) => ({ key, text: texts.get(key) ?? null })) },
        ]);
      } catch (again) {
        this.#catalog = undefined;
        if (!isConflict(again)) throw failed("write", again);
        throw new StorageError(
          "d1 store refused a conditional write: the state changed while it was written (another writer)",
          { code: "store_conflict", cause: again },
        );
      }
    }
  }

  /** One D1 call: the layout (an adapter's first write), then per batch its guards, its writes and the views its schemas need. */
  async #send(items: ReadonlyArray<{ batch: StoreBatch; writes: SqlStatement[]; expected: Expected }>): Promise<void> {
    const statements: SqlStatement[] = this.#layoutReady ? [] : D1_LAYOUT.map((sql) => ({ sql, params: [] }));
    for (const { batch, writes, expected } of items) {
      statements.push(...guardStatements(expected), ...writes);
      if (!batch.schemas?.length) continue;
      this.#catalog ??= await this.#loadCatalog();
      for (const update of batch.schemas) {
        // Planned in order, each on the views the one before leaves (forgotten if the call fails).
        const plan = this.#catalog.plan(update);
        statements.push(...plan.statements);
        plan.commit();
      }
    }
    if (statements.length === 0) return;
    try {
      await this.#db.batch(
        statements.map(({ sql, params }) =>
          params.length === 0 ? this.#db.prepare(sql) : this.#db.prepare(sql).bind(...params),
        ),
      );
    } catch (error) {
      this.#catalog = undefined;
      throw error;
    }
    this.#layoutReady = true;
  }

  async #loadCatalog(): Promise<ViewCatalog> {
    const all = async (sql: string) =>
      (await this.#db.prepare(sql).all<{ name: string; sql: string | null; resource: string | null }>()).results;
    try {
      return new ViewCatalog(await all(CATALOG));
    } catch (error) {
      if (!missingLayout(error)) throw failed("read", error);
      return new ViewCatalog(await all(CATALOG_BARE));
    }
  }
}
