import { isConfigError } from "restsync";
import { parseCommandArgs, positionals } from "./_args";
import { plural } from "./_format";
import { HELP } from "./_help";
import { type CliIo, EXIT, writeLine } from "./_io";
import { ConfigLoadError, loadSource } from "./_load-config";

/** `restsync validate <config>`: every issue as `path: message` (exit 1), or "config OK" (exit 0). */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommandArgs("validate", args, {});
  if (values.help) {
    writeLine(io.stdout, HELP.validate);
    return EXIT.ok;
  }
  const [file] = positionals("validate", given, ["config"]);
  let loaded: Awaited<ReturnType<typeof loadSource>>;
  try {
    loaded = await loadSource(file!, io);
  } catch (error) {
    if (isConfigError(error)) {
      for (const issue of error.issues)
        writeLine(io.stdout, issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      writeLine(io.stderr, `${file}: ${plural(error.issues.length, "problem")}`);
      return EXIT.failed;
    }
    if (error instanceof ConfigLoadError) {
      writeLine(io.stdout, error.message);
      return EXIT.failed;
    }
    throw error;
  }
  const { source } = loaded;
  for (const warning of source.warnings) writeLine(io.stdout, `warning: ${warning}`);
  const names = source.resources.map((r) => (r.selected ? r.name : `${r.name} (not stored)`));
  writeLine(io.stdout, `config OK: ${plural(names.length, "resource")} (${names.join(", ")})`);
  return EXIT.ok;
}
