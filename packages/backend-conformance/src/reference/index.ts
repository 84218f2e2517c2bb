// The kit's float64 reference implementations, for backend authors who want to write cases of their own.
export * from "./activations.js";
export * from "./conv.js";
export * from "./elementwise.js";
export * from "./matmul.js";
export * from "./movement.js";
export * from "./nd.js";
export * from "./reduce.js";
export * from "./program.js";
