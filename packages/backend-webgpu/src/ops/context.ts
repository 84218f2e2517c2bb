import type { DType, TensorInfo } from "@neurite/tensor-core";
import type { GpuData } from "../buffers.js";
import type { KernelSource } from "../pipelines.js";

/** An input resolved to its live buffer. */
export interface Resolved {
  readonly buffer: GPUBuffer;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A freshly allocated output. */
export type Output = GpuData & { readonly buffer: GPUBuffer };

/**
 * What a launcher (ops/*.ts) needs from the backend: resolve inputs, allocate outputs and temporaries,
 * record dispatches and copies. Launchers turn shapes into uniform words and pick a kernel variant; the WGSL
 * lives in kernels/, the buffers and the queue in the backend.
 */
export interface KernelContext {
  resolve(info: TensorInfo, op: string): Resolved;
  allocate(op: string, shape: readonly number[], dtype: DType): Output;
  /** Returns a temporary to the pool (safe at once: later commands run after the ones recorded so far). */
  release(data: Output): void;
  /** Records a dispatch; `output` is several buffers for a kernel with several results (bound after the inputs, in order). */
  run(source: KernelSource, inputs: readonly GPUBuffer[], output: GPUBuffer | readonly GPUBuffer[], params: readonly number[], workgroups: number): void;
  copy(source: GPUBuffer, sourceOffset: number, destination: GPUBuffer, destinationOffset: number, bytes: number): void;
  /** The fault word's buffer, bound by kernels that check indices; noted so the next read checks it. */
  faults(): GPUBuffer;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The 32-bit pattern `dtype` stores for `value` (as backend-cpu's `storedValue`, then reinterpreted). */
export function valueBits(value: number, dtype: DType): number {
  switch (dtype) {
    case "float32":
      f32[0] = value;
      return u32[0]!;
    case "int32":
      return (value | 0) >>> 0;
    case "bool":
      return value !== 0 ? 1 : 0;
    case "float64":
      throw new Error("float64 is not a dtype of the webgpu backend");
  }
}
