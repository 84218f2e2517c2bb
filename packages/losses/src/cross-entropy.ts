import {
  ArgumentError,
  DTypeError,
  ShapeError,
  formatShape,
  logSoftmax,
  oneHot,
  softplus,
  tidy,
  type Tensor,
} from "@neurite/tensor-core";
import { expectSameShape, reduce, sampleAxes, type LossOptions } from "./reduction.js";

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Probabilities are clipped to [ε, 1 − ε] so log never sees 0. Default 1e-7. */
  readonly epsilon?: number;
}

function checkEpsilon(op: string, epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 0.5)) throw new ArgumentError({ op, argument: "epsilon" }, `expected 0 < ε < 0.5, got ${epsilon}`);
}

/**
 * Binary cross-entropy of predicted probabilities p ∈ (0, 1) against labels y ∈ {0, 1}:
 * J = −(1/n) Σ [y log p + (1 − y) log(1 − p)] (the course notes drop the leading minus; without it the loss
 * would be negative and minimising it would be wrong). Probabilities are clipped to [ε, 1 − ε]. When the
 * model ends in a sigmoid, prefer `binaryCrossEntropyWithLogits` on the pre-sigmoid values: it is exact for
 * any logit.
 */
export function binaryCrossEntropy(probabilities: Tensor, labels: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = "binaryCrossEntropy";
  const epsilon = options.epsilon ?? 1e-7;
  checkEpsilon(op, epsilon);
  expectSameShape(op, probabilities, labels);
  return tidy(() => {
    const p = probabilities.clip(epsilon, 1 - epsilon);
    const perValue = labels.mul(p.log()).add(labels.neg().add(1).mul(p.neg().add(1).log())).neg();
    const perSample = probabilities.rank === 1 ? perValue : perValue.mean(sampleAxes(probabilities));
    return reduce(op, perSample, options.reduction ?? "mean");
  });
}

/**
 * Binary cross-entropy from logits z (the values before the sigmoid), computed as softplus(z) − z·y, which
 * never overflows: a logit of ±100 gives an exact, finite loss, and the gradient is exactly σ(z) − y.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, labels: Tensor, options: LossOptions = {}): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  expectSameShape(op, logits, labels);
  return tidy(() => {
    const perValue = softplus(logits).sub(logits.mul(labels));
    const perSample = logits.rank === 1 ? perValue : perValue.mean(sampleAxes(logits));
    return reduce(op, perSample, options.reduction ?? "mean");
  });
}

/** Options of `categoricalCrossEntropy`. */
export interface CategoricalCrossEntropyOptions extends LossOptions {
  /** Whether the predictions are logits (any real values) rather than probabilities. Default false. */
  readonly fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1] before the logarithm. Default 1e-7. */
  readonly epsilon?: number;
}

/**
 * Categorical cross-entropy −Σ_c y_c log p_c over the last axis, per sample. Labels are either one-hot (float,
 * the predictions' shape) or integer class indices (int32, the predictions' shape without the last axis).
 * With `fromLogits: true` it uses a stable log-softmax, so logits of ±100 are exact.
 *
 * ```ts
 * const logits = tensor([[0.1, 0.2, 3], [2, 0, -1]]);
 * categoricalCrossEntropy(logits, tensor([2, 0], { dtype: "int32" }), { fromLogits: true });
 * ```
 */
export function categoricalCrossEntropy(predictions: Tensor, labels: Tensor, options: CategoricalCrossEntropyOptions = {}): Tensor {
  const op = "categoricalCrossEntropy";
  const epsilon = options.epsilon ?? 1e-7;
  checkEpsilon(op, epsilon);
  if (predictions.rank < 1) throw new ShapeError({ op, argument: "predictions" }, "expected [batch, classes], got a scalar");
  const classes = predictions.shape.at(-1)!;
  if (labels.dtype === "int32") {
    const expected = predictions.shape.slice(0, -1);
    if (labels.rank !== expected.length || labels.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        { op, argument: "labels" },
        `integer labels of shape ${formatShape(labels.shape)} do not match predictions of shape ${formatShape(predictions.shape)}; expected ${formatShape(expected)}`,
      );
    }
  } else if (labels.dtype === "bool") {
    throw new DTypeError({ op, argument: "labels" }, "got bool labels; expected int32 class indices or float one-hot vectors");
  } else {
    expectSameShape(op, predictions, labels);
  }
  return tidy(() => {
    const target = labels.dtype === "int32" ? oneHot(labels, classes, { dtype: predictions.dtype }) : labels;
    const logP = options.fromLogits === true ? logSoftmax(predictions, -1) : predictions.clip(epsilon, 1).log();
    const perSample = target.mul(logP).sum(-1).neg();
    const flat = perSample.rank > 1 ? perSample.reshape([perSample.shape[0]!, -1]).mean(1) : perSample;
    return reduce(op, flat, options.reduction ?? "mean");
  });
}
