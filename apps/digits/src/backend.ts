// Where the tensors live. WebGPU in Node goes through Dawn (the `webgpu` package).
import { cpu } from "@neurite/backend-cpu";
import { webgpu, type WebGpuOptions } from "@neurite/backend-webgpu";
import { setBackend } from "@neurite/tensor-core";
import type { BackendName } from "./args.js";

// Dawn's Node binding crashes the process if the GPU object is garbage-collected while its device lives, so
// it is held here for the life of the process.
let dawn: unknown = null;

/** A backend that could not start, with what to do about it. */
export class BackendUnavailable extends Error {
  override readonly name = "BackendUnavailable";
}

/** Installs the chosen backend and returns a description for the header line. */
export async function useBackend(name: BackendName): Promise<string> {
  if (name === "cpu") {
    await setBackend(cpu());
    return "cpu";
  }
  const { create } = await import("webgpu");
  dawn = create([]);
  try {
    await setBackend(webgpu({ gpu: dawn as NonNullable<WebGpuOptions["gpu"]> }));
  } catch (error) {
    const hint =
      process.env.VK_ICD_FILENAMES === undefined
        ? "; on a machine without a GPU, install Debian's chromium and run with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json"
        : "";
    throw new BackendUnavailable(`WebGPU did not start: ${(error as Error).message}${hint}`, { cause: error });
  }
  return "webgpu (Dawn)";
}
