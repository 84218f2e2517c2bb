import { ArgumentError, DTypeError, ShapeError, formatShape, shapesEqual, type Tensor } from "@neurite/tensor-core";

/**
 * How per-sample losses become the returned value: `"mean"` over the batch (the default for most losses),
 * `"sum"` over the batch, or `"none"` for the per-sample losses, shape `[batch]`.
 */
export type Reduction = "mean" | "sum" | "none";

/** Options every loss takes: how per-sample losses are reduced. */
export interface LossOptions {
  readonly reduction?: Reduction;
}

/** A loss: predictions and targets in, a scalar (or per-sample losses) out. */
export type Loss = (predictions: Tensor, targets: Tensor) => Tensor;

/** Applies a reduction to per-sample losses of shape [batch]. */
export function reduce(op: string, perSample: Tensor, reduction: Reduction): Tensor {
  switch (reduction) {
    case "mean":
      return perSample.mean();
    case "sum":
      return perSample.sum();
    case "none":
      return perSample;
    default:
      throw new ArgumentError({ op, argument: "reduction" }, `unknown reduction ${String(reduction)}; expected "mean", "sum" or "none"`);
  }
}

/** Axes of one sample: everything but the first (batch) axis. A rank-1 input holds one value per sample. */
export function sampleAxes(t: Tensor): number[] {
  return t.shape.map((_, i) => i).slice(1);
}

/** Throws a ShapeError unless predictions and targets have the same shape. */
export function expectSameShape(op: string, predictions: Tensor, targets: Tensor): void {
  if (!shapesEqual(predictions.shape, targets.shape)) {
    throw new ShapeError(
      { op, argument: "targets" },
      `targets of shape ${formatShape(targets.shape)} do not match predictions of shape ${formatShape(predictions.shape)}; ` +
        "expected the same shape (reshape the labels, e.g. y.reshape([-1, 1]))",
    );
  }
  if (predictions.rank === 0) {
    throw new ShapeError({ op, argument: "predictions" }, "expected a batch (rank ≥ 1), got a scalar");
  }
}

/**
 * Throws a DTypeError unless the predictions are float and the targets of the same dtype — checked up front
 * so the error names the loss and its argument rather than an op inside it ("sub (argument 'b')").
 */
export function expectFloatTargets(op: string, predictions: Tensor, targets: Tensor, argument = "targets"): void {
  if (predictions.dtype !== "float32" && predictions.dtype !== "float64") {
    throw new DTypeError({ op, argument: "predictions" }, `expected float predictions, got ${predictions.dtype}`);
  }
  if (targets.dtype !== predictions.dtype) {
    throw new DTypeError({ op, argument }, `${argument} are ${targets.dtype} but predictions ${predictions.dtype}; cast them first, e.g. ${argument}.cast("${predictions.dtype}")`);
  }
}
