import path from "node:path";
import { createPipeline, type RunReport } from "restsync";
import { inferSchemas } from "restsync/schema";
import { commaList, pageLimitArg, parseCommandArgs, positionals, positiveInteger } from "./_args";
import { recordRun } from "./_cli-state";
import { readDltToml } from "./_dlt-toml";
import { errorText, plural, summaryTable } from "./_format";
import { HELP } from "./_help";
import { type CliIo, EXIT, UsageError, writeLine } from "./_io";
import { loadSource } from "./_load-config";
import { createProgress } from "./_progress";
import { pinSecrets, runResources, secretSource, withEnvironmentNames } from "./_secrets";
import { storeToWrite } from "./_store";

/** `restsync run <config>`: see {@link HELP.run}. */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommandArgs("run", args, {
    store: { type: "string" },
    name: { type: "string" },
    resources: { type: "string" },
    "full-refresh": { type: "boolean" },
    "max-requests": { type: "string" },
    "max-pages": { type: "string" },
    "progress-interval": { type: "string" },
    secret: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  if (values.help) {
    writeLine(io.stdout, HELP.run);
    return EXIT.ok;
  }
  const [file] = positionals("run", given, ["config"]);
  const maxRequests = positiveInteger("run", "max-requests", values["max-requests"]);
  const maxPages = pageLimitArg(values["max-pages"]);
  const progressIntervalMs = positiveInteger("run", "progress-interval", values["progress-interval"], 0);
  const requested = commaList(values.resources);
  if (requested?.length === 0) throw new UsageError("--resources needs at least one resource name", "run");
  if (values.name === "") throw new UsageError("--name cannot be empty", "run");

  const environment = secretSource(io.env, values.secret);
  const loaded = await loadSource(file!, io);
  const { source } = loaded;
  const name = values.name ?? loaded.baseName;
  const scope = runResources(source, requested);
  // Before anything is cleared or fetched: a missing secret stops the run with nothing changed.
  const layers = [environment, ...readDltToml(io.cwd, io.env)];
  const { values: secrets, origins } = pinSecrets(source, scope.all, layers, name);
  for (const warning of source.warnings) writeLine(io.stderr, `warning: ${warning}`);

  const { store, shown: shownStore } = storeToWrite(io, name, values.store);
  try {
    const pipeline = createPipeline({
      name,
      store,
      secrets,
      // The fs store too, so that `restsync schema` and the report work with --store.
      schema: inferSchemas,
      ...(progressIntervalMs !== undefined ? { progressIntervalMs } : {}),
    });
    if (values["full-refresh"]) {
      const { records } = await pipeline.reset(scope.stored);
      writeLine(
        io.stderr,
        `full refresh: forgot ${plural(records, "record")} and the cursors of ${plural(scope.stored.length, "resource")}`,
      );
    }
    const budget = maxRequests ? `, at most ${plural(maxRequests, "request")}` : "";
    writeLine(
      io.stderr,
      `pipeline "${name}": ${plural(scope.stored.length, "resource")} from ${path.relative(io.cwd, loaded.file)} into ${shownStore}${budget}`,
    );

    const progress = createProgress(io, {
      source,
      store,
      pipeline: name,
      explain: (text) => withEnvironmentNames(text, origins),
    });
    let report: RunReport;
    try {
      report = await pipeline.run(source, {
        resources: requested,
        maxRequests,
        ...(maxPages !== undefined ? { maxPages } : {}),
        signal: io.signal,
        onProgress: (event) => progress.onProgress(event),
      });
    } finally {
      progress.finish();
    }
    // What inspect shows about the run; the run itself is committed already, so a failure here only warns.
    await recordRun(store, name, loaded.file, source, report).catch((error: Error) =>
      writeLine(io.stderr, `warning: could not record the run for inspect: ${error?.message ?? error}`),
    );
    if (values.json) writeLine(io.stdout, JSON.stringify(report, null, 2));
    else
      writeLine(
        io.stdout,
        [summaryTable(report), ...outcomeNotes(report, (text) => withEnvironmentNames(text, origins))].join("\n"),
      );
    return report.status === "completed" ? EXIT.ok : report.status === "failed" ? EXIT.failed : EXIT.partial;
  } finally {
    await store.close?.();
  }
}

/** What the table leaves out: why the run stopped, what the next run will do, each resource's error. */
function outcomeNotes(report: RunReport, explain: (text: string) => string): string[] {
  const entries = Object.values(report.resources);
  const complete = entries.filter((r) => r.status === "completed").length;
  const notes: string[] = [""];
  if (report.stopped === "max_requests")
    notes.push(
      `Stopped at the --max-requests budget: ${complete} of ${entries.length} resources complete. Run again with --max-requests to resume the sync cycle.`,
    );
  else if (report.stopped === "aborted")
    notes.push(
      `Interrupted: ${complete} of ${entries.length} resources complete; what is stored stays. Run again to sync the rest (with --max-requests it resumes where this run stopped).`,
    );
  else if (report.stopped === "deadline")
    notes.push(
      `Stopped at the deadline: ${complete} of ${entries.length} resources complete. A budgeted run resumes the sync cycle.`,
    );
  else if (report.status === "completed")
    notes.push(`Sync complete: ${plural(report.totals.records, "record")} written.`);
  else if (report.credentialRejected)
    notes.push("Nothing more was sent once the API refused the credential: fix it and run again.");
  else notes.push(`Not every resource completed; the next run fetches again what they missed.`);
  const limited = Object.entries(report.resources).filter(([, r]) => r.limited);
  if (limited.length > 0)
    notes.push(`--max-pages cut ${limited.map(([name]) => name).join(", ")}: stored what those pages held.`);
  notes.push(...schemaNotes(report));
  // A refused credential is said once; the resources that did not send because of it say nothing more.
  if (report.credentialRejected) notes.push(`error: ${explain(report.credentialRejected.message)}`);
  for (const [name, r] of Object.entries(report.resources)) {
    if (r.error && r.status === "failed" && r.error.code !== "credential_rejected")
      notes.push(`error: ${name}: ${explain(errorText(name, r.error))}`);
  }
  return notes;
}

/** One line for what the run added to the schemas, and one per variant column or limit reached (those need a look). */
function schemaNotes(report: RunReport): string[] {
  const counts = { column: 0, table: 0, variant: 0, limit: 0 };
  const details: string[] = [];
  for (const [name, r] of Object.entries(report.resources)) {
    for (const change of r.schemaChanges ?? []) {
      counts[change.kind]++;
      if (change.kind === "variant") details.push(`schema: ${name}: variant column ${change.table}.${change.column}`);
      if (change.kind === "limit") details.push(`schema: ${name}: ${change.table}: ${change.detail}`);
    }
  }
  if (counts.column + counts.table + counts.variant + counts.limit === 0) return [];
  const shown = details.slice(0, 10);
  if (details.length > shown.length) shown.push(`schema: … ${details.length - shown.length} more (restsync schema)`);
  return [
    `Schema: ${plural(counts.table, "new table")}, ${plural(counts.column, "new column")}, ${plural(counts.variant, "variant column")} (restsync schema shows it).`,
    ...shown,
  ];
}
