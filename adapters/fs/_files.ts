import { join, resolve } from "node:path";
import { StorageError } from "restsync";

/** The part of a `FileHandle` this adapter calls. */
export interface FileHandleLike {
  writeFile(data: string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The part of `node:fs/promises` this adapter calls (the module itself satisfies it). */
export interface FsLike {
  open(path: string, flags: string): Promise<FileHandleLike>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const errorCode = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

export const ignoreMissing = (error: unknown): undefined => {
  if (errorCode(error) !== "ENOENT") throw error;
  return undefined;
};

/** Reads a file, or `undefined` when it does not exist. */
export const readText = (fs: FsLike, path: string): Promise<string | undefined> =>
  fs.readFile(path, "utf8").catch(ignoreMissing);

/**
 * Replaces `dir/name` so that a crash at any moment leaves the old content or
 * the new, never a mix: write `name.tmp`, fsync it, rename it over `name`.
 * The rename is durable only once the directory is synced ({@link syncDir}).
 */
export async function writeFileDurably(fs: FsLike, dir: string, name: string, data: string): Promise<void> {
  const temp = join(dir, `${name}.tmp`);
  const handle = await fs.open(temp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, join(dir, name));
}

/**
 * Writes a file no one reads until a later commit names it (a new segment or
 * index): written in place and fsynced, no temp file or rename needed, since a
 * crash before the commit leaves a file that opening deletes as unreachable.
 */
export async function writeNewFileDurably(fs: FsLike, dir: string, name: string, data: string): Promise<void> {
  const handle = await fs.open(join(dir, name), "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Runs `task` over `items`, at most `limit` at a time; rejects with the first failure once all have settled. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) await task(items[next++]!).catch((error: unknown) => void failures.push(error));
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

/** Makes renames and unlinks in `dir` durable. Windows cannot open a directory for syncing; there it is skipped. */
export async function syncDir(fs: FsLike, dir: string): Promise<void> {
  let handle: FileHandleLike;
  try {
    handle = await fs.open(dir, "r");
  } catch (error) {
    if (["EISDIR", "EPERM", "EACCES"].includes(errorCode(error) ?? "")) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!["EINVAL", "EPERM", "EBADF"].includes(errorCode(error) ?? "")) throw error;
  } finally {
    await handle.close();
  }
}

/** Directories this process holds the lock of, resolved: a second adapter on one of them fails fast. */
const held = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
};

/**
 * Takes `dir/LOCK` (holding our pid) for one adapter. A lock left by a process
 * that no longer runs, or by this process after a crashed adapter, is taken
 * over. Best effort: two processes taking over the same stale lock at once can race.
 */
export async function acquireLock(fs: FsLike, dir: string): Promise<void> {
  const key = resolve(dir);
  if (held.has(key))
    throw new StorageError(
      `fs store ${dir} is already open in this process: close() the other fsAdapter on it first (one adapter per directory at a time)`,
      { code: "store_conflict" },
    );
  held.add(key);
  const path = join(dir, "LOCK");
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await fs.open(path, "wx");
        await handle.writeFile(String(process.pid)).finally(() => handle.close());
        return;
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
        const owner = Number((await readText(fs, path))?.trim());
        if (attempt > 0 || (owner > 0 && owner !== process.pid && alive(owner))) {
          throw new StorageError(
            `fs store ${dir} is in use by process ${owner || "unknown"}; if it no longer runs, remove ${path}`,
            { cause: error, code: "store_conflict" },
          );
        }
        await fs.unlink(path).catch(ignoreMissing);
      }
    }
  } catch (error) {
    held.delete(key);
    throw error;
  }
}

export async function releaseLock(fs: FsLike, dir: string): Promise<void> {
  try {
    await fs.unlink(join(dir, "LOCK")).catch(ignoreMissing);
  } finally {
    held.delete(resolve(dir));
  }
}
