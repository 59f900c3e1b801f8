import { checkStoreFormat, createPipeline, type StoreAdapter } from "restsync";
import { parseCommandArgs, positionals } from "./_args";
import { knownPipelines, readMeta } from "./_cli-state";
import { plural, shortValue, table } from "./_format";
import { HELP } from "./_help";
import { type CliIo, EXIT, UsageError, writeLine } from "./_io";
import { loadSource } from "./_load-config";
import { type CliStore, storesToRead } from "./_store";

/** `restsync inspect [config]`: what the store holds for each pipeline, resource by resource. */
export async function inspectCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommandArgs("inspect", args, {
    store: { type: "string" },
    name: { type: "string" },
  });
  if (values.help) {
    writeLine(io.stdout, HELP.inspect);
    return EXIT.ok;
  }
  const [file] = positionals("inspect", given, ["config"], true);
  const loaded = file ? await loadSource(file, io) : undefined;
  const sections: string[] = [];
  for (const opened of storesToRead(io, "inspect", values.store, values.name ?? loaded?.baseName))
    sections.push(await inspectStore(opened, values.name, loaded));
  writeLine(io.stdout, sections.join("\n\n"));
  return EXIT.ok;
}

/** The sections of one store: each pipeline the CLI has run into it (or the one named). */
async function inspectStore(
  { store, shown: shownStore }: CliStore,
  named: string | undefined,
  loaded: Awaited<ReturnType<typeof loadSource>> | undefined,
): Promise<string> {
  try {
    // A store a newer restsync wrote is refused before it is read (and misread).
    await checkStoreFormat(store);
    const names = named ? [named] : loaded ? [loaded.baseName] : await knownPipelines(store);
    if (names.length === 0)
      throw new UsageError(
        `no pipeline recorded in ${shownStore}: pass its config (restsync inspect <config>) or --name`,
        "inspect",
      );
    const sections: string[] = [];
    for (const name of names) {
      const resources = loaded
        ? loaded.source.resources.filter((r) => r.selected).map((r) => r.name)
        : (await readMeta(store, name))?.resources;
      if (!resources)
        throw new UsageError(
          `nothing recorded about pipeline "${name}" in ${shownStore}: pass its config (restsync inspect <config>)`,
          "inspect",
        );
      sections.push(await describePipeline(store, name, resources, shownStore));
    }
    return sections.join("\n\n");
  } finally {
    await store.close?.();
  }
}

const when = (iso: string | undefined) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");

async function describePipeline(
  store: StoreAdapter,
  name: string,
  resources: string[],
  shownStore: string,
): Promise<string> {
  const pipeline = createPipeline({ name, store });
  const meta = await readMeta(store, name);
  const cycle = await pipeline.cycle();
  const lines = [`pipeline "${name}" in ${shownStore}${meta ? ` (config ${meta.config})` : ""}`];
  const last = meta?.last_run;
  if (last) {
    const stopped = last.stopped ? `, stopped: ${last.stopped}` : "";
    lines.push(
      `last run: ${last.status} at ${when(last.finished_at)}, ${plural(last.records, "record")} written, ${plural(last.requests, "request")}${stopped}`,
    );
  }
  const done = cycle
    ? resources.filter((r) => cycle.completed.includes(r) || cycle.failed?.[r] !== undefined).length
    : 0;
  lines.push(
    cycle
      ? `sync cycle in progress since ${when(cycle.started_at)}: ${done} of ${resources.length} resources done; a run with --max-requests resumes it`
      : "sync cycle: none in progress",
  );

  const rows: Array<Array<string | number>> = [];
  for (const resource of resources) {
    const state = await pipeline.state(resource);
    const cursors = [
      ...(state?.cursor ? [shortValue(state.cursor.last_value)] : []),
      ...(state?.parent_cursors && Object.keys(state.parent_cursors).length > 0
        ? [plural(Object.keys(state.parent_cursors).length, "per-parent cursor")]
        : []),
    ];
    const outcome = meta?.outcomes[resource] ?? state?.last_run;
    const row: Array<string | number> = [
      resource,
      await pipeline.count(resource),
      cursors.join("; ") || "—",
      outcome?.status ?? "never run",
      when(outcome?.finished_at),
    ];
    if (cycle)
      row.push(
        cycle.completed.includes(resource) ? "done" : state?.progress?.cycle === cycle.id ? "part-way" : "to do",
      );
    rows.push(row);
  }
  const headers = ["resource", "records", "cursor", "last run", "finished", ...(cycle ? ["this cycle"] : [])];
  return [...lines, "", table(headers, rows)].join("\n");
}
