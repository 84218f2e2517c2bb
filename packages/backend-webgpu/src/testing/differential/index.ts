// Differential testing of a backend against backend-cpu, in four parts: programs as data (and their printing),
// running and comparing, random generation, and shrinking a failure to a minimal reproduction.
export * from "./program.js";
export * from "./run.js";
export * from "./generate.js";
export * from "./shrink.js";
export { chainCall, fusedChain, type Step } from "./fused.js";
