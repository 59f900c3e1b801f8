/** Where the CLI reads and writes: the process's streams in the bin, captured strings in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  /** Progress, warnings and errors go here; results (tables, listings) go to stdout. */
  stderr: { write(chunk: string): unknown };
  /** Environment: secrets are read from it (`API_KEY` for `secrets["api_key"]`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths (config, `--store`) are resolved against. */
  cwd: string;
  /** Whether stderr is a terminal: live progress and colour when true, plain lines when false. */
  isTTY: boolean;
  /** Terminal size for the live progress. @default 80 columns, 24 rows */
  columns?: number;
  rows?: number;
  /** Stops a run cleanly (Ctrl-C in the bin): what is stored stays, and the next run resumes. */
  signal?: AbortSignal;
  /**
   * Where a loaded config's imports of `restsync` (and its subpaths) go, as file paths.
   * @default the restsync that runs the CLI, so that a config needs no local install
   */
  moduleAliases?: Readonly<Record<string, string>>;
}

/** Exit codes, as documented by `restsync --help`. */
export const EXIT = {
  /** The run completed; the config is valid; the command did what it was asked. */
  ok: 0,
  /** The run failed (no resource completed); `validate` found problems. */
  failed: 1,
  /** The run is partial: some resources failed, or it stopped early (--max-requests, Ctrl-C) and the next run resumes. */
  partial: 2,
  /** Nothing ran: bad usage, or a config that cannot be loaded, is invalid, or lacks a secret. */
  usage: 3,
} as const;

/** Bad command-line usage: printed with a pointer to `--help`, exit code 3. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export const writeLine = (stream: CliIo["stdout"], text = "") => void stream.write(`${text}\n`);
