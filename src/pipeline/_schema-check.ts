import * as v from "valibot";
import { formatPath } from "../config/_issues";
import type { SourceResource } from "../config/source";
import { ResponseError } from "../errors";
import type { JsonRecord } from "../store";

/**
 * Checks records against a resource's valibot `schema`. The schema's output is
 * what gets stored, so a `v.object` silently drops every field it does not name:
 * the first record that loses fields the API sent raises one warning per run.
 */
export class SchemaCheck {
  readonly #resource: SourceResource;
  readonly #warn: (message: string) => void;
  #warned = false;

  constructor(resource: SourceResource, warn: (message: string) => void) {
    this.#resource = resource;
    this.#warn = warn;
  }

  /** The record's parsed output, or why it failed when `on_invalid_record` is "drop" (with "fail" it throws). */
  check(record: JsonRecord, key: string, urlOf: () => string): { output: JsonRecord } | { issue: string } {
    const resource = this.#resource;
    const result = v.safeParse(resource.schema!, record);
    if (result.success) {
      const output = result.output as JsonRecord;
      if (!this.#warned) this.#noteDropped(record, output);
      return { output };
    }
    const issue = result.issues[0];
    const where = `${formatPath((issue.path ?? []).map((item) => item.key as string | number)) || "(record)"}: ${issue.message}`;
    if (resource.onInvalidRecord === "fail") {
      throw new ResponseError(
        "record_invalid",
        `${resource.name}: record ${key} from ${urlOf()} does not match its schema at ${where}`,
        { url: urlOf(), resource: resource.name },
      );
    }
    return { issue: where };
  }

  #noteDropped(input: JsonRecord, output: JsonRecord): void {
    const dropped = droppedFields(input, output, "", 4);
    if (dropped.length === 0) return;
    this.#warned = true;
    const shown = dropped.length > 8 ? `${dropped.slice(0, 8).join(", ")}, …` : dropped.join(", ");
    this.#warn(
      `${this.#resource.name}: the schema drops fields the API sent (${shown}); what the schema outputs is what is stored — use v.looseObject (or name the fields) to keep them`,
    );
  }
}

/** Paths of plain-object fields of `input` that `output` lacks, a few levels down. */
function droppedFields(input: unknown, output: unknown, prefix: string, levels: number): string[] {
  if (!isObject(input) || !isObject(output) || levels === 0) return [];
  const out: string[] = [];
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(output, key)) out.push(prefix + key);
    else out.push(...droppedFields(input[key], output[key], `${prefix}${key}.`, levels - 1));
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
