import { createPipeline, restApiSource, type ProgressEvent, type RunReport } from "restsync";
import { idbAdapter } from "restsync/adapters/idb";
import { withBaseUrl } from "../seed/config";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
$<HTMLInputElement>("api").value = params.get("api") ?? localStorage.getItem("restsync:api") ?? "http://127.0.0.1:8787";
$<HTMLInputElement>("key").value = params.get("key") ?? "";

let pages = 0;
let written = 0;

function onProgress(event: ProgressEvent): void {
  if (event.type === "page") {
    pages++;
    written += event.written;
    $("progress").textContent = `${pages} pages · ${written} records written · ${event.resource}`;
    $("progress").dataset.pages = String(pages);
  } else if (event.type === "retry") {
    $("progress").textContent = `retrying ${event.resource} in ${event.waitMs} ms (${event.reason})`;
  }
}

async function showTable(pipeline: ReturnType<typeof createPipeline>, report: RunReport): Promise<void> {
  const rows = await Promise.all(
    Object.entries(report.resources).map(async ([name, r]) => {
      const stored = await pipeline.count(name);
      return `<tr data-resource="${name}"><td>${name}</td><td>${r.status}</td><td class="n">${r.records}</td><td class="n" data-count>${stored}</td></tr>`;
    }),
  );
  $("resources").querySelector("tbody")!.innerHTML = rows.join("");
}

$<HTMLFormElement>("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const api = $<HTMLInputElement>("api").value;
  localStorage.setItem("restsync:api", api);
  const pipeline = createPipeline({ name: "seed", store: idbAdapter({ dbName: "restsync-example" }), secrets: { api_key: $<HTMLInputElement>("key").value } });
  pages = 0;
  written = 0;
  $("status").dataset.status = "running";
  $("status").textContent = "Syncing…";
  try {
    const report = await pipeline.run(restApiSource(withBaseUrl(api)), { onProgress });
    await showTable(pipeline, report);
    $("status").textContent = `${report.status}: ${report.totals.records} records written, ${report.totals.requests} requests in ${report.durationMs} ms`;
    $("status").dataset.status = report.status;
  } catch (error) {
    $("status").textContent = String((error as Error).message);
    $("status").dataset.status = "error";
  }
});
