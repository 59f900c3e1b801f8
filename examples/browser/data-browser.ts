import type { JsonRecord, Pipeline } from "restsync";
import { type Match, matcher, readPage } from "./record-query";

const PAGE_SIZE = 20;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Browses what is stored: pick a resource, page through its records in
 * IndexedDB, filter by a field. Reads go through `pipeline.records` and
 * `pipeline.count`, so they see each page a sync commits.
 */
export class DataBrowser {
  readonly #select = $<HTMLSelectElement>("resource");
  readonly #summary = $<HTMLParagraphElement>("records-summary");
  readonly #table = $<HTMLTableElement>("records");
  readonly #prev = $<HTMLButtonElement>("prev");
  readonly #next = $<HTMLButtonElement>("next");
  #offset = 0;
  #filter: { match: Match | undefined; label: string } = { match: undefined, label: "" };
  /** Bumped by every load, so a slow read never overwrites a newer one. */
  #load = 0;

  constructor(
    private readonly pipeline: Pipeline,
    names: readonly string[],
  ) {
    this.#select.append(...names.map((name) => new Option(name, name)));
    this.#select.addEventListener("change", () => this.#go(0));
    const form = $<HTMLFormElement>("browse-form");
    const field = $<HTMLInputElement>("field");
    const value = $<HTMLInputElement>("value");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const [name, text] = [field.value.trim(), value.value.trim()];
      this.#filter = {
        match: matcher(name, text),
        label: name ? `where ${name} = ${text}` : `where any field contains “${text}”`,
      };
      void this.#go(0);
    });
    $("clear").addEventListener("click", () => {
      field.value = value.value = "";
      form.requestSubmit();
    });
    this.#prev.addEventListener("click", () => this.#go(this.#offset - PAGE_SIZE));
    this.#next.addEventListener("click", () => this.#go(this.#offset + PAGE_SIZE));
  }

  /** Counts every resource into the picker and shows the current page. */
  async refresh(): Promise<void> {
    await Promise.all([...this.#select.options].map((option) => this.#count(option)));
    await this.#go(this.#offset);
  }

  /** A sync committed a resource: its count changed, and so does the view when it is the one shown. */
  async changed(name: string): Promise<void> {
    const option = [...this.#select.options].find((o) => o.value === name);
    if (option) await this.#count(option);
    if (name === this.#select.value) await this.#go(this.#offset);
  }

  async #count(option: HTMLOptionElement): Promise<void> {
    option.textContent = `${option.value} (${await this.pipeline.count(option.value)})`;
  }

  async #go(offset: number): Promise<void> {
    const load = ++this.#load;
    const resource = this.#select.value;
    // Kept at once, so that a refresh while this page loads asks for the same page.
    this.#offset = Math.max(0, offset);
    this.#state("loading", "Loading…");
    this.#table.setAttribute("aria-busy", "true");
    let page: Awaited<ReturnType<typeof readPage>>;
    try {
      page = await readPage(this.pipeline, resource, this.#offset, PAGE_SIZE, this.#filter.match);
    } catch (error) {
      if (load === this.#load) this.#state("error", `Could not read ${resource}: ${(error as Error).message}`);
      return;
    }
    if (load !== this.#load) return;
    const { records, total } = page;
    // Past the end (records went away, or a narrower filter): show the last page instead.
    if (records.length === 0 && total > 0 && offset > 0)
      return this.#go(Math.floor((total - 1) / PAGE_SIZE) * PAGE_SIZE);
    this.#render(records);
    this.#table.setAttribute("aria-busy", "false");
    this.#prev.disabled = this.#offset === 0;
    this.#next.disabled = this.#offset + PAGE_SIZE >= total;
    const which = this.#filter.match ? ` ${this.#filter.label}` : "";
    if (total === 0) {
      this.#state(
        "empty",
        this.#filter.match ? `No ${resource} record${which}.` : `No ${resource} records stored yet: run a sync.`,
      );
    } else {
      this.#state(
        "ready",
        `${resource}: ${this.#offset + 1}–${this.#offset + records.length} of ${total} records${which}`,
      );
    }
    this.#summary.dataset.total = String(total);
  }

  #render(records: JsonRecord[]): void {
    const fields = [...new Set(records.flatMap((record) => Object.keys(record)))];
    const header = document.createElement("tr");
    header.append(
      ...fields.map((field) => Object.assign(document.createElement("th"), { scope: "col", textContent: field })),
    );
    this.#table.tHead!.replaceChildren(...(fields.length ? [header] : []));
    this.#table.tBodies[0]!.replaceChildren(
      ...records.map((record) => {
        const tr = document.createElement("tr");
        for (const field of fields) {
          const value = record[field];
          const text = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
          tr.append(Object.assign(document.createElement("td"), { textContent: text, title: text }));
        }
        return tr;
      }),
    );
    // Offer the fields seen as suggestions for the filter.
    const list = $<HTMLDataListElement>("fields");
    list.replaceChildren(...fields.map((field) => new Option(field)));
  }

  #state(state: "loading" | "empty" | "ready" | "error", text: string): void {
    this.#summary.dataset.state = state;
    this.#summary.textContent = text;
  }
}
