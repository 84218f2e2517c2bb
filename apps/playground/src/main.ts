import "./style.css";
import { webgpuAvailable, type BackendKind, type BackendReport } from "./backend.js";
import { DigitsPanel } from "./digits/app.js";
import { byId } from "./plane/controls.js";
import { PlanePanel } from "./plane/app.js";

/**
 * The page: the decision-boundary panel and the digit pad, each training in its own worker, and the
 * backend switch they share. WebGPU is the default where the browser gives an adapter.
 */
function showBackend(report: BackendReport): void {
  const names: Record<BackendKind, string> = { webgpu: "WebGPU", cpu: "CPU" };
  byId<HTMLInputElement>(`backend-${report.kind}`).checked = true;
  const webgpuInput = byId<HTMLInputElement>("backend-webgpu");
  webgpuInput.disabled = !report.webgpuAvailable;
  document.body.dataset.backend = report.kind;
  byId("backend-status").textContent =
    report.fallback ?? (report.kind === "webgpu" ? `Training on ${names.webgpu}: your graphics card` : `Training on the ${names.cpu}, in a background thread`);
}

const plane = new PlanePanel(showBackend);
const digits = new DigitsPanel(() => undefined);

function choose(kind: BackendKind): void {
  byId("backend-status").textContent = `Starting ${kind === "webgpu" ? "WebGPU" : "the CPU backend"}…`;
  plane.useBackend(kind);
  digits.useBackend(kind);
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[name="backend"]')) {
  input.addEventListener("change", () => {
    if (input.checked) choose(input.value as BackendKind);
  });
}

const params = new URLSearchParams(location.search);
const asked = params.get("backend");
void webgpuAvailable().then((hasGpu) => {
  if (!hasGpu) byId<HTMLInputElement>("backend-webgpu").disabled = true;
  choose(asked === "cpu" || asked === "webgpu" ? asked : hasGpu ? "webgpu" : "cpu");
});
