const EXIT_CODES = `Exit codes:
  0  done: the run completed (every resource), the config is valid, the listing was printed
  1  the run failed (no resource completed), validate found problems in the config,
     or an unexpected error (e.g. the store is in use by another process)
  2  the run is partial: some resources failed, or it stopped early (--max-requests, Ctrl-C);
     the next run with --max-requests resumes the same sync cycle, one without starts anew
  3  nothing ran: bad usage, or a config that cannot be loaded, is invalid or lacks a secret`;

const CONFIGS = `Configs:
  A .ts, .mts, .js or .mjs module (TypeScript needs no build step) whose default export,
  or \`config\` export, is a rest_api config or a source made with restApiSource; or a
  .json file. In JSON a secret is written as the string "secrets[\\"api_key\\"]".
  A config's imports of "restsync" get the restsync that runs this command.`;

export const HELP: Record<"main" | "run" | "validate" | "inspect" | "show" | "query" | "schema", string> = {
  main: `restsync — declarative, incremental REST syncs (dlt's rest_api config)

Usage:
  restsync run <config> [options]        sync a config's resources into a local store
  restsync validate <config>             check a config and list every problem
  restsync inspect [config] [options]    show what a store holds: records, cursors, last runs
  restsync show <resource> [options]     print a resource's stored records (a table, or --json)
  restsync query "<sql>" [options]       run a read-only SQL query on a pipeline's SQLite store
  restsync schema [resource] [options]   print the schema inferred from the stored records
  restsync <command> --help              options of a command
  restsync --version

${CONFIGS}

${EXIT_CODES}`,

  run: `Usage: restsync run <config> [options]

Runs every selected resource of the config (parents before children) into a
durable store on disk, writing only what changed since the last run: by default
the SQLite file .restsync/<pipeline>.sqlite, where every resource is a view
named after it (restsync query, or any SQLite client).

Options:
  --store <dir>          use the file-system store in this directory instead of SQLite
                         (the CLI's default before SQLite: --store .restsync keeps using it)
  --name <pipeline>      pipeline name: namespaces state and records in the store
                         (default: the config file's name without its extension and
                         ".config"; restsync.config.ts or config.ts: its folder's name)
  --resources <a,b>      run only these resources (their parents are fetched to feed
                         them, not stored)
  --full-refresh         first forget the stored records, cursors and progress of the
                         resources this run covers, then fetch everything again
  --max-requests <n>     stop after n HTTP requests (retries count); the run is then
                         partial and the next run with --max-requests resumes where
                         it stopped (a run without it starts a new sync cycle)
  --max-pages <n|name=n,…>
                         read at most n pages of each list (dlt's add_limit; a page
                         the incremental filter emptied does not count): of every
                         top-level resource, or of those named (a child's: per parent);
                         those resources complete with what the pages held, and their
                         cursors move past it (so only oldest-first lists resume)
  --progress-interval <ms>
                         save where the run stands at most every ms (default 2000),
                         so a killed budgeted run fetches again at most that much
  --secret <name=VAR>    take secrets["name"] from environment variable VAR
                         (repeatable); otherwise secrets["api_key"] comes from API_KEY
                         or dlt's names (SOURCES__REST_API__API_KEY, SOURCES__API_KEY…),
                         else from .dlt/secrets.toml, then .dlt/config.toml
  --json                 print the run report as JSON instead of the summary table
  -h, --help             this help

Progress goes to stderr: live lines on a terminal, one line per finished resource
and per retry otherwise. The summary table goes to stdout. Ctrl-C stops at the next
request boundary and keeps what is stored (press it twice to quit at once).

${EXIT_CODES}`,

  validate: `Usage: restsync validate <config>

Loads and validates a config without sending any request. Prints every problem
as "path: message", one per line, and exits 1; or prints "config OK: N resources
(names…)" and exits 0. Warnings (plain-http URLs, ignored dlt hints) are printed
either way. Exit code 3 when the file cannot be found or has an unknown extension.

${CONFIGS}`,

  inspect: `Usage: restsync inspect [config] [options]

Lists each resource of a pipeline with its record count, cursor (its value, or
the number of per-parent cursors), its last run's outcome and time, and whether
a sync cycle is in progress (a run stopped by --max-requests, a failure, Ctrl-C).
Without a config it lists the pipelines the CLI has run into the store.

Options:
  --store <dir>          the file-system store in this directory (default: the SQLite
                         files in .restsync)
  --name <pipeline>      only this pipeline (default: the config file's name, or all)
  -h, --help             this help`,

  show: `Usage: restsync show <resource> [options]

Prints the records a pipeline stored for a resource, in key order: a table of
their fields (as many as fit the terminal; lists show as [n], objects as {…})
and how many there are, or with --json every record whole, one per line
(JSON Lines), for jq and scripts.

Options:
  --store <dir>          the file-system store in this directory (default: the SQLite
                         files in .restsync)
  --name <pipeline>      the pipeline (default: the only one in .restsync, or the only
                         one the CLI has run into --store)
  --limit <n>            at most n records (default: 20 in the table; with --json all)
  --where <field=value>  only records whose field equals value, compared as text
                         (id=42, state=done, archived=false, deadline=null); a dotted
                         path reaches into objects and lists (owner.id=7, label_ids.0=3).
                         Repeatable: every condition must hold. Reads every record.
  --json                 one record per line, as stored
  -h, --help             this help

Exit code 0 when the records were printed (none matching included), 3 for an
unknown store, pipeline or resource.`,

  query: `Usage: restsync query "<sql>" [options]

Runs one read-only SQL statement on a pipeline's SQLite store (.restsync/<pipeline>.sqlite)
and prints the rows as a table, or with --json one JSON object per row. Every resource
is a view named after it, with one column per inferred field (restsync schema lists
them); nested lists are views <resource>__<field> linked by _dlt_parent_id to their
parent's _dlt_id.

  restsync query "select count(*) from epics"
  restsync query "select id, name from epics order by updated_at desc limit 5"

Options:
  --name <pipeline>      the pipeline (default: the only SQLite store in .restsync)
  --file <path>          any SQLite file instead
  --json                 one JSON object per row (integers past 2^53 as strings)
  -h, --help             this help

Exit code 0 when the rows were printed, 3 for a statement that fails or writes.`,

  schema: `Usage: restsync schema [resource] [options]

Prints the schema restsync inferred from a pipeline's stored records: per resource its
tables (the resource's own and one per nested list), and per table each column with
its type (bigint, double, bool, text, timestamp, json), whether it is nullable, the
field it comes from and when it first appeared. A value of another type than a
field's column gets a variant column <field>__v_<type>.

Options:
  --store <dir>          the file-system store in this directory (default: the SQLite
                         files in .restsync)
  --name <pipeline>      the pipeline (default: the only one)
  --json                 the schema as JSON
  -h, --help             this help`,
};
