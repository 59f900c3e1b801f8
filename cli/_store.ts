import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { StoreAdapter } from "restsync";
import { fsAdapter } from "restsync/adapters/fs";
import { sqliteAdapter } from "restsync/adapters/sqlite";
import { type CliIo, UsageError } from "./_io";

/** Where the CLI keeps pipelines by default: one SQLite file per pipeline. */
export const STORE_DIR = ".restsync";

/** A store a command opened, and how to name it to the user. */
export interface CliStore {
  store: StoreAdapter;
  /** The path shown in messages, relative to the working directory. */
  shown: string;
  /** The SQLite file (absent for an fs store). */
  file?: string;
}

/** `.restsync/<pipeline>.sqlite`: the pipeline's name as a file name (characters a path cannot hold escaped). */
export function sqliteFile(io: CliIo, pipeline: string): string {
  return path.resolve(io.cwd, STORE_DIR, `${encodeURIComponent(pipeline)}.sqlite`);
}

const shownPath = (io: CliIo, full: string) => path.relative(io.cwd, full) || ".";

/** The store `run` writes: the fs store in `--store <dir>`, else the pipeline's SQLite file (created). */
export function storeToWrite(io: CliIo, pipeline: string, dir: string | undefined): CliStore {
  if (dir !== undefined) {
    const full = path.resolve(io.cwd, dir);
    return { store: fsAdapter(full), shown: shownPath(io, full) };
  }
  const file = sqliteFile(io, pipeline);
  return { store: sqliteAdapter(file), shown: shownPath(io, file), file };
}

/**
 * The stores a reading command opens: the fs store in `--store <dir>`; else the SQLite
 * file of `pipeline` when named, else every SQLite file in `.restsync`. Never creates one:
 * a missing store is a usage error that says how to make it (and, where an fs store of an
 * earlier restsync sits in `.restsync`, how to keep reading it).
 */
export function storesToRead(io: CliIo, command: string, dir: string | undefined, pipeline?: string): CliStore[] {
  if (dir !== undefined) {
    const full = path.resolve(io.cwd, dir);
    // Checked first: opening a store may create its directory.
    if (!existsSync(full))
      throw new UsageError(`no store at ${shownPath(io, full)} (run "restsync run --store <dir>" first)`, command);
    return [{ store: fsAdapter(full), shown: shownPath(io, full) }];
  }
  const folder = path.resolve(io.cwd, STORE_DIR);
  const files = pipeline
    ? [sqliteFile(io, pipeline)].filter((file) => existsSync(file))
    : existsSync(folder)
      ? readdirSync(folder)
          .filter((name) => name.endsWith(".sqlite"))
          .sort()
          .map((name) => path.join(folder, name))
      : [];
  if (files.length === 0) {
    const legacy = existsSync(path.join(folder, "root.json"))
      ? `; ${STORE_DIR} holds an fs store of an earlier restsync: read it with --store ${STORE_DIR}`
      : "";
    const which = pipeline ? `for pipeline "${pipeline}" ` : "";
    throw new UsageError(
      `no SQLite store ${which}in ${shownPath(io, folder)} (run "restsync run <config>" first${legacy})`,
      command,
    );
  }
  return files.map((file) => ({ store: sqliteAdapter(file, { readonly: true }), shown: shownPath(io, file), file }));
}
