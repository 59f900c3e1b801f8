/** A stable digest of a record set: runtime-neutral (crypto.subtle), independent of order and key order. */
export async function digestRecords(records: Iterable<Record<string, unknown>>): Promise<string> {
  const lines = [...records].map(stable).sort();
  const bytes = new TextEncoder().encode(lines.join("\n"));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...hash.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function stable(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stable((value as Record<string, unknown>)[key])}`)
    .join(",")}}`;
}

/** Digest per resource of what a pipeline stored. */
export async function storeDigests(
  pipeline: { records(resource: string): AsyncIterable<Record<string, unknown>> },
  resources: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of resources) {
    const records: Record<string, unknown>[] = [];
    for await (const record of pipeline.records(name)) records.push(record);
    out[name] = `${records.length}:${await digestRecords(records)}`;
  }
  return out;
}
