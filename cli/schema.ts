import { createPipeline, type ResourceSchema } from "restsync";
import { parseCommandArgs, positionals } from "./_args";
import { onlyPipeline, readMeta } from "./_cli-state";
import { table } from "./_format";
import { HELP } from "./_help";
import { type CliIo, EXIT, UsageError, writeLine } from "./_io";
import { storesToRead } from "./_store";

/** `restsync schema [resource]`: see {@link HELP.schema}. */
export async function schemaCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommandArgs("schema", args, {
    store: { type: "string" },
    name: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) {
    writeLine(io.stdout, HELP.schema);
    return EXIT.ok;
  }
  const [resource] = positionals("schema", given, ["resource"], true);
  const stores = storesToRead(io, "schema", values.store, values.name);
  if (stores.length > 1)
    throw new UsageError(
      `several pipelines in ${stores.map((s) => s.shown).join(", ")}: pass --name <pipeline>`,
      "schema",
    );
  const { store, shown } = stores[0]!;
  try {
    const name = values.name ?? (await onlyPipeline(store, shown, "schema"));
    const pipeline = createPipeline({ name, store });
    const resources = resource ? [resource] : ((await readMeta(store, name))?.resources ?? []);
    const schemas: ResourceSchema[] = [];
    for (const r of resources) {
      const schema = await pipeline.schema(r);
      if (schema) schemas.push(schema);
      else if (resource)
        throw new UsageError(`pipeline "${name}" has no schema for "${r}" (nothing of it stored yet)`, "schema");
    }
    if (values.json) {
      writeLine(io.stdout, JSON.stringify(resource ? schemas[0] : schemas, null, 2));
      return EXIT.ok;
    }
    if (schemas.length === 0) {
      writeLine(io.stdout, `pipeline "${name}" has no inferred schema yet (run it first)`);
      return EXIT.ok;
    }
    writeLine(io.stdout, schemas.map(describe).join("\n\n"));
    return EXIT.ok;
  } finally {
    await store.close?.();
  }
}

const when = (iso: string) => iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z");

/** One resource: each table (a view in SQL stores) with its columns. */
function describe(schema: ResourceSchema): string {
  const parts: string[] = [];
  for (const t of schema.tables) {
    const where = t.parent
      ? ` — nested list ${t.path.at(-1)!.join(".")} of ${t.parent} (_dlt_parent_id → ${t.parent}._dlt_id, _dlt_list_idx)`
      : "";
    const overflow = t.overflow ? " (column limit reached: further fields have no column)" : "";
    const rows = t.columns.map((c) => [
      c.name,
      c.type + (c.variant ? " (variant)" : ""),
      c.nullable ? "yes" : "no",
      c.path.length === 0 ? "(element)" : c.path.join("."),
      when(c.since),
    ]);
    parts.push(`${t.name}${where}${overflow}\n${table(["column", "type", "nullable", "field", "since"], rows)}`);
  }
  return parts.join("\n\n");
}
