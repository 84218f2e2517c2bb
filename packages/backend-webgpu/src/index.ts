/// <reference types="@webgpu/types" />
/**
 * @neurite/backend-webgpu: Neurite on any WebGPU device — the browser's `navigator.gpu`, or Node through
 * Dawn (the `webgpu` package). Every primitive of tensor-core's backend contract as a WGSL compute kernel,
 * with a buffer pool, a pipeline cache and asynchronous reads.
 */
export { webgpu } from "./webgpu.js";
export type { WebGpuBackend } from "./backend.js";
export type { WebGpuMemory } from "./buffers.js";
export type { WebGpuOptions } from "./device.js";
