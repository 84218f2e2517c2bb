import { DTypeError, ShapeError, formatShape, shapesEqual, tidy, type Tensor } from "@neurite/tensor-core";
import { expectSameShape } from "./reduction.js";

/** Options of `binaryAccuracy`. */
export interface BinaryAccuracyOptions {
  /** Predictions at or above the threshold count as class 1. Default 0.5 (probabilities; use 0 for logits). */
  readonly threshold?: number;
}

/** Fraction of binary predictions (probabilities by default) on the right side of the threshold. */
export function binaryAccuracy(predictions: Tensor, labels: Tensor, options: BinaryAccuracyOptions = {}): Tensor {
  const op = "binaryAccuracy";
  expectSameShape(op, predictions, labels);
  return tidy(() => {
    const predicted = predictions.greaterEqual(options.threshold ?? 0.5);
    const actual = labels.dtype === "bool" ? labels : labels.greaterEqual(0.5);
    return predicted.equal(actual).cast(predictions.dtype === "float64" ? "float64" : "float32").mean();
  });
}

/**
 * Fraction of samples whose highest-scoring class (argmax over the last axis) is the label; labels are int32
 * class indices or one-hot vectors.
 */
export function categoricalAccuracy(predictions: Tensor, labels: Tensor): Tensor {
  const op = "categoricalAccuracy";
  if (labels.dtype === "bool") throw new DTypeError({ op, argument: "labels" }, "got bool labels; expected int32 class indices or one-hot vectors");
  const expected = labels.dtype === "int32" ? predictions.shape.slice(0, -1) : predictions.shape;
  if (!shapesEqual(labels.shape, expected)) {
    throw new ShapeError(
      { op, argument: "labels" },
      `labels of shape ${formatShape(labels.shape)} do not match predictions of shape ${formatShape(predictions.shape)}; expected ${formatShape(expected)}`,
    );
  }
  return tidy(() => {
    const truth = labels.dtype === "int32" ? labels : labels.argmax(-1);
    return predictions.argmax(-1).equal(truth).cast("float32").mean();
  });
}

