import { fuse } from "../program/fuse.js";
import { DTypeError, ShapeError, expectDType } from "../errors.js";
import { argReduceOps, reduceOps, type ArgReduceOp, type ReduceOp } from "../primitives.js";
import { normalizeAxes, normalizeAxis, sizeOf } from "../shape.js";
import { viewTensor, type Tensor } from "../tensor.js";
import { abs, add, exp, less, log, sub, where } from "./elementwise.js";
import { kernel, runOp } from "./op.js";
import { reshape } from "./reshape.js";

/** `shape` with the reduced axes removed, or set to 1 when `keepDims`. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Runs the reduction primitive `op`; recorded with attrs `{ axes, keepDims }` (axes sorted, non-negative). */
function reduce(op: ReduceOp, x: Tensor, axes: number | readonly number[] | undefined, keepDims: boolean): Tensor {
  const site = { op, argument: "axes" };
  const list = normalizeAxes(site, axes, x.rank);
  return runOp(op, [x], { axes: list, keepDims }, true, () => {
    expectDType({ op, argument: "x" }, x.dtype, reduceOps[op].dtypes);
    const out = { shape: reducedShape(x.shape, list, false), dtype: x.dtype };
    const reduced = kernel(op, { x }, out, (backend, info) => backend.reduce(op, info.x!, list, out));
    if (!keepDims) return reduced;
    const kept = viewTensor(reduced, op, reducedShape(x.shape, list, true));
    reduced.dispose();
    return kept;
  });
}

/**
 * Sum over `axes` (every axis by default). `keepDims` keeps reduced axes with size 1.
 *
 * ```ts
 * tensor([[1, 2], [3, 4]]).sum(0); // [4, 6]
 * ```
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduce("sum", x, axes, keepDims);
}

/** Product over `axes` (every axis by default). */
export function prod(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduce("prod", x, axes, keepDims);
}

/** Maximum over `axes` (every axis by default); on bool it is "any". */
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduce("max", x, axes, keepDims);
}

/** Minimum over `axes` (every axis by default); on bool it is "all". */
export function min(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduce("min", x, axes, keepDims);
}

/**
 * Arithmetic mean over `axes` (every axis by default), for float tensors.
 *
 * ```ts
 * tensor([[1, 2], [3, 4]]).mean(1); // [1.5, 3.5]
 * ```
 */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const op = "mean";
  const list = normalizeAxes({ op, argument: "axes" }, axes, x.rank);
  return runOp(op, [x], { axes: list, keepDims }, false, () => {
    if (x.dtype !== "float32" && x.dtype !== "float64") {
      throw new DTypeError({ op, argument: "x" }, `got dtype ${x.dtype}, expected float32 or float64; cast first, e.g. x.cast("float32")`);
    }
    const count = sizeOf(list.map((a) => x.shape[a]!));
    return fuse("mean", [sum(x, list, keepDims)], (p, s) => p.binary("div", s, count));
  });
}

/**
 * log(Σ exp(x)) over `axes`, computed stably by shifting by the maximum first.
 */
export function logSumExp(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const op = "logSumExp";
  const list = normalizeAxes({ op, argument: "axes" }, axes, x.rank);
  expectDType({ op, argument: "x" }, x.dtype, ["float32", "float64"]);
  return runOp(op, [x], { axes: list, keepDims }, false, () => {
    // Shift by the maximum so exp cannot overflow; an infinite maximum (a slice of all −∞, or a +∞) shifts
    // by 0 instead, since ∞ − ∞ would be NaN: the result is then −∞ or +∞ as it should be.
    const highest = max(x, list, true);
    const shift = where(less(abs(highest), Infinity), highest, 0);
    const total = log(sum(exp(sub(x, shift)), list, true));
    const result = add(total, shift);
    return keepDims ? result : reshape(result, reducedShape(x.shape, list, false));
  });
}

function argReduce(op: ArgReduceOp, x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  if (axis === undefined) {
    // NumPy: with no axis, the index into the flattened tensor.
    return runOp(op, [x], { axis: null, keepDims }, false, () => {
      const flat = argReduce(op, reshape(x, [-1]), 0, false);
      return keepDims ? reshape(flat, x.shape.map(() => 1)) : flat;
    });
  }
  const a = normalizeAxis({ op, argument: "axis" }, axis, x.rank);
  return runOp(op, [x], { axis: a, keepDims }, true, () => {
    expectDType({ op, argument: "x" }, x.dtype, argReduceOps[op].dtypes);
    if (x.shape[a] === 0) {
      throw new ShapeError({ op, argument: "x" }, `cannot take ${op} along axis ${a} of size 0 (shape [${x.shape.join(", ")}])`);
    }
    const out = { shape: reducedShape(x.shape, [a], false), dtype: "int32" as const };
    const result = kernel(op, { x }, out, (backend, info) => backend.argReduce(op, info.x!, a, out));
    if (!keepDims) return result;
    const kept = viewTensor(result, op, reducedShape(x.shape, [a], true));
    result.dispose();
    return kept;
  });
}

/** Index (int32) of the first maximum along `axis`, or in the flattened tensor when no axis is given. */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argReduce("argmax", x, axis, keepDims);
}

/** Index (int32) of the first minimum along `axis`, or in the flattened tensor when no axis is given. */
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argReduce("argmin", x, axis, keepDims);
}
