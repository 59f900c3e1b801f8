import type { JsonRecord, RecordPut } from "../store";
import { type Projection, project } from "./_contexts";
import type { Disposition } from "./_dispositions";
import { judgeRecord, type Verdict, type VerdictContext } from "./_verdict";
import type { ResourceReport } from "./report";

/** What turning one page's records into writes needs. */
export interface PageInput {
  verdicts: VerdictContext;
  disposition: Disposition;
  /** False for a parent run only to feed children: nothing is written. */
  writable: boolean;
  /** Parent fields children need (JSONPaths), or undefined when none do. */
  project: readonly string[] | undefined;
  report: ResourceReport;
}

/**
 * One page: records → verdicts → the puts to write (records without a cursor
 * only when they differ from the stored copy), the values children need and how
 * many records passed the filters, counting each verdict in the report.
 */
export async function pageWrites(
  records: readonly JsonRecord[],
  input: PageInput,
): Promise<{ puts: RecordPut[]; projections: Projection[]; passed: number }> {
  const { report, disposition } = input;
  report.received += records.length;
  const puts: RecordPut[] = [];
  const noCursor: RecordPut[] = [];
  const projections: Projection[] = [];
  const merge = input.verdicts.resource.writeDisposition === "merge";
  const verdicts: Verdict[] = [];
  for (const raw of records) {
    verdicts.length = 0;
    for (const verdict of judgeRecord(raw, input.verdicts, verdicts)) {
      count(report, verdict);
      if (verdict.kind === "put")
        (verdict.missingCursor && merge ? noCursor : puts).push(disposition.put(verdict.output, input.verdicts.urlOf));
      // A parent's children see it as its processing steps left it; one they dropped has none.
      if (input.project && verdict.record)
        projections.push({ fields: project(verdict.record, input.project), written: verdict.kind === "put" });
    }
  }
  // Records past the steps and the incremental filter, whether or not they differ from the stored copy.
  const passed = puts.length + noCursor.length;
  if (!input.writable) return { puts: [], projections, passed };
  // Most pages have no record without a cursor: no read, and no await, for them.
  if (noCursor.length === 0) return { puts, projections, passed };
  const changed = await disposition.changed(noCursor);
  report.unchanged += noCursor.length - changed.length;
  return { puts: [...puts, ...changed], projections, passed };
}

function count(report: ResourceReport, verdict: Verdict): void {
  if (verdict.missingCursor) report.missingCursor++;
  if (verdict.kind === "unchanged") report.unchanged++;
  else if (verdict.kind === "filtered") report.filtered++;
  else if (verdict.kind === "invalid") {
    report.invalid = (report.invalid ?? 0) + 1;
    const seen = (report.invalidIssues ??= []);
    if (seen.length < 10 && !seen.includes(verdict.issue)) seen.push(verdict.issue);
  }
}
