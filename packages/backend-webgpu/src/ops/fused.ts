import { DTypeError, type OutputSpec } from "@neurite/tensor-core";
import { softmaxKernel } from "../kernels/softmax.wgsl.js";
import type { KernelContext, Output, Resolved } from "./context.js";

/** Softmax along the last axis, one workgroup per row. */
export function softmax(ctx: KernelContext, x: Resolved, out: OutputSpec): Output {
  if (out.dtype !== "float32") throw new DTypeError({ op: "softmax" }, `got dtype ${out.dtype}, expected float32`);
  const result = ctx.allocate("softmax", out.shape, out.dtype);
  if (result.size === 0) return result;
  const n = out.shape.length === 0 ? 1 : out.shape[out.shape.length - 1]!;
  const rows = result.size / n;
  ctx.run(softmaxKernel(), [x.buffer], result.buffer, [rows, n], rows);
  return result;
}
