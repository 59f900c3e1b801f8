import { createPipeline, type ProgressEvent, type RunReport, restApiSource } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { withBaseUrl } from "../seed/config";
import { DataBrowser } from "./data-browser";
import { LiveTable } from "./live-table";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const apiInput = $<HTMLInputElement>("api");
const keyInput = $<HTMLInputElement>("key");
const syncButton = $<HTMLButtonElement>("sync");
const abortButton = $<HTMLButtonElement>("abort");
const status = $<HTMLParagraphElement>("status");

// The page is opened as ?api=<base URL>&key=<API key> by the test; a user types them once.
const params = new URLSearchParams(location.search);
apiInput.value = params.get("api") ?? localStorage.getItem("restsync:api") ?? "http://127.0.0.1:8787";
keyInput.value = params.get("key") ?? "";

// One store and pipeline name for syncing and reading: the data browser sees what every sync commits.
const store = idbAdapter({ dbName: "restsync-example" });
const reader = createPipeline({ name: "seed", store });
// Resource names and parent links do not depend on the URL.
const resources = restApiSource(withBaseUrl(apiInput.value)).resources;
const table = new LiveTable($("resources").querySelector("tbody")!, reader, resources);
const browser = new DataBrowser(
  reader,
  resources.filter((r) => r.selected).map((r) => r.name),
);
void browser.refresh();

let controller: AbortController | undefined;
abortButton.addEventListener("click", () => controller?.abort());

$<HTMLFormElement>("sync-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  localStorage.setItem("restsync:api", apiInput.value);
  const pipeline = createPipeline({ name: "seed", store, secrets: { api_key: keyInput.value } });
  controller = new AbortController();
  setRunning(true);
  table.reset();
  $("resources-empty").hidden = true;
  show("running", "Starting: waits while another tab syncs…");
  const totals = { done: 0, pages: 0, records: 0 };
  const onProgress = (event: ProgressEvent) => {
    table.onProgress(event);
    if (event.type === "page") {
      totals.pages++;
      totals.records += event.written;
    } else if (event.type === "resource_finished") {
      totals.done++;
      void browser.changed(event.resource);
    }
    show(
      "running",
      `Syncing: ${totals.done} of ${resources.length} resources done, ${totals.pages} pages, ${totals.records} records written`,
    );
  };
  try {
    // "wait": a second tab's sync starts when this one ends (Web Locks), never alongside it.
    const report = await pipeline.run(restApiSource(withBaseUrl(apiInput.value)), {
      onProgress,
      signal: controller.signal,
      ifRunning: "wait",
    });
    show(report.status, summary(report));
  } catch (error) {
    // Only a config problem or a missing key throws; HTTP and data errors are in the report.
    show("error", (error as Error).message);
  } finally {
    setRunning(false);
    await browser.refresh();
  }
});

function summary(report: RunReport): string {
  const { records, requests } = report.totals;
  const figures = `${records} records written, ${requests} requests in ${(report.durationMs / 1000).toFixed(1)} s`;
  if (report.stopped === "aborted") return `Aborted: ${figures}. What was stored stays; Sync goes on from there.`;
  const failed = Object.values(report.resources).filter((r) => r.status === "failed").length;
  return `${report.status === "completed" ? "Completed" : `${report.status}, ${failed} failed`}: ${figures}.`;
}

function show(state: string, text: string): void {
  status.dataset.status = state;
  status.textContent = text;
  // Screen readers announce the outcome once, not every page.
  status.setAttribute("aria-busy", String(state === "running"));
}

function setRunning(running: boolean): void {
  syncButton.disabled = running;
  abortButton.disabled = !running;
  if (!running) controller = undefined;
}
