import { ArgumentError, reduceIdentity, sizeOf, stridesOf, type ArgReduceOp, type OutputSpec, type ReduceOp } from "@neurite/tensor-core";
import { argReduceKernel, REDUCE_THREAD_WORKGROUP, reduceKernel, TREE_WORKGROUP, type ReduceStrategy } from "../kernels/reduce.wgsl.js";
import { scalarOf, type Scalar } from "../kernels/wgsl.js";
import { cast, fillInto } from "./elementwise.js";
import { valueBits, type KernelContext, type Output, type Resolved } from "./context.js";

/** Outputs of at most this many elements are folded by one invocation whatever their number. */
const THREAD_MAX_ELEMENTS = 64;
/** With the innermost axis kept, this many outputs fill the GPU with one invocation each. */
const THREAD_MIN_OUTPUTS = 256;

/**
 * One invocation per output when outputs are short, or when the innermost axis is kept (column sums of a
 * batch): neighbouring invocations then read neighbouring addresses. When the innermost axis is reduced
 * (row sums, softmax's max and sum), one workgroup per output reads each row contiguously instead.
 */
function strategyFor(count: number, outSize: number, innermostReduced: boolean): ReduceStrategy {
  if (count <= THREAD_MAX_ELEMENTS) return "thread";
  return !innermostReduced && outSize >= THREAD_MIN_OUTPUTS ? "thread" : "tree";
}
/** Elements one tree workgroup folds before a second pass combines the chunks. */
const CHUNK = TREE_WORKGROUP * 256;

interface Dims {
  readonly dims: number[];
  readonly strides: number[];
}

/**
 * Splits the input's dims into kept and reduced groups, merging neighbours of the same kind (the input is
 * contiguous, so neighbours always merge) and dropping size-1 dims.
 */
function groups(shape: readonly number[], axes: readonly number[]): { kept: Dims; reduced: Dims } {
  const own = stridesOf(shape);
  const reducedAxes = new Set(axes);
  const kept: Dims = { dims: [], strides: [] };
  const reduced: Dims = { dims: [], strides: [] };
  let last: { group: Dims; isReduced: boolean } | null = null;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const isReduced = reducedAxes.has(d);
    const group = isReduced ? reduced : kept;
    if (last !== null && last.isReduced === isReduced) {
      const at = group.dims.length - 1;
      group.dims[at] = group.dims[at]! * size;
      group.strides[at] = own[d]!;
    } else {
      group.dims.push(size);
      group.strides.push(own[d]!);
    }
    last = { group, isReduced };
  }
  return { kept, reduced };
}

export function reduce(ctx: KernelContext, op: ReduceOp, x: Resolved, axes: readonly number[], out: OutputSpec): Output {
  if (out.dtype !== x.dtype) {
    // The op layer asks for the input's dtype; convert afterwards should that ever change.
    const same = reduce(ctx, op, x, axes, { shape: out.shape, dtype: x.dtype });
    const converted = cast(ctx, { buffer: same.buffer, shape: out.shape, dtype: x.dtype }, out);
    ctx.release(same);
    return converted;
  }
  const result = ctx.allocate(op, out.shape, out.dtype);
  const outSize = result.size;
  if (outSize === 0) return result;
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  if (count === 0) {
    fillInto(ctx, result, valueBits(reduceIdentity(op, x.dtype), x.dtype));
    return result;
  }
  const { kept, reduced } = groups(x.shape, axes);
  run(ctx, op, scalarOf(x.dtype), x.buffer, kept, reduced, outSize, count, result);
  return result;
}

function run(ctx: KernelContext, op: ReduceOp, t: Scalar, input: GPUBuffer, kept: Dims, reduced: Dims, outSize: number, count: number, result: Output): void {
  const strategy = strategyFor(count, outSize, reduced.strides.at(-1) === 1);
  const chunks = strategy === "tree" ? Math.ceil(count / CHUNK) : 1;
  const params = (chunkCount: number): number[] => [
    outSize,
    count,
    CHUNK,
    chunkCount,
    ...kept.dims,
    ...kept.strides,
    ...reduced.dims,
    ...reduced.strides,
  ];
  const kernel = reduceKernel(op, t, kept.dims.length, reduced.dims.length, strategy);
  if (strategy === "thread") {
    ctx.run(kernel, [input], result.buffer, params(1), Math.ceil(outSize / REDUCE_THREAD_WORKGROUP));
    return;
  }
  if (chunks === 1) {
    ctx.run(kernel, [input], result.buffer, params(1), outSize);
    return;
  }
  // Two passes: chunk partials laid out [outSize, chunks], then a reduction of each row of partials.
  const partials = ctx.allocate(op, [outSize, chunks], result.dtype);
  ctx.run(kernel, [input], partials.buffer, params(chunks), outSize * chunks);
  const rows: Dims = outSize === 1 ? { dims: [], strides: [] } : { dims: [outSize], strides: [chunks] };
  run(ctx, op, t, partials.buffer, rows, { dims: [chunks], strides: [1] }, outSize, chunks, result);
  ctx.release(partials);
}

export function argReduce(ctx: KernelContext, op: ArgReduceOp, x: Resolved, axis: number, out: OutputSpec): Output {
  const n = x.shape[axis]!;
  if (n === 0 && sizeOf(out.shape) > 0) {
    throw new ArgumentError({ op, argument: "x" }, `cannot take ${op} along axis ${axis} of size 0: there is no element to point at`);
  }
  const result = ctx.allocate(op, out.shape, out.dtype);
  const outSize = result.size;
  if (outSize === 0) return result;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const strategy = strategyFor(n, outSize, inner === 1);
  const workgroups = strategy === "thread" ? Math.ceil(outSize / REDUCE_THREAD_WORKGROUP) : outSize;
  ctx.run(argReduceKernel(op, scalarOf(x.dtype), strategy), [x.buffer], result.buffer, [outSize, n, inner], workgroups);
  return result;
}
