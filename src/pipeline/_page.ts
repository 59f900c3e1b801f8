import type { JsonRecord, RecordPut } from "../store";
import { type Projection, project } from "./_contexts";
import type { Disposition, PageOps } from "./_dispositions";
import type { Sweep } from "./_sweep";
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
  /** Marks the keys stored, for delete_missing and merge_key (undefined when the resource needs neither). */
  sweep?: Sweep | undefined;
}

/** A page's writes: records stored (`puts`) and deleted by `hard_delete`, the sweep's marks, and what children need. */
export interface PageWrites extends PageOps {
  marks: RecordPut[];
  projections: Projection[];
  /** Records past the steps and the incremental filter (what `maxPages` counts a page by). */
  passed: number;
}

/**
 * One page: records → verdicts → the puts and deletes to write (records without a
 * cursor only when they differ from the stored copy), the values children need and
 * how many records passed the steps and filters, counting each verdict in the report.
 */
export async function pageWrites(records: readonly JsonRecord[], input: PageInput): Promise<PageWrites> {
  const { report, disposition, sweep } = input;
  report.received += records.length;
  const ops: Array<RecordPut & { deleted?: boolean }> = [];
  const noCursor: RecordPut[] = [];
  /** Listed but not written (dropped as invalid): still marked, so delete_missing keeps their stored copy. */
  const listed: RecordPut[] = [];
  const projections: Projection[] = [];
  const merge = input.verdicts.resource.writeDisposition === "merge";
  const verdicts: Verdict[] = [];
  for (const raw of records) {
    verdicts.length = 0;
    for (const verdict of judgeRecord(raw, input.verdicts, verdicts)) {
      count(report, verdict);
      if (verdict.kind === "put") {
        const put = disposition.put(verdict.output, input.verdicts.urlOf);
        if (disposition.hardDeleted(verdict.output)) ops.push({ ...put, deleted: true });
        else (verdict.missingCursor && merge ? noCursor : ops).push(put);
      } else if (sweep && verdict.kind === "invalid" && verdict.record) {
        const put = tryPut(disposition, verdict.record, input.verdicts.urlOf);
        if (put) listed.push(put);
      }
      // A parent's children see it as its processing steps left it; one they dropped has none.
      if (input.project && verdict.record)
        projections.push(project(verdict.record, input.project, verdict.kind === "put"));
    }
  }
  // Records past the steps and the incremental filter, whether or not they differ from the stored copy.
  const passed = ops.length + noCursor.length;
  if (!input.writable) return { puts: [], deletes: [], marks: [], projections, passed };
  // Records without a cursor that are unchanged are not written, but are part of what the page listed.
  const marks = sweep ? sweep.marks([...ops, ...noCursor, ...listed]) : [];
  // Most pages have no record without a cursor: no read, and no await, for them.
  const changed = noCursor.length === 0 ? noCursor : await disposition.changed(noCursor);
  report.unchanged += noCursor.length - changed.length;
  const settled = disposition.settle(changed.length === 0 ? ops : [...ops, ...changed]);
  const { puts, deletes } = settled instanceof Promise ? await settled : settled;
  return { puts, deletes, marks, projections, passed };
}

/** The put of a record, or undefined when it has no usable primary key. */
function tryPut(disposition: Disposition, record: JsonRecord, urlOf: () => string): RecordPut | undefined {
  try {
    return disposition.put(record, urlOf);
  } catch {
    return undefined;
  }
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
