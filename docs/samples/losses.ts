// The course notes' losses on one small batch, and which cross-entropy takes what.
import { print, table } from "@docs/output";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy, halfSumSquares, l2NormError, mse } from "@neurite/losses";
import { tensor } from "@neurite/tensor-core";

// Regression: predicted and true exam scores of three students.
const predicted = tensor([[0.9], [0.7], [0.8]]);
const truth = tensor([[0.93], [0.68], [0.95]]);
table([
  { loss: "MSE  (1/n) Σ (y − ŷ)²", value: (await mse(predicted, truth).data())[0]! },
  { loss: "½ Σ (ŷ − y)²", value: (await halfSumSquares(predicted, truth).data())[0]! },
  { loss: "mean ‖ŷᵢ − yᵢ‖₂", value: (await l2NormError(predicted, truth).data())[0]! },
]);

// Binary classification: binaryCrossEntropy takes probabilities in (0, 1); the WithLogits form takes raw
// scores and applies the sigmoid itself, stably.
const logits = tensor([[2], [-1], [0.5]]);
const labels = tensor([[1], [0], [1]]);
await print("BCE from probabilities =", binaryCrossEntropy(logits.sigmoid(), labels));
await print("BCE from logits        =", binaryCrossEntropyWithLogits(logits, labels));

// Several classes: categoricalCrossEntropy takes logits by default (as PyTorch's), probabilities with { fromLogits: false }.
const scores = tensor([[2, 0.5, -1], [0, 3, 0]]);
const classes = tensor([[1, 0, 0], [0, 1, 0]]); // one-hot
await print("CCE from probabilities =", categoricalCrossEntropy(scores.softmax(), classes, { fromLogits: false }));
await print("CCE from logits        =", categoricalCrossEntropy(scores, classes));
