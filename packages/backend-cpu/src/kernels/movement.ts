import { allocate, ArgumentError, broadcastStrides, castValue, sizeOf, stridesOf, type OutputSpec, type TypedArray } from "@neurite/tensor-core";
import { stridedCopy } from "./strided.js";
import type { Input } from "./types.js";

/**
 * Kernels that move elements without computing on them. Transpose, broadcastTo, slice and pad are one
 * strided copy each (they only differ in where the source starts and how it steps); concat, gather and
 * scatterAdd copy whole contiguous runs, because below the named axis everything is contiguous.
 */

export function transpose(x: Input, perm: readonly number[], out: OutputSpec): TypedArray {
  const own = stridesOf(x.shape);
  const dst = allocate(out.dtype, sizeOf(out.shape));
  // Walking the output in order, output axis i moves along input axis perm[i].
  const srcStrides = perm.map((p) => own[p]!);
  stridedCopy(x.values, 0, srcStrides, dst, 0, stridesOf(out.shape), out.shape);
  return dst;
}

export function broadcastTo(x: Input, out: OutputSpec): TypedArray {
  const dst = allocate(out.dtype, sizeOf(out.shape));
  stridedCopy(x.values, 0, broadcastStrides(x.shape, out.shape), dst, 0, stridesOf(out.shape), out.shape);
  return dst;
}

export function slice(x: Input, begin: readonly number[], step: readonly number[], out: OutputSpec): TypedArray {
  const own = stridesOf(x.shape);
  const dst = allocate(out.dtype, sizeOf(out.shape));
  let start = 0;
  for (let i = 0; i < own.length; i++) start += begin[i]! * own[i]!;
  const srcStrides = own.map((s, i) => s * step[i]!);
  // An empty output copies nothing, so a `begin` at the end of an axis is never read.
  stridedCopy(x.values, start, srcStrides, dst, 0, stridesOf(out.shape), out.shape);
  return dst;
}

export function pad(x: Input, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): TypedArray {
  const dst = allocate(out.dtype, sizeOf(out.shape));
  dst.fill(castValue(value, out.dtype));
  const outStrides = stridesOf(out.shape);
  let start = 0;
  for (let i = 0; i < outStrides.length; i++) start += paddings[i]![0] * outStrides[i]!;
  stridedCopy(x.values, 0, stridesOf(x.shape), dst, start, outStrides, x.shape);
  return dst;
}

/** Below this many elements a manual loop beats `set(subarray(...))`, which allocates a view each time. */
const SET_THRESHOLD = 64;

/** Copies `length` contiguous elements from `src[from]` to `dst[to]`. */
function copyRun(src: TypedArray, from: number, dst: TypedArray, to: number, length: number): void {
  if (length >= SET_THRESHOLD) {
    dst.set(src.subarray(from, from + length), to);
    return;
  }
  for (let i = 0; i < length; i++) dst[to + i] = src[from + i]!;
}

export function concat(xs: readonly Input[], axis: number, out: OutputSpec): TypedArray {
  const dst = allocate(out.dtype, sizeOf(out.shape));
  // Seen from `axis`, the output is `outer` runs; each input fills a contiguous part of every run.
  const outer = sizeOf(out.shape.slice(0, axis));
  const outRun = sizeOf(out.shape.slice(axis));
  let offset = 0;
  for (const x of xs) {
    const run = sizeOf(x.shape.slice(axis));
    for (let o = 0; o < outer; o++) copyRun(x.values, o * run, dst, o * outRun + offset, run);
    offset += run;
  }
  return dst;
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
