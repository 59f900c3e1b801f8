import { finishedLine, type Paint, plural } from "./_format";
import type { CliIo } from "./_io";
import type { ProgressContext, ProgressView } from "./_progress";

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const BAR_WIDTH = 20;
const ESC = "\x1b[";

interface Track {
  name: string;
  pages: number;
  written: number;
  retries: number;
  /** Parents left to visit (children only), once known. */
  parents?: number;
  /** One page per parent: the parents count is the page total, so a bar can show it. */
  barred: boolean;
  /** What is happening now when it is not a page: a retry's wait. */
  note?: string;
}

/**
 * Progress on a terminal: a line per running resource, redrawn in place (cursor
 * up, clear to the end of the screen, draw again) every 100 ms and on every
 * finish; a finished resource's line becomes a permanent line above them.
 * Only ANSI escapes: CUU, ED, SGR and the cursor's visibility.
 */
export function liveProgress(io: CliIo, context: ProgressContext, c: Paint): ProgressView {
  const out = io.stderr;
  const columns = Math.max(30, io.columns ?? 80);
  const rows = Math.max(4, io.rows ?? 24);
  const resources = new Map(context.source.resources.map((r) => [r.name, r]));
  const running = new Map<string, Track>();
  const finished: string[] = [];
  let drawn = 0;
  let frame = 0;
  let lastDraw = 0;

  const line = (t: Track): string => {
    const parts: string[] = [];
    if (t.parents !== undefined && t.barred) {
      const done = Math.min(t.pages, t.parents);
      const filled = t.parents === 0 ? BAR_WIDTH : Math.round((done / t.parents) * BAR_WIDTH);
      parts.push(`${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${done}/${plural(t.parents, "parent")}`);
    } else if (t.parents !== undefined) {
      parts.push(`${plural(t.parents, "parent")}, ${plural(t.pages, "page")}`);
    }
    parts.push(`${t.written} written`, plural(t.pages + t.retries, "request"));
    if (t.retries > 0) parts.push(`${t.retries} ${t.retries === 1 ? "retry" : "retries"}`);
    if (t.note) parts.push(t.note);
    const text = `${t.name}  ${parts.join(" · ")}`;
    // Never wider than the terminal: a wrapped line would throw off the count of lines to redraw.
    const fitted = text.length > columns - 3 ? `${text.slice(0, columns - 4)}…` : text;
    return `${c.yellow(SPINNER[frame % SPINNER.length]!)} ${fitted}`;
  };

  const draw = () => {
    lastDraw = Date.now();
    frame++;
    let text = drawn > 0 ? `${ESC}${drawn}A\r${ESC}0J` : `\r${ESC}0J`;
    for (const done of finished.splice(0)) text += `${done}\n`;
    const tracks = [...running.values()];
    const shown = tracks.length > rows - 1 ? tracks.slice(0, rows - 2) : tracks;
    const lines = shown.map(line);
    if (shown.length < tracks.length) lines.push(c.dim(`  … ${tracks.length - shown.length} more running`));
    for (const l of lines) text += `${l}\n`;
    drawn = lines.length;
    out.write(text);
  };
  const drawSoon = () => {
    if (Date.now() - lastDraw >= 50) draw();
  };

  out.write(`${ESC}?25l`);
  const timer = setInterval(draw, 100);
  timer.unref?.();

  return {
    onProgress(event) {
      if (event.type === "resource_started") {
        const resource = resources.get(event.resource);
        const track: Track = {
          name: event.resource,
          pages: 0,
          written: 0,
          retries: 0,
          barred: resource?.paginator.type === "single_page",
        };
        if (event.parents !== undefined) track.parents = event.parents;
        running.set(event.resource, track);
        drawSoon();
      } else if (event.type === "page" || event.type === "retry") {
        const track = running.get(event.resource);
        if (!track) return;
        if (event.type === "page") {
          track.pages++;
          track.written = event.totalWritten;
          track.note = undefined;
        } else {
          track.retries++;
          track.note = `retry ${event.attempt} in ${(event.waitMs / 1000).toFixed(1)} s (${event.reason})`;
        }
        drawSoon();
      } else if (event.type === "resource_finished") {
        running.delete(event.resource);
        const line = finishedLine(event.resource, event.report, c);
        if (line) finished.push(line);
        draw();
      }
    },
    notice(text) {
      finished.push(text);
      draw();
    },
    finish() {
      clearInterval(timer);
      running.clear();
      draw();
      out.write(`${ESC}?25h`);
    },
  };
}
