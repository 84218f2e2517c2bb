import { allocate, ArgumentError, broadcastStrides, castValue, sizeOf, stridesOf, type OutputSpec, type TypedArray } from "@neurite/tensor-core";
import { copyRun, stridedCopy } from "./strided.js";
import type { Input } from "./types.js";

/**
 * Kernels that move elements without computing on them. Transpose, broadcastTo, slice, pad and concat are
 * each a copy plan — strided copies that differ only in where each source starts and how it steps, after an
 * optional fill — which this file runs on typed arrays and the Wasm path runs in the heap (wasm/copy.ts), so
 * both move the same elements. Gather and scatterAdd copy whole contiguous runs, because below the named axis
 * everything is contiguous.
 */

/** One strided copy: `shape` elements of input `input` (from `srcStart`, by `srcStrides`) to the output. */
export interface Copy {
  readonly input: number;
  readonly srcStart: number;
  readonly srcStrides: readonly number[];
  readonly dstStart: number;
  readonly dstStrides: readonly number[];
  readonly shape: readonly number[];
}

/** A movement kernel as copies into an output that first holds `fill` everywhere (or nothing, when every element is copied). */
export interface CopyPlan {
  readonly fill: number | null;
  readonly copies: readonly Copy[];
}

export function transposePlan(shape: readonly number[], perm: readonly number[], out: OutputSpec): CopyPlan {
  const own = stridesOf(shape);
  // Walking the output in order, output axis i moves along input axis perm[i].
  const srcStrides = perm.map((p) => own[p]!);
  return { fill: null, copies: [{ input: 0, srcStart: 0, srcStrides, dstStart: 0, dstStrides: stridesOf(out.shape), shape: out.shape }] };
}

export function broadcastPlan(shape: readonly number[], out: OutputSpec): CopyPlan {
  return { fill: null, copies: [{ input: 0, srcStart: 0, srcStrides: broadcastStrides(shape, out.shape), dstStart: 0, dstStrides: stridesOf(out.shape), shape: out.shape }] };
}

export function slicePlan(shape: readonly number[], begin: readonly number[], step: readonly number[], out: OutputSpec): CopyPlan {
  const own = stridesOf(shape);
  let srcStart = 0;
  for (let i = 0; i < own.length; i++) srcStart += begin[i]! * own[i]!;
  const srcStrides = own.map((s, i) => s * step[i]!);
  // An empty output copies nothing, so a `begin` at the end of an axis is never read.
  return { fill: null, copies: [{ input: 0, srcStart, srcStrides, dstStart: 0, dstStrides: stridesOf(out.shape), shape: out.shape }] };
}

export function padPlan(shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): CopyPlan {
  const dstStrides = stridesOf(out.shape);
  let dstStart = 0;
  for (let i = 0; i < dstStrides.length; i++) dstStart += paddings[i]![0] * dstStrides[i]!;
  return { fill: castValue(value, out.dtype), copies: [{ input: 0, srcStart: 0, srcStrides: stridesOf(shape), dstStart, dstStrides, shape }] };
}

export function concatPlan(shapes: readonly (readonly number[])[], axis: number, out: OutputSpec): CopyPlan {
  // Seen from `axis`, the output is `outer` runs; each input fills a contiguous part of every run.
  const outer = sizeOf(out.shape.slice(0, axis));
  const outRun = sizeOf(out.shape.slice(axis));
  let offset = 0;
  const copies = shapes.map((shape, input): Copy => {
    const run = sizeOf(shape.slice(axis));
    const copy = { input, srcStart: 0, srcStrides: [run, 1], dstStart: offset, dstStrides: [outRun, 1], shape: [outer, run] };
    offset += run;
    return copy;
  });
  return { fill: null, copies };
}

/** Runs `plan` on typed arrays: a new output array of `out`'s size. */
export function runPlan(plan: CopyPlan, inputs: readonly TypedArray[], out: OutputSpec): TypedArray {
  const dst = allocate(out.dtype, sizeOf(out.shape));
  if (plan.fill !== null) dst.fill(plan.fill);
  for (const c of plan.copies) stridedCopy(inputs[c.input]!, c.srcStart, c.srcStrides, dst, c.dstStart, c.dstStrides, c.shape);
  return dst;
}

export function transpose(x: Input, perm: readonly number[], out: OutputSpec): TypedArray {
  return runPlan(transposePlan(x.shape, perm, out), [x.values], out);
}

export function broadcastTo(x: Input, out: OutputSpec): TypedArray {
  return runPlan(broadcastPlan(x.shape, out), [x.values], out);
}

export function slice(x: Input, begin: readonly number[], step: readonly number[], out: OutputSpec): TypedArray {
  return runPlan(slicePlan(x.shape, begin, step, out), [x.values], out);
}

export function pad(x: Input, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): TypedArray {
  return runPlan(padPlan(x.shape, paddings, value, out), [x.values], out);
}

export function concat(xs: readonly Input[], axis: number, out: OutputSpec): TypedArray {
  return runPlan(
    concatPlan(
      xs.map((x) => x.shape),
      axis,
      out,
    ),
    xs.map((x) => x.values),
    out,
  );
}

/** Throws unless every index is in [0, size): the CPU can check, so it does (a GPU reads 0 instead). */
function checkIndices(op: string, indices: TypedArray, axis: number, size: number): void {
  for (let j = 0; j < indices.length; j++) {
    const index = indices[j]!;
    if (index < 0 || index >= size) {
      throw new ArgumentError(
        { op, argument: "indices" },
        `index ${index} at position ${j} is out of range for axis ${axis} of size ${size}; expected 0 ≤ index < ${size}`,
      );
    }
  }
}

export function gather(x: Input, indices: Input, axis: number, out: OutputSpec): TypedArray {
  const n = x.shape[axis]!;
  const idx = indices.values;
  checkIndices("gather", idx, axis, n);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const count = idx.length;
  const src = x.values;
  const dst = allocate(out.dtype, outer * count * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) copyRun(src, (o * n + idx[j]!) * inner, dst, (o * count + j) * inner, inner);
  }
  return dst;
}

export function scatterAdd(updates: Input, indices: Input, axis: number, out: OutputSpec): TypedArray {
  const n = out.shape[axis]!;
  const idx = indices.values;
  checkIndices("scatterAdd", idx, axis, n);
  const outer = sizeOf(out.shape.slice(0, axis));
  const inner = sizeOf(out.shape.slice(axis + 1));
  const count = idx.length;
  const src = updates.values;
  const dst = allocate(out.dtype, outer * n * inner);
  // Repeated indices add up, which is what makes this gather's adjoint.
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const from = (o * count + j) * inner;
      const to = (o * n + idx[j]!) * inner;
      for (let i = 0; i < inner; i++) dst[to + i] = dst[to + i]! + src[from + i]!;
    }
  }
  return dst;
}
