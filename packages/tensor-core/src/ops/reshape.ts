import { ArgumentError, ShapeError, formatShape } from "../errors.js";
import { normalizeAxes, normalizeAxis, sizeOf } from "../shape.js";
import { viewTensor, type Tensor } from "../tensor.js";
import { runOp } from "./op.js";

/**
 * The same values with another shape (no copy). One dimension may be -1 and is then inferred.
 *
 * ```ts
 * arange(6).reshape([2, -1]); // [[0, 1, 2], [3, 4, 5]]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const op = "reshape";
  const site = { op, argument: "shape" };
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1) throw new ArgumentError(site, `only one dimension can be -1, got ${formatShape(shape)}`);
  for (const [i, d] of shape.entries()) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) {
      throw new ArgumentError(site, `dimension ${i} of ${formatShape(shape)} is ${String(d)}; expected a non-negative integer or -1`);
    }
  }
  const known = sizeOf(shape.filter((d) => d !== -1));
  let target = [...shape];
  if (inferred === 1) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(site, `cannot reshape ${x.size} elements (shape ${formatShape(x.shape)}) to ${formatShape(shape)}`);
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  } else if (known !== x.size) {
    throw new ShapeError(
      site,
      `cannot reshape a tensor of shape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)} (${known} elements)`,
    );
  }
  return runOp(op, [x], { shape: target }, true, () => viewTensor(x, op, target));
}

/** Inserts a dimension of size 1 at `axis` (−rank−1 ≤ axis ≤ rank). */
export function expandDims(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis({ op: "expandDims", argument: "axis" }, axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Removes dimensions of size 1: the listed ones (each must be 1), or all of them. */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  const op = "squeeze";
  const list = axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes({ op, argument: "axes" }, axes, x.rank);
  for (const a of list) {
    if (x.shape[a] !== 1) {
      throw new ShapeError({ op, argument: "axes" }, `axis ${a} has size ${x.shape[a]} in shape ${formatShape(x.shape)}; only size-1 axes can be squeezed`);
    }
  }
  return reshape(x, x.shape.filter((_, i) => !list.includes(i)));
}

/** Collapses every dimension but the first: `[N, ...]` → `[N, rest]` (a rank-0 or 1 tensor gives `[size]`). */
export function flattenBatch(x: Tensor): Tensor {
  return x.rank < 2 ? reshape(x, [-1]) : reshape(x, [x.shape[0]!, sizeOf(x.shape.slice(1))]);
}
