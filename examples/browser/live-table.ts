import type { Pipeline, ProgressEvent, ResourceReport, SourceResource } from "restsync";

interface Row {
  tr: HTMLTableRowElement;
  cells: Record<"status" | "written" | "pages" | "parents" | "stored" | "note", HTMLTableCellElement>;
  pages: number;
  /** A child's bar over the parents it visits in this run (from the run's progress events). */
  parents?: { total: number; done: number; bar: HTMLProgressElement; text: HTMLElement };
}

/**
 * The per-resource table, fed by `onProgress`: a row appears when a resource
 * starts (or is settled without starting) and is updated with every page.
 */
export class LiveTable {
  #rows = new Map<string, Row>();

  constructor(
    private readonly tbody: HTMLTableSectionElement,
    private readonly pipeline: Pipeline,
    private readonly resources: readonly SourceResource[],
  ) {}

  /** Empties the table for a new run. */
  reset(): void {
    this.#rows.clear();
    this.tbody.replaceChildren();
  }

  onProgress(event: ProgressEvent): void {
    const row = this.#row(event.resource);
    if (event.type === "resource_started") {
      this.#status(row, "running");
      if (event.parents !== undefined) this.#parentsBar(event.resource, row, event.parents);
    } else if (event.type === "page") {
      row.pages = event.page;
      row.cells.written.textContent = String(event.totalWritten);
      row.cells.pages.textContent = String(event.page);
      if (row.parents && event.parentsDone !== undefined) row.parents.done = event.parentsDone;
      this.#showParents(row);
    } else if (event.type === "retry") {
      row.cells.note.textContent = `retrying in ${Math.round(event.waitMs / 100) / 10} s (${event.reason})`;
    } else if (event.type === "warning") {
      row.cells.note.textContent = event.message;
    } else if (event.type === "resource_finished") {
      void this.#finished(row, event.resource, event.report);
    }
  }

  async #finished(row: Row, name: string, report: ResourceReport): Promise<void> {
    this.#status(row, report.status);
    row.pages = report.pages;
    row.cells.written.textContent = String(report.records);
    row.cells.pages.textContent = String(report.pages);
    if (report.status === "completed" && row.parents) this.#showParents(row, true);
    row.cells.note.textContent =
      report.error?.message ??
      (report.earlierInCycle ? "done earlier in this sync cycle" : (report.warnings?.join("; ") ?? ""));
    // Parents fetched only to feed their children store nothing.
    const stored = report.stored ? String(await this.pipeline.count(name)) : "—";
    row.cells.stored.textContent = stored;
    row.tr.dataset.stored = stored;
  }

  #parentsBar(name: string, row: Row, total: number): void {
    const bar = document.createElement("progress");
    bar.setAttribute("aria-label", `${name}: parents visited`);
    const text = document.createElement("span");
    const wrap = document.createElement("span");
    wrap.className = "parents";
    wrap.append(bar, text);
    row.cells.parents.replaceChildren(wrap);
    row.parents = { total, done: 0, bar, text };
    this.#showParents(row);
  }

  #showParents(row: Row, complete = false): void {
    if (!row.parents) return;
    const { bar, text, total } = row.parents;
    const done = complete ? total : Math.min(row.parents.done, total);
    bar.max = Math.max(total, 1);
    bar.value = done;
    text.textContent = `${done} / ${total}`;
  }

  #status(row: Row, status: string): void {
    row.tr.dataset.status = status;
    row.cells.status.firstElementChild!.textContent = status;
  }

  /** The resource's row, created in run order on first use. */
  #row(name: string): Row {
    const existing = this.#rows.get(name);
    if (existing) return existing;
    const tr = document.createElement("tr");
    tr.dataset.resource = name;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    const cell = (column: string, className = "") => {
      const td = Object.assign(document.createElement("td"), { className });
      td.dataset.column = column;
      return td;
    };
    const cells = {
      status: cell("status"),
      written: cell("written", "n"),
      pages: cell("pages", "n"),
      parents: cell("parents"),
      stored: cell("stored", "n"),
      note: cell("note", "note"),
    };
    cells.status.append(Object.assign(document.createElement("span"), { className: "pill" }));
    cells.written.textContent = cells.pages.textContent = "0";
    tr.append(th, ...Object.values(cells));
    const row: Row = { tr, cells, pages: 0 };
    this.#rows.set(name, row);
    // Keep rows in the source's run order (parents before children), whatever order they appear in.
    const order = (resource: string | undefined) => this.resources.findIndex((r) => r.name === resource);
    const next = [...this.tbody.rows].find((other) => order(other.dataset.resource) > order(name));
    this.tbody.insertBefore(tr, next ?? null);
    return row;
  }
}
