import { type DType } from "../dtype.js";
import { ArgumentError, expectDType, formatShape } from "../errors.js";
import { checkShape, normalizeAxis, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { arange, full } from "./creation.js";
import { fromNumbers } from "./values.js";
import { cast } from "./cast.js";
import { equal, where } from "./elementwise.js";
import { kernel, runOp } from "./op.js";
import { expandDims, reshape } from "./reshape.js";

/**
 * The indices as an int32 tensor. A plain list is range-checked as numbers, before any conversion (so NaN,
 * 1.5 or 2³² + 1 are refused, never read as 0 or 1): each must be an integer in [0, size of the axis).
 */
function indexTensor(op: string, indices: Tensor | readonly number[], like: Tensor, axis: number): { t: Tensor; temp: boolean } {
  const site = { op, argument: "indices" };
  if (indices instanceof Tensor) {
    expectDType(site, indices.dtype, ["int32"]);
    return { t: indices, temp: false };
  }
  const size = like.shape[axis]!;
  for (const [j, index] of indices.entries()) {
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= size) {
      throw new ArgumentError(
        site,
        `index ${String(index)} at position ${j} is out of range for axis ${axis} of size ${size}; expected an integer with 0 ≤ index < ${size}`,
      );
    }
  }
  return { t: fromNumbers(site, indices, "int32", like.storage(op, "x").backend), temp: true };
}

/**
 * Takes slices of `x` along `axis` at the given int32 indices (of any shape):
 * `out.shape = x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`. Out-of-range indices throw where the
 * backend can check.
 *
 * ```ts
 * tensor([[1, 2], [3, 4], [5, 6]]).gather([2, 0]); // [[5, 6], [1, 2]]
 * ```
 */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  const op = "gather";
  const a = normalizeAxis({ op, argument: "axis" }, axis, x.rank);
  const { t: idx, temp } = indexTensor(op, indices, x, a);
  try {
    const flat = reshape(idx, [-1]);
    let gathered: Tensor;
    try {
      gathered = runOp(op, [x, flat], { axis: a }, true, () => {
        const out = { shape: [...x.shape.slice(0, a), flat.size, ...x.shape.slice(a + 1)], dtype: x.dtype };
        return kernel(op, { x, indices: flat }, out, (backend, info) => backend.gather(info.x!, info.indices!, a, out));
      });
    } finally {
      flat.dispose(); // also when the kernel refuses an index
    }
    if (idx.rank === 1) return gathered;
    const shaped = reshape(gathered, [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)]);
    gathered.dispose();
    return shaped;
  } finally {
    if (temp) idx.dispose();
  }
}

/**
 * The adjoint of `gather` along `axis` for 1-D int32 `indices`: zeros of `shape`, then
 * `out[..., indices[j], ...] += updates[..., j, ...]` (repeated indices add up).
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: readonly number[]): Tensor {
  const op = "scatterAdd";
  checkShape({ op, argument: "shape" }, shape);
  expectDType({ op, argument: "indices" }, indices.dtype, ["int32"]);
  const a = normalizeAxis({ op, argument: "axis" }, axis, shape.length);
  const expected = [...shape.slice(0, a), indices.size, ...shape.slice(a + 1)];
  if (indices.rank !== 1 || !shapesEqual(updates.shape, expected)) {
    throw new ArgumentError(
      { op, argument: "updates" },
      `updates of shape ${formatShape(updates.shape)} and indices of shape ${formatShape(indices.shape)} do not fit output ${formatShape(shape)} on axis ${a}; expected updates ${formatShape(expected)} and 1-D indices`,
    );
  }
  return runOp(op, [updates, indices], { axis: a, shape: [...shape] }, true, () => {
    const out = { shape, dtype: updates.dtype };
    return kernel(op, { updates, indices }, out, (backend, info) => backend.scatterAdd(info.updates!, info.indices!, a, out));
  });
}

/**
 * One-hot encoding of int32 class indices: a new last axis of size `depth` holding `onValue` at the index
 * and `offValue` elsewhere (an index outside [0, depth) gives a row of `offValue`).
 *
 * ```ts
 * oneHot(tensor([0, 2], { dtype: "int32" }), 3); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(
  indices: Tensor,
  depth: number,
  options: { readonly onValue?: number; readonly offValue?: number; readonly dtype?: DType } = {},
): Tensor {
  const op = "oneHot";
  expectDType({ op, argument: "indices" }, indices.dtype, ["int32"]);
  if (!Number.isInteger(depth) || depth < 1) throw new ArgumentError({ op, argument: "depth" }, `expected a positive integer, got ${depth}`);
  const { onValue = 1, offValue = 0, dtype = "float32" } = options;
  return runOp(op, [indices], { depth }, false, () => {
    const backend = indices.storage(op).backend;
    const hit = equal(expandDims(indices, -1), arange(0, depth, 1, { dtype: "int32", backend }));
    if (onValue === 1 && offValue === 0) return cast(hit, dtype);
    return where(hit, full([], onValue, { dtype, backend }), full([], offValue, { dtype, backend }));
  });
}
