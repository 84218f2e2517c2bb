import { binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy, l2, mse } from "@neurite/losses";
import { ArgumentError, DTypeError, ShapeError, tensor, type Tensor } from "@neurite/tensor-core";
import type { Arranged, Refusal } from "./table.js";

/** Two tensors, a call on them, and their values as the state that must not change. */
function on(a: Tensor, b: Tensor, call: (a: Tensor, b: Tensor) => unknown): Arranged {
  return { act: () => call(a, b), state: () => [[...a.dataSync()], [...b.dataSync()]], cleanup: () => { [a, b].forEach((t) => { t.dispose(); }); } };
}

/** losses: the wrong kind of predictions, labels out of range, shapes, penalties. */
export const losses: readonly Refusal[] = [
  {
    name: "binaryCrossEntropy on logits",
    error: ArgumentError,
    words: ["binaryCrossEntropy", "probabilities", "-1 to 2.5", "binaryCrossEntropyWithLogits"],
    arrange: () => on(tensor([[2.5], [-1]]), tensor([[1], [0]]), binaryCrossEntropy),
  },
  {
    name: "binaryCrossEntropy with a label of 2",
    error: ArgumentError,
    words: ["binaryCrossEntropy", "labels", "[0, 1]", "2"],
    arrange: () => on(tensor([0.5]), tensor([2]), binaryCrossEntropy),
  },
  {
    name: "binaryCrossEntropyWithLogits with a label of 3",
    error: ArgumentError,
    words: ["binaryCrossEntropyWithLogits", "labels", "0 to 3"],
    arrange: () => on(tensor([0.5, 1]), tensor([3, 0]), binaryCrossEntropyWithLogits),
  },
  {
    name: "categoricalCrossEntropy given probabilities (logits are the default)",
    error: ArgumentError,
    words: ["categoricalCrossEntropy", "predictions", "probabilities", "fromLogits: false"],
    arrange: () => on(tensor([[0.7, 0.3]]), tensor([0], { dtype: "int32" }), categoricalCrossEntropy),
  },
  {
    name: "categoricalCrossEntropy with fromLogits: false given logits",
    error: ArgumentError,
    words: ["categoricalCrossEntropy", "fromLogits: false", "look like logits"],
    arrange: () => on(tensor([[3, -2]]), tensor([0], { dtype: "int32" }), (p, y) => categoricalCrossEntropy(p, y, { fromLogits: false })),
  },
  {
    name: "a class index outside [0, classes)",
    error: ArgumentError,
    words: ["categoricalCrossEntropy", "labels", "[0, 2)", "0 to 2"],
    arrange: () => on(tensor([[1, 2], [3, 4]]), tensor([2, 0], { dtype: "int32" }), categoricalCrossEntropy),
  },
  {
    name: "mse with targets of another shape",
    error: ShapeError,
    words: ["mse", "targets", "[2]", "[2, 1]"],
    arrange: () => on(tensor([[1], [2]]), tensor([1, 2]), mse),
  },
  {
    name: "mse with int32 targets (named as the loss's argument, not as 'sub')",
    error: DTypeError,
    words: ["mse (argument 'targets')", "int32", "float32", "cast"],
    arrange: () => on(tensor([[1], [2]]), tensor([[1], [2]], { dtype: "int32" }), mse),
  },
  {
    name: "a penalty given something that is not named parameters",
    error: ArgumentError,
    words: ["l2", "'w'", "Variable or a tensor"],
    arrange: () => ({ act: () => l2(0.1)({ w: [1, 2] } as never) }),
  },
];
