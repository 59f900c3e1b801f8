import { assertExpected, StorageError, type StoreBatch } from "restsync";
import type { SqlStatement } from "../_sql/layout";
import type { D1DatabaseLike } from "./_binding";
import { CATALOG, CATALOG_BARE, missingLayout, ViewCatalog } from "./_catalog";
import { failed, readOr } from "./_reads";
import { CONFLICT, D1_LAYOUT, d1WriteStatements, guardStatements, STATE_TEXTS, stateText } from "./_statements";

type Expected = ReadonlyArray<{ key: string; text: string | null }>;

const isConflict = (error: unknown) => String((error as Error)?.message ?? error).includes(CONFLICT);

/**
 * Writes batches to D1, each as one `db.batch` call, one after another in the order
 * they were made: a resource's pages are written concurrently (children of several
 * parents), and the later schema and state must land last.
 */
export class D1Writer {
  readonly #db: D1DatabaseLike;
  #layoutReady = false;
  #catalog: ViewCatalog | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(db: D1DatabaseLike) {
    this.#db = db;
  }

  write(batch: StoreBatch): Promise<void> {
    const done = this.#queue.then(() => this.#write(batch));
    this.#queue = done.catch(() => undefined);
    return done;
  }

  async #write(batch: StoreBatch): Promise<void> {
    const expect = batch.expect ?? [];
    try {
      await this.#send(
        batch,
        expect.map(({ key, value }) => ({ key, text: stateText(value) })),
      );
    } catch (error) {
      if (error instanceof StorageError) throw error;
      // The views may have changed under us: read them again next time.
      this.#catalog = undefined;
      if (!isConflict(error)) throw failed("write", error);
      // The guard compares JSON text, the contract JSON values (keys in any order). Equal values
      // written as other text: check as the contract does, then guard the text the state holds now.
      const texts = await this.#stateTexts(expect.map((e) => e.key));
      assertExpected(expect, (key) => (texts.has(key) ? JSON.parse(texts.get(key)!) : undefined), "d1");
      try {
        await this.#send(
          batch,
          expect.map(({ key }) => ({ key, text: texts.get(key) ?? null })),
        );
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

  /** One D1 call: the layout (an adapter's first write), the guards, the writes, then the views a schema change needs. */
  async #send(batch: StoreBatch, expected: Expected): Promise<void> {
    const writes = d1WriteStatements(batch);
    const plans = [];
    if (batch.schemas?.length) {
      this.#catalog ??= await this.#loadCatalog();
      for (const update of batch.schemas) plans.push(this.#catalog.plan(update));
    }
    const statements: SqlStatement[] = [
      ...(this.#layoutReady ? [] : D1_LAYOUT.map((sql) => ({ sql, params: [] }))),
      ...guardStatements(expected),
      ...writes,
      ...plans.flatMap((plan) => plan.statements),
    ];
    if (statements.length === 0) return;
    await this.#db.batch(
      statements.map(({ sql, params }) =>
        params.length === 0 ? this.#db.prepare(sql) : this.#db.prepare(sql).bind(...params),
      ),
    );
    this.#layoutReady = true;
    for (const plan of plans) plan.commit();
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

  async #stateTexts(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = await readOr(
      async () =>
        (await this.#db.prepare(STATE_TEXTS).bind(JSON.stringify(keys)).all<{ key: string; value: string }>()).results,
      [],
    );
    return new Map(rows.map((row) => [row.key, row.value]));
  }
}
