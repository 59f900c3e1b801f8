import type { StoreBatch } from "restsync";
import { type SqlStatement, VIEWS } from "../_sql/layout";
import { viewDefinitions, viewStatements } from "../_sql/views";
import { D1_LIMITS } from "./_binding";

type SchemaUpdate = NonNullable<StoreBatch["schemas"]>[number];

/** An object of the database: its SQL (a view's `CREATE VIEW`) and the resource whose view restsync made it (null: not restsync's). */
interface CatalogEntry {
  sql: string | null;
  resource: string | null;
}

/** Every named object with restsync's owner of it, in one read. */
export const CATALOG = `SELECT m.name AS name, m.sql AS sql, v.resource AS resource FROM sqlite_master AS m LEFT JOIN ${VIEWS} AS v ON v.name = m.name`;
/** The same before restsync's layout exists (a fresh database). */
export const CATALOG_BARE = "SELECT name, sql, NULL AS resource FROM sqlite_master";

/**
 * What the database holds by name, read once per adapter and then kept up to date
 * by the adapter's own writes: a page that brings a schema costs no read, and a
 * schema that did not change since the views were made costs no statement. Another
 * writer changing views in between makes a batch fail; the adapter then forgets the
 * catalog and reads it again on its next write.
 */
export class ViewCatalog {
  readonly #entries: Map<string, CatalogEntry>;

  constructor(rows: ReadonlyArray<{ name: string; sql: string | null; resource: string | null }>) {
    this.#entries = new Map(rows.map((row) => [row.name, { sql: row.sql, resource: row.resource }]));
  }

  /** The statements that bring a resource's views to `update`'s schema (none when they already are), and what to remember once they ran. */
  plan(update: SchemaUpdate): { statements: SqlStatement[]; commit: () => void } {
    const wanted = viewDefinitions(update.schema, update.table, D1_LIMITS.columns);
    const owned = [...this.#entries].filter(([, entry]) => entry.resource === update.resource).map(([name]) => name);
    const unchanged =
      owned.length === wanted.length &&
      wanted.every((view) => {
        const entry = this.#entries.get(view.name);
        return entry?.resource === update.resource && entry.sql === view.sql;
      });
    if (unchanged) return { statements: [], commit: () => {} };
    const objects = new Map<string, string | null>();
    for (const view of wanted) {
      const entry = this.#entries.get(view.name);
      if (entry) objects.set(view.name, entry.resource);
    }
    const { statements, skipped } = viewStatements(update, owned, objects, D1_LIMITS.columns);
    return {
      statements,
      commit: () => {
        for (const name of owned) this.#entries.delete(name);
        for (const view of wanted)
          if (!skipped.includes(view.name)) this.#entries.set(view.name, { sql: view.sql, resource: update.resource });
      },
    };
  }
}

/** Whether a D1 error says the layout is not there yet (a database restsync never wrote). */
export function missingLayout(error: unknown): boolean {
  return /no such table: _restsync_/.test(String((error as Error)?.message ?? error));
}
