import type { ProgressEvent, RestApiSource, StoreAdapter } from "restsync";
import { colourEnabled, finishedLine, type Paint, paint } from "./_format";
import { type CliIo, writeLine } from "./_io";
import { liveProgress } from "./_progress-live";

/** Shows a run's progress: `onProgress` for `pipeline.run`, `finish` once it returns. */
export interface ProgressView {
  onProgress(event: ProgressEvent): void;
  /** A line about the run as a whole (an interruption). */
  notice(text: string): void;
  finish(): void;
}

export interface ProgressContext {
  source: RestApiSource;
  store: StoreAdapter;
  pipeline: string;
  /** Says a run's message in the CLI's terms (the environment variable a secret came from). */
  explain?: (text: string) => string;
}

/** Live lines on a terminal; on anything else (CI, a pipe, a file) one plain line per finished resource and per retry. */
export function createProgress(io: CliIo, context: ProgressContext): ProgressView {
  const c = paint(colourEnabled(io.isTTY, io.env));
  const view = io.isTTY ? liveProgress(io, context, c) : plainProgress(io, c);
  // Said by the view, so that a live view's lines stay where it expects them.
  const onAbort = () =>
    view.notice(c.yellow("stopping at the next request boundary; what is stored stays (Ctrl-C again to quit now)"));
  io.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    ...view,
    onProgress(event) {
      // A refused credential: one line naming the secret to check; the resources it stopped before sending say nothing.
      if (event.type === "credential_rejected")
        view.notice(`${c.red("✗")} ${(context.explain ?? String)(event.message)}`);
      view.onProgress(event);
    },
    finish() {
      io.signal?.removeEventListener("abort", onAbort);
      view.finish();
    },
  };
}

export function retryLine(event: Extract<ProgressEvent, { type: "retry" }>, c: Paint): string {
  return `${c.yellow("↻")} ${event.resource}: retry ${event.attempt} in ${event.waitMs} ms (${event.reason})`;
}

function plainProgress(io: CliIo, c: Paint): ProgressView {
  return {
    onProgress(event) {
      if (event.type === "resource_finished") {
        const line = finishedLine(event.resource, event.report, c);
        if (line) writeLine(io.stderr, line);
      } else if (event.type === "retry") writeLine(io.stderr, retryLine(event, c));
    },
    notice: (text) => writeLine(io.stderr, text),
    finish() {},
  };
}
