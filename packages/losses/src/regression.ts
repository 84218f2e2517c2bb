import { tidy, where, type Tensor } from "@neurite/tensor-core";
import { expectFloatTargets, expectSameShape, reduce, sampleAxes, type LossOptions } from "./reduction.js";

/**
 * Mean squared error, J = (1/n) Σ (ŷ − y)²: the mean over each sample's values, then the reduction over the
 * batch (mean by default). For regression.
 *
 * ```ts
 * mse(tensor([[1], [3]]), tensor([[0], [1]])); // (1 + 4) / 2 = 2.5
 * ```
 */
export function mse(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  const op = "mse";
  expectSameShape(op, predictions, targets);
  expectFloatTargets(op, predictions, targets);
  return tidy(() => {
    const squared = predictions.sub(targets).square();
    const perSample = predictions.rank === 1 ? squared : squared.mean(sampleAxes(predictions));
    return reduce(op, perSample, options.reduction ?? "mean");
  });
}

/**
 * The course notes' cost C = Σ ½(ŷ − y)²: half the squared error, summed over each sample's values and, by
 * default, over the batch too (reduction `"sum"`). The ½ makes the derivative simply ŷ − y.
 */
export function halfSumSquares(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  const op = "halfSumSquares";
  expectSameShape(op, predictions, targets);
  expectFloatTargets(op, predictions, targets);
  return tidy(() => {
    const halfSquared = predictions.sub(targets).square().mul(0.5);
    const perSample = predictions.rank === 1 ? halfSquared : halfSquared.sum(sampleAxes(predictions));
    return reduce(op, perSample, options.reduction ?? "sum");
  });
}

/**
 * The course notes' per-sample error εᵢ = ‖ŷᵢ − yᵢ‖₂ (the Euclidean distance), reduced over the batch (mean by
 * default). The norm's gradient at a perfect prediction is taken as 0 rather than 0/0.
 */
export function l2NormError(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  const op = "l2NormError";
  expectSameShape(op, predictions, targets);
  expectFloatTargets(op, predictions, targets);
  return tidy(() => {
    const squared = predictions.sub(targets).square();
    const total = predictions.rank === 1 ? squared : squared.sum(sampleAxes(predictions));
    // sqrt′(0) is infinite; routing zeros through a safe value keeps the gradient finite (0) there.
    const positive = total.greater(0);
    const norm = where(positive, where(positive, total, 1).sqrt(), 0);
    return reduce(op, norm, options.reduction ?? "mean");
  });
}

/** Mean absolute error (1/n) Σ |ŷ − y| per sample, reduced over the batch (mean by default). */
export function meanAbsoluteError(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  const op = "meanAbsoluteError";
  expectSameShape(op, predictions, targets);
  expectFloatTargets(op, predictions, targets);
  return tidy(() => {
    const absolute = predictions.sub(targets).abs();
    const perSample = predictions.rank === 1 ? absolute : absolute.mean(sampleAxes(predictions));
    return reduce(op, perSample, options.reduction ?? "mean");
  });
}
