import {
  ArgumentError,
  arange,
  DTypeError,
  ShapeError,
  formatShape,
  fuse,
  logSoftmax,
  noGrad,
  oneHot,
  shapesEqual,
  softplus,
  tidy,
  type Tensor,
} from "@neurite/tensor-core";
import { checkInput, extremes, shown } from "./checks.js";
import { expectFloatTargets, expectSameShape, reduce, sampleAxes, type LossOptions } from "./reduction.js";

/** Options of the cross-entropies, which check the values they are given. */
export interface CrossEntropyOptions extends LossOptions {
  /**
   * Check the input values: probabilities in [0, 1] (rows summing to 1 for the categorical loss), labels in
   * [0, 1], class indices in [0, classes). Each check is one or two reductions, read with the loss (inside
   * `fit`, at its next log point). Default true; `false` skips them for speed once the pipeline is trusted.
   */
  readonly validate?: boolean;
}

/** Labels (or one-hot/soft targets) must lie in [0, 1]; a label of 2 would give a plausible, wrong loss. */
function checkLabels(op: string, labels: Tensor): void {
  checkInput({
    values: extremes(labels),
    ranges: [[0, 1], [0, 1]],
    refuse: ([lo, hi]) => new ArgumentError({ op, argument: "labels" }, `expected labels in [0, 1] (a class's probability), got values from ${shown(lo!)} to ${shown(hi!)}`),
  });
}

export interface BinaryCrossEntropyOptions extends CrossEntropyOptions {
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
 * any logit. As in PyTorch, this one takes probabilities: values outside [0, 1] (logits) are refused, naming
 * `binaryCrossEntropyWithLogits` — clipping them would give a plausible loss with zero gradients.
 *
 * ```ts
 * binaryCrossEntropy(tensor([[0.9], [0.2]]), tensor([[1], [0]])); // (−log 0.9 − log 0.8) / 2
 * ```
 */
export function binaryCrossEntropy(probabilities: Tensor, labels: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = "binaryCrossEntropy";
  const epsilon = options.epsilon ?? 1e-7;
  checkEpsilon(op, epsilon);
  expectSameShape(op, probabilities, labels);
  expectFloatTargets(op, probabilities, labels, "labels");
  return tidy(() => {
    if (options.validate !== false) {
      checkInput({
        values: extremes(probabilities),
        ranges: [[0, 1], [0, 1]],
        refuse: ([lo, hi]) =>
          new ArgumentError(
            { op, argument: "probabilities" },
            `expected probabilities in [0, 1], got values from ${shown(lo!)} to ${shown(hi!)}; these look like logits — use binaryCrossEntropyWithLogits for values before the sigmoid`,
          ),
      });
      checkLabels(op, labels);
    }
    const p = probabilities.clip(epsilon, 1 - epsilon);
    const perValue = labels.mul(p.log()).add(labels.neg().add(1).mul(p.neg().add(1).log())).neg();
    const perSample = probabilities.rank === 1 ? perValue : perValue.mean(sampleAxes(probabilities));
    return reduce(op, perSample, options.reduction ?? "mean");
  });
}

/**
 * Binary cross-entropy from logits z (the values before the sigmoid), computed as softplus(z) − z·y, which
 * never overflows: a logit of ±100 gives an exact, finite loss, and the gradient is exactly σ(z) − y. Labels
 * outside [0, 1] are refused (a label of 3 would give a negative loss).
 *
 * ```ts
 * binaryCrossEntropyWithLogits(tensor([[2.2], [-1.4]]), tensor([[1], [0]]));
 * ```
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  expectSameShape(op, logits, labels);
  expectFloatTargets(op, logits, labels, "labels");
  return tidy(() => {
    if (options.validate !== false) checkLabels(op, labels);
    const perValue = softplus(logits).sub(logits.mul(labels));
    const perSample = logits.rank === 1 ? perValue : perValue.mean(sampleAxes(logits));
    return reduce(op, perSample, options.reduction ?? "mean");
  });
}

export interface CategoricalCrossEntropyOptions extends CrossEntropyOptions {
  /**
   * Whether the predictions are logits (any real values, the default, as PyTorch's cross-entropy takes) or
   * probabilities (`false`: a softmax output, rows in [0, 1] summing to 1).
   */
  readonly fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1] before the logarithm. Default 1e-7. */
  readonly epsilon?: number;
}

/**
 * Categorical cross-entropy −Σ_c y_c log p_c over the last axis, per sample. Labels are either one-hot (float,
 * the predictions' shape) or integer class indices (int32, the predictions' shape without the last axis).
 * Like PyTorch's cross-entropy it takes logits by default, through a stable log-softmax (logits of ±100 are
 * exact); pass `fromLogits: false` for probabilities. Each mode refuses the other's input, naming the fix:
 * logits given as probabilities would be clipped to a plausible loss with zero gradients, and a softmax
 * output given as logits trains far slower. Class indices outside [0, classes) are refused too.
 *
 * ```ts
 * const logits = tensor([[0.1, 0.2, 3], [2, 0, -1]]);
 * categoricalCrossEntropy(logits, tensor([2, 0], { dtype: "int32" }));
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
    if (!shapesEqual(labels.shape, expected)) {
      throw new ShapeError(
        { op, argument: "labels" },
        `integer labels of shape ${formatShape(labels.shape)} do not match predictions of shape ${formatShape(predictions.shape)}; expected ${formatShape(expected)}`,
      );
    }
  } else if (labels.dtype === "bool") {
    throw new DTypeError({ op, argument: "labels" }, "got bool labels; expected int32 class indices or float one-hot vectors");
  } else {
    expectSameShape(op, predictions, labels);
    expectFloatTargets(op, predictions, labels, "labels");
  }
  const fromLogits = options.fromLogits ?? true;
  return tidy(() => {
    if (options.validate !== false) {
      checkPredictions(op, predictions, fromLogits);
      if (labels.dtype === "int32") checkClasses(op, labels, classes);
      else checkLabels(op, labels);
    }
    const logP = fromLogits ? logSoftmax(predictions, -1) : predictions.clip(epsilon, 1).log();
    const reduction = options.reduction ?? "mean";
    if (labels.dtype === "int32" && predictions.rank === 2 && labels.size > 0 && REDUCTIONS.includes(reduction)) {
      return classIndexLoss(logP, labels, reduction);
    }
    const target = labels.dtype === "int32" ? oneHot(labels, classes, { dtype: predictions.dtype }) : labels;
    const perSample = target.mul(logP).sum(-1).neg();
    const flat = perSample.rank > 1 ? perSample.reshape([perSample.shape[0]!, -1]).mean(1) : perSample;
    return reduce(op, flat, reduction);
  });
}

/**
 * −log p of each row's class, reduced, for `[batch, classes]` log-probabilities and int32 class indices: one
 * weighted sum of `logP`, whose weights — −1/batch (for the mean) or −1 on each row's class, 0 elsewhere —
 * are one program made outside the tape (labels have no gradient). The tape then sees one product and one
 * sum: 3 kernels forward and 2 back, where a one-hot product, a row sum, a negation and a mean took 7 and 4.
 */
function classIndexLoss(logP: Tensor, labels: Tensor, reduction: "mean" | "sum" | "none"): Tensor {
  const [rows, classes] = logP.shape as [number, number];
  const weight = reduction === "mean" ? -1 / rows : -1;
  const weights = noGrad(() =>
    fuse("categoricalCrossEntropy", [labels.reshape([rows, 1]), arange(0, classes, 1, { dtype: "int32", backend: labels.backend })], (p, label, id) =>
      p.where(p.binary("equal", label, id), p.constant(weight, logP.dtype), p.constant(0, logP.dtype)),
    ),
  );
  const product = weights.mul(logP);
  return reduction === "none" ? product.sum(-1) : product.sum();
}

/** The reductions the weighted-sum path computes; anything else goes to `reduce`, which refuses it by name. */
const REDUCTIONS: readonly string[] = ["mean", "sum", "none"];

/** How far a row sum may stray from 1 and still count as a probability distribution (float32 softmax rounding). */
const ROW_SUM_TOLERANCE = 1e-3;

/**
 * Probabilities must be rows in [0, 1] summing to 1; logits must not be exactly that (a softmax output fed to
 * the default mode). One min, one max and one row sum.
 */
function checkPredictions(op: string, predictions: Tensor, fromLogits: boolean): void {
  // The largest distance of a row sum from 1, as one program and one max.
  const rowError = noGrad(() => fuse("rowSumError", [predictions.sum(-1)], (p, s) => p.unary("abs", p.binary("sub", s, 1))).max());
  if (!fromLogits) {
    checkInput({
      values: [...extremes(predictions), rowError],
      ranges: [
        [0, 1],
        [0, 1],
        [0, ROW_SUM_TOLERANCE],
      ],
      refuse: ([lo, hi, row]) =>
        new ArgumentError(
          { op, argument: "predictions" },
          `fromLogits: false expects probabilities (rows in [0, 1] summing to 1), got values from ${shown(lo!)} to ${shown(hi!)} and a row summing ${shown(row!)} away from 1; ` +
            "these look like logits — leave fromLogits out (logits are the default)",
        ),
    });
    return;
  }
  // A logit row can lie in [0, 1] and sum to 1 only by accident; every row doing so is a softmax output. Rows
  // of values ≥ 0 that sum to 1 have no value above 1 (+ the tolerance), so the largest value is not needed.
  checkInput({
    values: [noGrad(() => predictions.min()), rowError],
    ranges: [
      [0, Infinity],
      [0, ROW_SUM_TOLERANCE],
    ],
    refusedWhen: "inside",
    refuse: () =>
      new ArgumentError(
        { op, argument: "predictions" },
        "expected logits (the values before the softmax, the default), got rows in [0, 1] that sum to 1 — probabilities; pass fromLogits: false, or drop the final softmax",
      ),
  });
}

/** Class indices must lie in [0, classes): oneHot would turn any other into a row of zeros, a loss of 0. */
function checkClasses(op: string, labels: Tensor, classes: number): void {
  if (labels.size === 0) return;
  checkInput({
    values: extremes(labels),
    ranges: [[0, classes - 1], [0, classes - 1]],
    refuse: ([lo, hi]) => new ArgumentError({ op, argument: "labels" }, `expected class indices in [0, ${classes}) for ${classes} classes, got indices from ${shown(lo!)} to ${shown(hi!)}`),
  });
}
