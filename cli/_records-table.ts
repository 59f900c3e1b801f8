import { table } from "./_format";

/** Widest a cell may be before it is cut with "…". */
const MAX_CELL = 30;

/** A record field as one short cell: scalars as written, a list as its length, an object as {…}. */
function cell(value: unknown): string {
  const text =
    value === undefined
      ? ""
      : Array.isArray(value)
        ? `[${value.length}]`
        : typeof value === "object" && value !== null
          ? "{…}"
          : typeof value === "string"
            ? value
            : String(value);
  const line = text.replace(/\s+/g, " ");
  return line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}…` : line;
}

/**
 * Records as a text table of their fields, in the order they first appear,
 * as many columns as fit in `width` (at least one). Returns the table and how
 * many fields it left out.
 */
export function recordsTable(
  records: ReadonlyArray<Record<string, unknown>>,
  width: number,
): { text: string; hiddenFields: number } {
  const fields: string[] = [];
  for (const record of records) for (const key of Object.keys(record)) if (!fields.includes(key)) fields.push(key);
  const cells = records.map((record) => fields.map((field) => cell(record[field])));
  const shown: number[] = [];
  let used = 0;
  for (let i = 0; i < fields.length; i++) {
    const columnWidth = Math.max(fields[i]!.length, ...cells.map((row) => row[i]!.length));
    const next = used + (shown.length > 0 ? 2 : 0) + columnWidth;
    if (shown.length > 0 && next > width) break;
    shown.push(i);
    used = next;
  }
  const rows = cells.map((row) => shown.map((i) => row[i]!));
  return {
    text: table(
      shown.map((i) => fields[i]!),
      rows,
    ),
    hiddenFields: fields.length - shown.length,
  };
}
