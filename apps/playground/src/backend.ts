import { cpu } from "@neurite/backend-cpu";
import { webgpu } from "@neurite/backend-webgpu";
import { setBackend } from "@neurite/tensor-core";

export type BackendKind = "webgpu" | "cpu";

/** What a worker reports after choosing its backend. */
export interface BackendReport {
  readonly kind: BackendKind;
  /** Whether this browser gives a WebGPU adapter at all (the switch offers WebGPU only then). */
  readonly webgpuAvailable: boolean;
  /** Why WebGPU was asked for and not used, if it was not. */
  readonly fallback?: string;
}

let available: Promise<boolean> | null = null;

/** Whether `navigator.gpu` gives an adapter here (asked once per worker). */
export function webgpuAvailable(): Promise<boolean> {
  available ??= (async () => {
    if (typeof navigator === "undefined" || !("gpu" in navigator)) return false;
    try {
      return (await navigator.gpu.requestAdapter()) !== null;
    } catch {
      return false;
    }
  })();
  return available;
}

/**
 * Makes `kind` the current backend of this worker: WebGPU when asked for and an adapter is there, the CPU
 * otherwise, saying why.
 */
export async function useBackend(kind: BackendKind): Promise<BackendReport> {
  const hasGpu = await webgpuAvailable();
  if (kind === "webgpu" && hasGpu) {
    try {
      await setBackend(webgpu());
      return { kind, webgpuAvailable: true };
    } catch (error) {
      await setBackend(cpu());
      return { kind: "cpu", webgpuAvailable: hasGpu, fallback: `WebGPU failed to start (${(error as Error).message}); using the CPU` };
    }
  }
  await setBackend(cpu());
  return kind === "webgpu" ? { kind: "cpu", webgpuAvailable: false, fallback: "this browser gives no WebGPU adapter; using the CPU" } : { kind, webgpuAvailable: hasGpu };
}

/**
 * The part of a dedicated worker's global scope the workers use (the DOM and WebWorker type libraries
 * cannot both be in one program).
 */
export interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}
