import { WebGpuBackendImpl, type WebGpuBackend } from "./backend.js";
import { acquireDevice, type WebGpuOptions } from "./device.js";

/**
 * Creates a WebGPU backend. In a browser, with no options, it uses `navigator.gpu`; in Node, pass the `GPU`
 * object of the `webgpu` package. Each call creates its own device (unless given one), so a backend whose
 * device was lost is replaced by calling `webgpu()` again.
 *
 * ```ts
 * import { setBackend, tensor } from "@neurite/tensor-core";
 * import { webgpu } from "@neurite/backend-webgpu";
 *
 * await setBackend(webgpu());                       // browser
 * // Node: import { create } from "webgpu"; await setBackend(webgpu({ gpu: create([]) }));
 * const y = tensor([1, 2, 3]).mul(2);
 * console.log(await y.data());                      // Float32Array [2, 4, 6]
 * ```
 */
export async function webgpu(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const acquired = await acquireDevice(options);
  return new WebGpuBackendImpl(acquired, options);
}
