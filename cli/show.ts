import { checkStoreFormat, createPipeline, type JsonRecord, type StoreAdapter } from "restsync";
import { parseCommandArgs, positionals, positiveInteger } from "./_args";
import { onlyPipeline, readMeta } from "./_cli-state";
import { plural } from "./_format";
import { HELP } from "./_help";
import { type CliIo, EXIT, UsageError, writeLine } from "./_io";
import { recordsTable } from "./_records-table";
import { storesToRead } from "./_store";
import { matches, parseWhere } from "./_where";

/** Rows the table shows unless --limit says otherwise. */
const TABLE_ROWS = 20;

/** `restsync show <resource>`: see {@link HELP.show}. */
export async function showCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommandArgs("show", args, {
    store: { type: "string" },
    name: { type: "string" },
    limit: { type: "string" },
    where: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  if (values.help) {
    writeLine(io.stdout, HELP.show);
    return EXIT.ok;
  }
  const [resource] = positionals("show", given, ["resource"]);
  const limit = positiveInteger("show", "limit", values.limit) ?? (values.json ? Infinity : TABLE_ROWS);
  const where = parseWhere("show", values.where);
  const stores = storesToRead(io, "show", values.store, values.name);
  if (stores.length > 1)
    throw new UsageError(
      `several pipelines in ${stores.map((s) => s.shown).join(", ")}: pass --name <pipeline>`,
      "show",
    );
  const { store, shown: shownStore } = stores[0]!;
  try {
    // A store a newer restsync wrote is refused before it is read (and misread).
    await checkStoreFormat(store);
    const name = values.name ?? (await onlyPipeline(store, shownStore, "show"));
    const pipeline = createPipeline({ name, store });
    await checkResource(store, name, resource!, (await pipeline.state(resource!)) !== undefined);

    const shown: JsonRecord[] = [];
    let matching = 0;
    for await (const record of pipeline.records(resource!)) {
      if (!matches(record, where)) continue;
      matching++;
      if (matching <= limit) {
        if (values.json) writeLine(io.stdout, JSON.stringify(record));
        else shown.push(record);
      }
      // A filtered table says how many match, so it reads on; otherwise stop at the limit.
      if (matching >= limit && (values.json || where.length === 0)) break;
    }
    if (values.json) return EXIT.ok;

    const total = where.length === 0 ? await pipeline.count(resource!) : matching;
    const { text, hiddenFields } = recordsTable(shown, io.columns ?? 120);
    const filter = where.length > 0 ? ` where ${where.map((w) => w.text).join(" and ")}` : "";
    const notes = [`${shown.length} of ${plural(total, "record")}${filter} in pipeline "${name}"`];
    if (hiddenFields > 0) notes.push(`${plural(hiddenFields, "more field")} not shown; --json prints whole records`);
    writeLine(io.stdout, [...(shown.length > 0 ? [text, ""] : []), notes.join("; ")].join("\n"));
    return EXIT.ok;
  } finally {
    await store.close?.();
  }
}

/** An unknown resource is a usage error: one the CLI's record of the pipeline does not list, or one never stored. */
async function checkResource(store: StoreAdapter, pipeline: string, resource: string, stored: boolean): Promise<void> {
  const known = (await readMeta(store, pipeline))?.resources;
  if (known ? known.includes(resource) : stored) return;
  const list = known ? `: its resources are ${known.join(", ")}` : "";
  throw new UsageError(`pipeline "${pipeline}" has no stored resource "${resource}"${list}`, "show");
}
