import type { ProgressEvent, RunReport } from "restsync";

/** A fixed-width text table; numbers right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[], isHeader = false) =>
    row
      .map((cell, i) =>
        typeof rows[0]?.[i] === "number" && !isHeader ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join("  ");
  return [
    line(cells[0]!, true),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map((row) => line(row)),
  ].join("\n");
}

/** The per-resource table of a run report. */
export function reportTable(report: RunReport): string {
  const rows = Object.entries(report.resources).map(([name, r]) => [
    name,
    r.status,
    r.records,
    r.unchanged,
    r.requests,
    r.retries,
    r.durationMs,
  ]);
  const t = report.totals;
  rows.push([
    "total",
    report.status,
    t.records,
    rows.reduce((n, r) => n + (r[3] as number), 0),
    t.requests,
    t.retries,
    report.durationMs,
  ]);
  return table(["resource", "status", "written", "unchanged", "requests", "retries", "ms"], rows);
}

/** Progress for a terminal: one live line on a TTY, a line per finished resource otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (event: ProgressEvent) => void {
  let requests = 0;
  let written = 0;
  let finished = 0;
  const live = stream.isTTY === true;
  return (event) => {
    if (event.type === "page") {
      requests++;
      written += event.written;
      if (live)
        stream.write(
          `\r\x1b[2K  ${finished} resources done · ${requests} pages · ${written} records written · ${event.resource}`,
        );
    } else if (event.type === "retry") {
      const line = `  retry ${event.attempt} of ${event.resource} in ${event.waitMs} ms (${event.reason})`;
      stream.write(live ? `\r\x1b[2K${line}\n` : `${line}\n`);
    } else if (event.type === "resource_finished") {
      finished++;
      const r = event.report;
      const line = `  ${r.status === "completed" ? "✓" : "✗"} ${event.resource}: ${r.records} written, ${r.requests} requests${r.error ? ` — ${r.error.message}` : ""}`;
      stream.write(live ? `\r\x1b[2K${line}\n` : `${line}\n`);
    }
  };
}
