import type { SourceResource } from "../config/source";
import { ResponseError } from "../errors";
import type { JsonRecord } from "../store";
import { MAX_RECORD_DEPTH, nestedDeeperThan } from "./_depth";
import type { IncrementalFilter } from "./_incremental";
import { identityKey } from "./_record-keys";
import type { SchemaCheck } from "./_schema-check";
import { applySteps } from "./_steps";

/** What becomes of one record the API returned (or one of those its processing steps made of it). */
export type Verdict =
  /** Store `output` (`missingCursor`: it has no cursor value, so under merge only if it differs from the stored copy). */
  | { kind: "put"; record: JsonRecord; output: JsonRecord; identity: string; missingCursor: boolean }
  /** Leave it out: not newer than the cursor. Still a parent of its children. */
  | { kind: "unchanged"; record: JsonRecord; identity: string; missingCursor: boolean }
  /** Dropped by a processing step: neither stored nor a parent. */
  | { kind: "filtered"; record: undefined; missingCursor: false }
  /** Dropped as invalid (`on_invalid_record: "drop"`), with why; `record` is unset when it is not even fit to feed children. */
  | { kind: "invalid"; record: JsonRecord | undefined; issue: string; missingCursor: boolean };

/** What judging a record needs besides the record. */
export interface VerdictContext {
  resource: SourceResource;
  /** The context's incremental filter; it also notes the cursor values it sees. */
  filter: IncrementalFilter | undefined;
  schema: SchemaCheck | undefined;
  /** Parent fields copied into each record (`include_from_parent`). */
  include: Record<string, unknown>;
  /** The page's URL without secrets, for errors. */
  urlOf: () => string;
}

const FILTERED: Verdict = { kind: "filtered", record: undefined, missingCursor: false };

/**
 * Decides what becomes of one record: depth guard, parent fields, processing
 * steps, then for each record the steps give (as in dlt, steps run first: a map
 * may build the cursor or the primary key) the incremental filter and the schema.
 * The verdicts go to `out`. Throws for what fails the resource (a record too deep
 * or off-schema under `on_invalid_record: "fail"`, a missing primary key, a
 * missing cursor under `on_cursor_value_missing: "raise"`).
 */
export function judgeRecord(raw: JsonRecord, context: VerdictContext, out: Verdict[] = []): Verdict[] {
  const { resource, urlOf } = context;
  if (nestedDeeperThan(raw, MAX_RECORD_DEPTH)) {
    const why = `nested deeper than ${MAX_RECORD_DEPTH} levels`;
    if (resource.onInvalidRecord === "fail") {
      throw new ResponseError(
        "record_invalid",
        `${resource.name}: a record from ${urlOf()} is ${why}, more than restsync stores (drop such records with on_invalid_record: "drop")`,
        { url: urlOf(), resource: resource.name },
      );
    }
    out.push({ kind: "invalid", record: undefined, issue: `(record): ${why}`, missingCursor: false });
    return out;
  }
  const record = resource.includeFromParent.length > 0 ? { ...raw, ...context.include } : raw;
  // Most resources have no steps: no array for them.
  if (resource.processingSteps.length === 0) out.push(judgeProcessed(record, context));
  else {
    const records = applySteps(record, resource, urlOf);
    if (records.length === 0) out.push(FILTERED);
    for (const processed of records) out.push(judgeProcessed(processed, context));
  }
  return out;
}

/** A record after the processing steps: its identity, the incremental filter, the schema. */
function judgeProcessed(record: JsonRecord, context: VerdictContext): Verdict {
  const { resource, filter, urlOf } = context;
  const identity = identityKey(resource, record, urlOf);
  const seen = filter ? filter.judge(record, identity) : "new";
  const missingCursor = seen === "missing";
  if (missingCursor && resource.incremental!.on_cursor_value_missing === "raise") {
    throw new ResponseError(
      "record_invalid",
      `${resource.name}: record ${identity} from ${urlOf()} has no cursor value at "${resource.incremental!.cursor_path}"`,
      { url: urlOf(), resource: resource.name },
    );
  }
  if (seen === "seen" || (missingCursor && resource.incremental!.on_cursor_value_missing === "exclude"))
    return { kind: "unchanged", record, identity, missingCursor };
  let output = record;
  if (context.schema) {
    const checked = context.schema.check(output, identity, urlOf);
    if ("issue" in checked) return { kind: "invalid", record, issue: checked.issue, missingCursor };
    output = checked.output;
  }
  return { kind: "put", record, output, identity, missingCursor };
}
