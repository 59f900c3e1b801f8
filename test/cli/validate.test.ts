import { afterAll, describe, expect, it } from "vitest";
import { cli, lines, seedConfigModule, workDir } from "./_harness";

const work = workDir();
afterAll(() => work.cleanup());
const validate = (file: string) => cli(["validate", file], { cwd: work.dir });

describe("restsync validate", () => {
  it("a valid TypeScript config: 'config OK' with its resources, exit 0", async () => {
    work.file("seed.ts", seedConfigModule("https://api.example.com"));
    const { code, stdout } = await validate("seed.ts");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^config OK: 24 resources \(categories, categories_milestones, .*, search_epics\)$/m);
  });

  it("a broken config: every issue as 'path: message', one per line, exit 1", async () => {
    work.file(
      "broken.json",
      JSON.stringify({
        client: { base_url: "https://api.example.com", paginator: { type: "single_page" } },
        resources: [
          { name: "epics", endpoint: { path: "/v1/epics", data_selectr: "data" } },
          { name: "stories", endpoint: { path: "/v1/stories", paginator: { type: "cursr" } } },
          { name: "labels", write_disposition: "upsert" },
        ],
      }),
    );
    const { code, stdout, stderr } = await validate("broken.json");
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      'resources[0].endpoint.data_selectr: unknown key "data_selectr" (did you mean "data_selector"?)',
      expect.stringMatching(
        /^resources\[1\]\.endpoint\.paginator\.type: unknown paginator "cursr" \(expected one of .*\)$/,
      ),
      expect.stringMatching(/^resources\[2\]\.write_disposition: .+/),
    ]);
    expect(stderr).toContain("broken.json: 3 problems");
  });

  it("prints the source's warnings, and accepts a module exporting a source made with restApiSource", async () => {
    work.file(
      "source.ts",
      [
        `import { restApiSource, secrets } from "restsync";`,
        `export const source = restApiSource({`,
        `  client: { base_url: "http://api.example.com", auth: { type: "bearer", token: secrets["token"] } },`,
        `  resources: ["epics", { name: "epics_comments", endpoint: { path: "/epics/{epic_id}/comments" } }],`,
        `});`,
      ].join("\n"),
    );
    const { code, stdout } = await validate("source.ts");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^warning: client\.base_url: http:\/\/api\.example\.com uses http:\/\//m);
    expect(stdout).toContain("config OK: 2 resources (epics, epics_comments)");
  });

  it("a module whose restApiSource call throws lists the same issues; one that cannot load says why (exit 1)", async () => {
    work.file(
      "throws.mjs",
      `import { restApiSource } from "restsync";\nexport default restApiSource({ client: { base_url: "not a url" }, resources: ["a", "a"] });\n`,
    );
    const throws = await validate("throws.mjs");
    expect(throws.code).toBe(1);
    expect(throws.stdout).toMatch(/^client\.base_url: /m);

    work.file("syntax.ts", "export default { client: ");
    const syntax = await validate("syntax.ts");
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/^cannot load syntax\.ts: /);

    work.file("empty.ts", "export const other = 1;\n");
    const empty = await validate("empty.ts");
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain("empty.ts exports no config: export it as the default export or as `config`");

    work.file("bad.json", "{ nope");
    expect(await validate("bad.json")).toMatchObject({
      code: 1,
      stdout: expect.stringContaining("cannot parse bad.json: "),
    });
  });
});
