/** A TypeScript code block of the README, with what its marker says about it. */
export interface Snippet {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  /** The section heading above it. */
  heading: string;
  /** Where it runs: `node` snippets run with Node, `worker` ones in workerd, `browser` ones in a page. */
  runtime: "node" | "worker" | "browser";
  /** Checked by the compiler only (a browser snippet needs a page). */
  typesOnly: boolean;
  /** Names the snippet uses without defining them (the reader's own `config`). */
  given: string[];
  code: string;
}

const MARKER = /^<!-- snippet: (node|worker|browser)((?:, [a-z ]+)*) -->$/;
const OPTIONS = /^(types only|given [a-z]+)$/;

/**
 * The README's ```ts blocks. Each must follow a marker line (an HTML comment,
 * invisible when rendered) such as `<!-- snippet: node -->` or
 * `<!-- snippet: browser, types only, given config -->`; a block without one,
 * or a marker with an unknown option, is an error naming its line.
 */
export function readmeSnippets(markdown: string): Snippet[] {
  const lines = markdown.split("\n");
  const snippets: Snippet[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,4} /.test(line)) heading = line.replace(/^#+ /, "");
    if (line.trim() !== "```ts") continue;
    const marker = MARKER.exec(lines[i - 1] ?? "");
    if (!marker)
      throw new Error(
        `README.md:${i + 1}: a \`\`\`ts block without a "<!-- snippet: node|worker|browser -->" line above it`,
      );
    const options = marker[2]!.split(", ").filter((o) => o !== "");
    const unknown = options.find((o) => !OPTIONS.test(o));
    if (unknown) throw new Error(`README.md:${i}: unknown snippet option "${unknown}"`);
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`);
    snippets.push({
      line: i + 1,
      heading,
      runtime: marker[1] as Snippet["runtime"],
      typesOnly: options.includes("types only"),
      given: options.filter((o) => o.startsWith("given ")).map((o) => o.slice("given ".length)),
      code: lines.slice(i + 1, end).join("\n"),
    });
    i = end;
  }
  return snippets;
}
