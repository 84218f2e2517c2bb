import type { ArgReduceOp, DType, ReduceOp } from "@neurite/tensor-core";
import { forEachIndex, numel, store, type NdArray } from "./nd.js";

/**
 * Reduction references. Floats accumulate in float64 (and round once, at the end, for float32); int32 sums
 * and products wrap to 32 bits, which is exact whatever the order (arithmetic mod 2³² is associative);
 * bool max/min are any/all. Reducing zero elements gives the identity.
 */

function identity(op: ReduceOp, dtype: DType): number {
  switch (op) {
    case "sum":
      return 0;
    case "prod":
      return 1;
    case "max":
      return dtype === "int32" ? -2147483648 : dtype === "bool" ? 0 : -Infinity;
    case "min":
      return dtype === "int32" ? 2147483647 : dtype === "bool" ? 1 : Infinity;
  }
}

function combine(op: ReduceOp, dtype: DType, acc: number, v: number): number {
  const int = dtype === "int32";
  switch (op) {
    case "sum":
      return int ? (acc + v) | 0 : acc + v;
    case "prod":
      return int ? Math.imul(acc, v) : acc * v;
    case "max":
      return Number.isNaN(acc) || Number.isNaN(v) ? NaN : Math.max(acc, v);
    case "min":
      return Number.isNaN(acc) || Number.isNaN(v) ? NaN : Math.min(acc, v);
  }
}

/** The shape left after reducing `axes` (sorted, unique, non-negative); size-1 axes kept when `keepDims`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims = false): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Where input position `index` lands in the (keepDims = false) output, as a flat position. */
function outputPosition(shape: readonly number[], axes: readonly number[], index: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) flat = flat * shape[i]! + index[i]!;
  return flat;
}

/** Reduction `op` over `axes`, computed in float64, rounded to `dtype`. */
export function reduceRef(op: ReduceOp, x: NdArray, axes: readonly number[], dtype: DType, keepDims = false): NdArray {
  const outShape = reducedShape(x.shape, axes, false);
  const acc = new Array<number>(numel(outShape)).fill(identity(op, dtype));
  forEachIndex(x.shape, (index, flat) => {
    const o = outputPosition(x.shape, axes, index);
    acc[o] = combine(op, dtype, acc[o]!, x.values[flat]!);
  });
  return { shape: reducedShape(x.shape, axes, keepDims), values: acc.map((v) => store(v, dtype)) };
}

/** Σ|xᵢ| over the same axes: the magnitude a sum's rounding error scales with. */
export function sumScale(x: NdArray, axes: readonly number[], keepDims = false): NdArray {
  return reduceRef("sum", { shape: x.shape, values: x.values.map(Math.abs) }, axes, "float64", keepDims);
}

/** Index of the first extreme along `axis`; the first NaN counts as the extreme. */
export function argReduceRef(op: ArgReduceOp, x: NdArray, axis: number, keepDims = false): NdArray {
  const outShape = reducedShape(x.shape, [axis], false);
  const best = new Array<number>(numel(outShape)).fill(NaN);
  const where = new Array<number>(numel(outShape)).fill(-1);
  forEachIndex(x.shape, (index, flat) => {
    const o = outputPosition(x.shape, [axis], index);
    const v = x.values[flat]!;
    const b = best[o]!;
    const better = where[o] === -1 || (!Number.isNaN(b) && (Number.isNaN(v) || (op === "argmax" ? v > b : v < b)));
    if (better) {
      best[o] = v;
      where[o] = index[axis]!;
    }
  });
  return { shape: reducedShape(x.shape, [axis], keepDims), values: where };
}

/** Arithmetic mean over `axes`. */
export function meanRef(x: NdArray, axes: readonly number[], dtype: DType, keepDims = false): NdArray {
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  const total = reduceRef("sum", x, axes, "float64", keepDims);
  return { shape: total.shape, values: total.values.map((v) => store(v / count, dtype)) };
}

/** log Σ exp(x) over `axes`, computed stably in float64. */
export function logSumExpRef(x: NdArray, axes: readonly number[], dtype: DType, keepDims = false): NdArray {
  const m = reduceRef("max", x, axes, "float64", true);
  const shifted: number[] = [];
  forEachIndex(x.shape, (index, flat) => {
    const mi = index.map((v, i) => (axes.includes(i) ? 0 : v));
    let mf = 0;
    for (let i = 0; i < mi.length; i++) mf = mf * m.shape[i]! + mi[i]!;
    shifted.push(Math.exp(x.values[flat]! - m.values[mf]!));
  });
  const s = reduceRef("sum", { shape: x.shape, values: shifted }, axes, "float64", keepDims);
  return { shape: s.shape, values: s.values.map((v, i) => store(Math.log(v) + m.values[i]!, dtype)) };
}
