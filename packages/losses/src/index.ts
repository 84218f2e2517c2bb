/**
 * @neurite/losses — the course notes' losses, weight penalties and metrics, composed from tensor-core ops so
 * that autograd differentiates them on every backend.
 */
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy } from "./cross-entropy.js";
export type { BinaryCrossEntropyOptions, CategoricalCrossEntropyOptions, CrossEntropyOptions } from "./cross-entropy.js";
export { checkInput, deferInputChecks, refused, type InputCheck } from "./checks.js";
export { binaryAccuracy, categoricalAccuracy, type BinaryAccuracyOptions } from "./metrics.js";
export { type Loss, type LossOptions, type Reduction } from "./reduction.js";
export { halfSumSquares, l2NormError, meanAbsoluteError, mse } from "./regression.js";
export { l1, l2, lp, type Regularizer, type RegularizerOptions } from "./regularizers.js";
