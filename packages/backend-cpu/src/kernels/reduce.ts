import {
  ArgumentError,
  allocate,
  reduceIdentity,
  sizeOf,
  stridesOf,
  type ArgReduceOp,
  type OutputSpec,
  type ReduceOp,
  type TypedArray,
} from "@neurite/tensor-core";
import { forEachRow } from "./strided.js";
import type { Input } from "./types.js";

/**
 * Reductions over a list of axes, in one pass over the input in memory order. The output is walked with
 * stride 0 along the reduced axes, so every input element lands on its output slot without index arithmetic,
 * and reading the input in order keeps the pass cache-friendly whichever axes are reduced.
 */

/**
 * Where partial results live while the pass runs. Floats accumulate in float64 (a float32 running sum over
 * many elements loses digits the float64 one keeps); int32 accumulates in an Int32Array, whose stores wrap
 * exactly as int32 arithmetic does; bool (max = any, min = all) in bytes.
 */
function accumulator(x: Input, size: number): TypedArray {
  return x.dtype === "int32" ? new Int32Array(size) : x.dtype === "bool" ? new Uint8Array(size) : new Float64Array(size);
}

export function reduce(op: ReduceOp, x: Input, axes: readonly number[], out: OutputSpec): TypedArray {
  const outSize = sizeOf(out.shape);
  const acc = accumulator(x, outSize);
  // Starting from the identity also gives the result of reducing zero elements.
  acc.fill(reduceIdentity(op, x.dtype));

  // Output strides seen from the input's axes: 0 on reduced axes.
  const reduced = new Set(axes);
  const outStrides = new Array<number>(x.shape.length).fill(0);
  let stride = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    if (reduced.has(d)) continue;
    outStrides[d] = stride;
    stride *= x.shape[d]!;
  }

  const src = x.values;
  const isInt = x.dtype === "int32";
  forEachRow(x.shape, [stridesOf(x.shape), outStrides], [0, 0], (pos, step, length) => {
    const i = pos[0]!;
    const o = pos[1]!;
    const si = step[0]!;
    const so = step[1]!;
    if (so === 0) {
      // The row folds into one output slot: fold it locally, then once into the accumulator.
      acc[o] = foldRow(op, isInt, src, i, si, length, acc[o]!);
      return;
    }
    accumulateRow(op, isInt, src, i, si, acc, o, so, length);
  });

  // Only float32 accumulates in a wider type than it stores; the others already are the result.
  if (out.dtype === x.dtype && x.dtype !== "float32") return acc;
  const dst = allocate(out.dtype, outSize);
  dst.set(acc);
  return dst;
}

/** `acc ⊕ v`. max/min propagate NaN (as NumPy does): once NaN, always NaN. */
function combine(op: ReduceOp, isInt: boolean, acc: number, v: number): number {
  switch (op) {
    case "sum":
      return acc + v;
    case "prod":
      return isInt ? Math.imul(acc, v) : acc * v;
    case "max":
      return v > acc || v !== v ? v : acc;
    case "min":
      return v < acc || v !== v ? v : acc;
  }
}

/** acc[o + k·so] ⊕= src[i + k·si] for k < length: a row that spans several output slots. */
function accumulateRow(
  op: ReduceOp,
  isInt: boolean,
  src: TypedArray,
  start: number,
  si: number,
  acc: TypedArray,
  outStart: number,
  so: number,
  length: number,
): void {
  let i = start;
  let o = outStart;
  // One loop per op: a `combine` call per element would cost more than the arithmetic.
  switch (op) {
    case "sum":
      for (let k = 0; k < length; k++, i += si, o += so) acc[o] = acc[o]! + src[i]!;
      return;
    case "prod":
      if (isInt) for (let k = 0; k < length; k++, i += si, o += so) acc[o] = Math.imul(acc[o]!, src[i]!);
      else for (let k = 0; k < length; k++, i += si, o += so) acc[o] = acc[o]! * src[i]!;
      return;
    case "max":
      for (let k = 0; k < length; k++, i += si, o += so) {
        const v = src[i]!;
        if (v > acc[o]! || v !== v) acc[o] = v;
      }
      return;
    case "min":
      for (let k = 0; k < length; k++, i += si, o += so) {
        const v = src[i]!;
        if (v < acc[o]! || v !== v) acc[o] = v;
      }
      return;
  }
}

function foldRow(op: ReduceOp, isInt: boolean, src: TypedArray, start: number, step: number, length: number, init: number): number {
  let acc = init;
  let i = start;
  const end = start + length * step;
  // A row of one element may come with step 0 (everything collapsed), where `end` would equal `start`.
  if (step === 0) return length === 0 ? acc : combine(op, isInt, acc, src[i]!);
  switch (op) {
    case "sum":
      if (isInt) for (; i !== end; i += step) acc = (acc + src[i]!) | 0;
      else for (; i !== end; i += step) acc += src[i]!;
      return acc;
    case "prod":
      if (isInt) for (; i !== end; i += step) acc = Math.imul(acc, src[i]!);
      else for (; i !== end; i += step) acc *= src[i]!;
      return acc;
    case "max":
      for (; i !== end; i += step) {
        const v = src[i]!;
        if (v > acc || v !== v) acc = v;
      }
      return acc;
    case "min":
      for (; i !== end; i += step) {
        const v = src[i]!;
        if (v < acc || v !== v) acc = v;
      }
      return acc;
  }
}

/**
 * Index of the first maximum (minimum) along `axis`; the first NaN counts as the extreme, as in NumPy.
 * The input is read slab by slab along the axis with a running best per inner position, so the inner
 * positions are walked contiguously.
 */
export function argReduce(op: ArgReduceOp, x: Input, axis: number, out: OutputSpec): TypedArray {
  const shape = x.shape;
  const n = shape[axis]!;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const dst = allocate(out.dtype, outer * inner);
  if (dst.length === 0) return dst;
  if (n === 0) {
    throw new ArgumentError({ op, argument: "x" }, `cannot take ${op} along axis ${axis} of size 0: there is no element to point at`);
  }
  const src = x.values;
  const best = new Float64Array(inner);
  const isMax = op === "argmax";
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const outBase = o * inner;
    for (let i = 0; i < inner; i++) best[i] = src[base + i]!;
    for (let j = 1; j < n; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) {
        const v = src[row + i]!;
        const b = best[i]!;
        // Strict comparison keeps the first of equal extremes; `b === b` keeps the first NaN.
        if ((isMax ? v > b : v < b) || (v !== v && b === b)) {
          best[i] = v;
          dst[outBase + i] = j;
        }
      }
    }
  }
  return dst;
}
