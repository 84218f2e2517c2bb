// Which backend a sample runs on: WebGPU when the environment has an adapter, the CPU otherwise.
import { cpu } from "@neurite/backend-cpu";
import { webgpu } from "@neurite/backend-webgpu";
import { setBackend } from "@neurite/tensor-core";

/** Sets the best backend available here and says which one it is (and why). */
export async function useBestBackend(gpu: GPU | undefined): Promise<{ name: string; detail: string }> {
  const adapter = gpu === undefined ? null : await gpu.requestAdapter();
  if (gpu !== undefined && adapter !== null) {
    await setBackend(await webgpu({ gpu }));
    return { name: "webgpu", detail: "navigator.gpu has an adapter" };
  }
  await setBackend(cpu());
  return { name: "cpu", detail: gpu === undefined ? "this browser has no WebGPU" : "WebGPU has no adapter here" };
}
