import { DTypeError, type OutputSpec } from "@neurite/tensor-core";
import { RANDOM_WORKGROUP, randomUniformKernel } from "../kernels/random.wgsl.js";
import { flatWorkgroups } from "../kernels/wgsl.js";
import type { KernelContext, Output } from "./context.js";

/** Uniform [0, 1) values of the Philox stream from block `offset` (an integer below 2⁵³). */
export function randomUniform(ctx: KernelContext, key: readonly [number, number], offset: number, out: OutputSpec): Output {
  if (out.dtype !== "float32") throw new DTypeError({ op: "randomUniform" }, `got dtype ${out.dtype}, expected float32`);
  const result = ctx.allocate("randomUniform", out.shape, out.dtype);
  const count = result.size;
  if (count === 0) return result;
  const blocks = Math.ceil(count / 4);
  const params = [count, key[0], key[1], offset % 0x100000000, Math.floor(offset / 0x100000000)];
  ctx.run(randomUniformKernel(), [], result.buffer, params, flatWorkgroups(blocks, RANDOM_WORKGROUP));
  return result;
}
