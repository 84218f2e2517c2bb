// The op library. Each file holds one family; Tensor's methods call these functions.
export * from "./activations.js";
export * from "./cast.js";
export * from "./conv.js";
export * from "./creation.js";
export * from "./elementwise.js";
export * from "./gather.js";
export * from "./matmul.js";
export * from "./movement.js";
export { type DataFormat, type Padding, type WindowOptions } from "./patches.js";
export * from "./pool.js";
export * from "./random.js";
export * from "./reduce.js";
export * from "./reshape.js";
export * from "./softmax.js";
export { runOp, type TensorLike } from "./op.js";
