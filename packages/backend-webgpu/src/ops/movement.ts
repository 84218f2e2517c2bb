import { broadcastStrides, collapseAxes, DTypeError, sizeOf, stridesOf, type OutputSpec } from "@neurite/tensor-core";
import { ELEMENT_BYTES } from "../buffers.js";
import { concatKernel, gatherKernel, MOVE_WORKGROUP, padKernel, scatterAddKernel, stridedCopyKernel } from "../kernels/movement.wgsl.js";
import { flatWorkgroups, scalarOf } from "../kernels/wgsl.js";
import { valueBits, type KernelContext, type Output, type Resolved } from "./context.js";

/**
 * Launchers of the movement kernels. Transpose, broadcastTo and slice are one strided copy each; when the
 * collapsed walk turns out to read a contiguous range (a slice of leading rows, a transpose that only moves
 * size-1 axes) it becomes a plain buffer copy with no shader at all.
 */

function stridedCopy(ctx: KernelContext, op: string, x: Resolved, srcStrides: readonly number[], start: number, out: OutputSpec): Output {
  const result = ctx.allocate(op, out.shape, out.dtype);
  const size = result.size;
  if (size === 0) return result;
  const walk = collapseAxes(out.shape, [srcStrides, stridesOf(out.shape)]);
  const src = walk.strides[0]!;
  if (walk.shape.length === 0 || (walk.shape.length === 1 && src[0] === 1)) {
    ctx.copy(x.buffer, start * ELEMENT_BYTES, result.buffer, 0, size * ELEMENT_BYTES);
    return result;
  }
  const rank = walk.shape.length;
  ctx.run(stridedCopyKernel(rank), [x.buffer], result.buffer, [size, ...walk.shape, ...src, start], flatWorkgroups(size, MOVE_WORKGROUP));
  return result;
}

export function transpose(ctx: KernelContext, x: Resolved, perm: readonly number[], out: OutputSpec): Output {
  const own = stridesOf(x.shape);
  return stridedCopy(
    ctx,
    "transpose",
    x,
    perm.map((p) => own[p]!),
    0,
    out,
  );
}

export function broadcastTo(ctx: KernelContext, x: Resolved, out: OutputSpec): Output {
  return stridedCopy(ctx, "broadcastTo", x, broadcastStrides(x.shape, out.shape), 0, out);
}

export function slice(ctx: KernelContext, x: Resolved, begin: readonly number[], step: readonly number[], out: OutputSpec): Output {
  const own = stridesOf(x.shape);
  let start = 0;
  for (let d = 0; d < own.length; d++) start += begin[d]! * own[d]!;
  return stridedCopy(
    ctx,
    "slice",
    x,
    own.map((s, d) => s * step[d]!),
    start,
    out,
  );
}

export function pad(ctx: KernelContext, x: Resolved, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): Output {
  const result = ctx.allocate("pad", out.shape, out.dtype);
  const size = result.size;
  if (size === 0) return result;
  const rank = out.shape.length;
  const params = [size, ...out.shape, ...paddings.map((p) => p[0]), ...x.shape, ...stridesOf(x.shape), valueBits(value, out.dtype)];
  ctx.run(padKernel(rank), [x.buffer], result.buffer, params, flatWorkgroups(size, MOVE_WORKGROUP));
  return result;
}

export function concat(ctx: KernelContext, xs: readonly Resolved[], axis: number, out: OutputSpec): Output {
  const result = ctx.allocate("concat", out.shape, out.dtype);
  // Seen from `axis`, the output is `outer` runs of `outRun`; each input fills `run` elements of every run.
  const outer = sizeOf(out.shape.slice(0, axis));
  const outRun = sizeOf(out.shape.slice(axis));
  let at = 0;
  for (const x of xs) {
    const run = sizeOf(x.shape.slice(axis));
    const size = outer * run;
    if (size > 0) {
      if (outer === 1) {
        ctx.copy(x.buffer, 0, result.buffer, at * ELEMENT_BYTES, size * ELEMENT_BYTES);
      } else {
        ctx.run(concatKernel(), [x.buffer], result.buffer, [size, run, outRun, at], flatWorkgroups(size, MOVE_WORKGROUP));
      }
    }
    at += run;
  }
  return result;
}

export function gather(ctx: KernelContext, x: Resolved, indices: Resolved, axis: number, out: OutputSpec): Output {
  const result = ctx.allocate("gather", out.shape, out.dtype);
  const size = result.size;
  if (size === 0) return result;
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const count = sizeOf(indices.shape);
  ctx.run(gatherKernel(), [x.buffer, indices.buffer, ctx.faults()], result.buffer, [size, count, inner, n], flatWorkgroups(size, MOVE_WORKGROUP));
  return result;
}

export function scatterAdd(ctx: KernelContext, updates: Resolved, indices: Resolved, axis: number, out: OutputSpec): Output {
  const t = scalarOf(out.dtype);
  if (t === "u32") throw new DTypeError({ op: "scatterAdd" }, "got dtype bool, expected float32 or int32");
  const result = ctx.allocate("scatterAdd", out.shape, out.dtype);
  const size = result.size;
  if (size === 0) return result;
  const n = out.shape[axis]!;
  const inner = sizeOf(out.shape.slice(axis + 1));
  const count = sizeOf(indices.shape);
  ctx.run(scatterAddKernel(t), [updates.buffer, indices.buffer, ctx.faults()], result.buffer, [size, n, inner, count], flatWorkgroups(size, MOVE_WORKGROUP));
  return result;
}
