/**
 * @neurite/backend-cpu: the reference CPU backend of Neurite. Every kernel of tensor-core's `Backend`
 * contract, in plain TypeScript over typed arrays, with synchronous reads.
 */
export { cpu, type CpuBackend, type CpuOptions } from "./cpu.js";
