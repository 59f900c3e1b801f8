import type { ResourceReport, RunReport } from "restsync";

/** Colours for a terminal (ANSI SGR); identity functions when colour is off. */
export type Paint = Record<"green" | "red" | "yellow" | "dim" | "bold", (text: string) => string>;

export function paint(enabled: boolean): Paint {
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** Colour on a terminal unless NO_COLOR is set (https://no-color.org); FORCE_COLOR turns it on anywhere. */
export function colourEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A resource's error message, without the resource name the core puts first. */
export function errorText(name: string, error: { message: string }): string {
  return error.message.startsWith(`${name}: `) ? error.message.slice(name.length + 2) : error.message;
}

/**
 * The one line a finished resource gets, in the live view and in plain output alike;
 * none for a resource stopped before sending by a refused credential (said once for the run).
 */
export function finishedLine(name: string, r: ResourceReport, c: Paint): string | undefined {
  if (r.error?.code === "credential_rejected") return undefined;
  const figures = [
    `${r.records} written`,
    `${r.unchanged} unchanged`,
    plural(r.requests, "request"),
    ...(r.retries ? [`${r.retries} ${r.retries === 1 ? "retry" : "retries"}`] : []),
    `${r.durationMs} ms`,
  ].join(", ");
  const label = r.stored ? name : `${name} (feeds children, not stored)`;
  if (r.earlierInCycle && r.status === "completed")
    return `${c.green("✓")} ${label}: completed in an earlier run of this sync cycle`;
  if (r.earlierInCycle)
    return `${c.red("✗")} ${label}: failed in an earlier run of this sync cycle${r.error ? `: ${errorText(name, r.error)}` : ""}; the next cycle retries it`;
  switch (r.status) {
    case "completed":
      return `${c.green("✓")} ${label}: ${figures}`;
    case "incomplete":
      if (r.requests === 0)
        return `${c.yellow("…")} ${label}: not started, its parents did not finish; the next run goes on`;
      return `${c.yellow("…")} ${label}: stopped before the end (${figures}); the next budgeted run resumes it`;
    case "skipped":
      return `${c.dim("-")} ${label}: skipped${r.error ? `: ${errorText(name, r.error)}` : ""}`;
    case "aborted":
      return `${c.red("✗")} ${label}: interrupted (${figures}); what it stored stays`;
    default:
      return `${c.red("✗")} ${label}: ${r.status} (${figures})${r.error ? `: ${errorText(name, r.error)}` : ""}`;
  }
}

/** A fixed-width text table; numeric columns right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number" || row[i] === "—"),
  );
  const line = (row: string[], header = false) =>
    row
      .map((cell, i) => (numeric[i] && !header ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    line(cells[0]!, true),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map((row) => line(row)),
  ].join("\n");
}

/** The summary of a run: one row per resource and a total, with notes for what the table cannot say. */
export function summaryTable(report: RunReport): string {
  const entries = Object.entries(report.resources);
  const rows = entries.map(([name, r]) => [
    r.stored ? name : `${name} (not stored)`,
    r.earlierInCycle ? `${r.status}*` : r.status,
    r.records,
    r.unchanged,
    r.requests,
    r.retries,
    r.durationMs,
  ]);
  const unchanged = entries.reduce((n, [, r]) => n + r.unchanged, 0);
  const t = report.totals;
  rows.push(["total", report.status, t.records, unchanged, t.requests, t.retries, report.durationMs]);
  const notes: string[] = [];
  if (entries.some(([, r]) => r.earlierInCycle))
    notes.push("* in an earlier run of this sync cycle, not fetched again until the cycle ends");
  return [table(["resource", "status", "written", "unchanged", "requests", "retries", "ms"], rows), ...notes].join(
    "\n",
  );
}

/** A compact cursor value for listings. */
export function shortValue(value: unknown, max = 32): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
