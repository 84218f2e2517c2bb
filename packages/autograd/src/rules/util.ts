import { full, reshape, shapesEqual, sum, type DType, type Tensor } from "@neurite/tensor-core";

/**
 * Undoes broadcasting: a binary op that broadcast an input of `shape` to the output's shape used each of
 * its elements several times, so its gradient is the sum of `g` over the broadcast axes (the extra leading
 * axes and the axes where `shape` has size 1).
 */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes = g.shape.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  return reshape(axes.length > 0 ? sum(g, axes, true) : g, shape);
}

/** The gradient of a reduction, brought back to the input's rank: reduced axes become size 1. */
export function keepReducedAxes(g: Tensor, inputShape: readonly number[], axes: readonly number[]): Tensor {
  return reshape(g, inputShape.map((d, i) => (axes.includes(i) ? 1 : d)));
}

/** Zeros of `shape` and `dtype` on the backend of `like`. */
export function zerosOn(like: Tensor, shape: readonly number[], dtype: DType): Tensor {
  return full(shape, 0, { dtype, backend: like.backend });
}

