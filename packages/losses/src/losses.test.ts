import { cpu } from "@neurite/backend-cpu";
import { valueAndGrad } from "@neurite/autograd";
import { ArgumentError, DTypeError, ShapeError, memory, setBackend, tensor, variable, type Tensor, type Variable } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  binaryAccuracy,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  categoricalAccuracy,
  categoricalCrossEntropy,
  deferInputChecks,
  refused,
  halfSumSquares,
  l1,
  l2,
  l2NormError,
  lp,
  meanAbsoluteError,
  mse,
} from "./index.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const value = (t: Tensor): number => t.itemSync();
function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
const values = (t: Tensor): number[] => [...t.dataSync()];

describe("regression losses", () => {
  const predictions = () => tensor([[1, 2], [3, 4]]);
  const targets = () => tensor([[0, 0], [0, 0]]);

  it("mse averages squared errors per sample, then over the batch", () => {
    expect(value(mse(tensor([[1], [3]]), tensor([[0], [1]])))).toBeCloseTo(2.5, 6);
    expect(value(mse(predictions(), targets()))).toBeCloseTo(7.5, 6);
    expect(value(mse(predictions(), targets(), { reduction: "sum" }))).toBeCloseTo(15, 6);
    expect(values(mse(predictions(), targets(), { reduction: "none" }))).toEqual([2.5, 12.5]);
  });

  it("halfSumSquares is the course notes' C = Σ ½(ŷ − y)², summed by default", () => {
    expect(value(halfSumSquares(predictions(), targets()))).toBeCloseTo(15, 6);
    expect(values(halfSumSquares(predictions(), targets(), { reduction: "none" }))).toEqual([2.5, 12.5]);
  });

  it("l2NormError is ‖ŷ − y‖₂ per sample", () => {
    expect(values(l2NormError(tensor([[3, 4], [0, 0]]), tensor([[0, 0], [0, 0]]), { reduction: "none" }))).toEqual([5, 0]);
    expect(value(l2NormError(tensor([[3, 4], [6, 8]]), tensor([[0, 0], [0, 0]])))).toBeCloseTo(7.5, 6);
  });

  it("meanAbsoluteError averages |ŷ − y|", () => {
    expect(value(meanAbsoluteError(tensor([1, -1, 4]), tensor([0, 0, 0])))).toBeCloseTo(2, 6);
  });
});

describe("cross-entropies", () => {
  it("binaryCrossEntropy matches −[y log p + (1 − y) log(1 − p)]", () => {
    const loss = binaryCrossEntropy(tensor([[0.9], [0.2]]), tensor([[1], [0]]));
    expect(value(loss)).toBeCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, 6);
  });

  it("binaryCrossEntropy clips probabilities of exactly 0 and 1 instead of returning Infinity", () => {
    const loss = value(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0])));
    expect(Number.isFinite(loss)).toBe(true);
    // In float32, 1 − 1e-7 rounds to 0.99999988, so the clipped p = 1 sits slightly further from 1.
    const expected = (-Math.log(Math.fround(1e-7)) - Math.log(1 - Math.fround(1 - 1e-7))) / 2;
    expect(loss).toBeCloseTo(expected, 3);
  });

  it("binaryCrossEntropyWithLogits is exact for logits of ±100", () => {
    const perSample = values(binaryCrossEntropyWithLogits(tensor([0, 100, -100, 100, -100]), tensor([1, 1, 1, 0, 0]), { reduction: "none" }));
    expect(perSample[0]).toBeCloseTo(Math.log(2), 6);
    expect(perSample[1]).toBeCloseTo(0, 6);
    expect(perSample[2]).toBeCloseTo(100, 4);
    expect(perSample[3]).toBeCloseTo(100, 4);
    expect(perSample[4]).toBeCloseTo(0, 6);
  });

  it("categoricalCrossEntropy from logits, with integer and one-hot labels", () => {
    const logits = tensor([[1, 2, 3], [100, -100, 0]]);
    const expected = [Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3, 200];
    const fromIndices = values(categoricalCrossEntropy(logits, tensor([2, 1], { dtype: "int32" }), { reduction: "none" }));
    fromIndices.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    const fromOneHot = values(categoricalCrossEntropy(logits, tensor([[0, 0, 1], [0, 1, 0]]), { reduction: "none" }));
    fromOneHot.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it("categoricalCrossEntropy with class indices (one weighted sum) equals the one-hot form for every reduction", () => {
    const logits = tensor([[1, 2, 3], [0.5, -1, 2], [3, 0, -2]]);
    const indices = tensor([2, 0, 1], { dtype: "int32" });
    const oneHot = tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    for (const reduction of ["mean", "sum", "none"] as const) {
      const a = values(categoricalCrossEntropy(logits, indices, { reduction }));
      const b = values(categoricalCrossEntropy(logits, oneHot, { reduction }));
      expect(a.length).toBe(b.length);
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    }
  });

  it("categoricalCrossEntropy from probabilities", () => {
    expect(value(categoricalCrossEntropy(tensor([[0.7, 0.2, 0.1]]), tensor([[1, 0, 0]]), { fromLogits: false }))).toBeCloseTo(-Math.log(0.7), 6);
  });
});

describe("regularizers", () => {
  const parameters = () => ({ "dense.weight": tensor([[1, -2]]), "dense.bias": tensor([5]) });

  it("apply to weights and not to biases by default", () => {
    expect(value(l1(0.1)(parameters()))).toBeCloseTo(0.3, 6);
    expect(value(l2(0.1)(parameters()))).toBeCloseTo(0.5, 6);
    expect(value(l2(0.1, { appliesTo: () => true })(parameters()))).toBeCloseTo(3, 6);
  });

  it("lp(p, q) is λ‖w‖ₚ^q", () => {
    expect(value(lp(3, 3, 1)(parameters()))).toBeCloseTo(9, 5);
    expect(value(lp(2, 1, 1)(parameters()))).toBeCloseTo(Math.sqrt(5), 6);
    expect(value(lp(1, 2, 2)(parameters()))).toBeCloseTo(18, 5);
  });

  it("take a model's named parameters (Variables), as namedParameters() returns them", () => {
    const named = { "dense.weight": variable(tensor([[1, -2]])), "dense.bias": variable(tensor([5])) };
    expect(value(l2(0.1)(named))).toBeCloseTo(0.5, 6);
    expect(value(l1(0.1)(named))).toBeCloseTo(0.3, 6);
    expect(value(lp(3, 3, 1)(named))).toBeCloseTo(9, 5);
    // Differentiated through the variable's current value: ∂(λ Σw²)/∂w = 2λw.
    const [, grads] = valueAndGrad((p: Record<string, Variable>) => l2(0.1)(p))(named);
    expect(values(grads["dense.weight"]!).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.2, -0.4]);
    expect(values(grads["dense.bias"]!)).toEqual([0]);
  });

  it("refuse what is not named parameters, naming the entry", () => {
    expect(() => l2(0.1)(tensor([1]) as never)).toThrow("expected named parameters, e.g. model.namedParameters()");
    expect(() => l2(0.1)({ w: [1, 2] } as never)).toThrow("l2 (argument 'w'): expected a Variable or a tensor for 'w', got object");
  });

  it("refuse a negative or NaN strength and p < 1", () => {
    expect(() => l2(-1)).toThrow(ArgumentError);
    expect(() => l1(Number.NaN)).toThrow("l1 (argument 'strength'): expected a finite λ ≥ 0, got NaN");
    expect(() => lp(0.5, 1, 1)).toThrow(ArgumentError);
  });
});

describe("metrics", () => {
  it("binaryAccuracy thresholds probabilities at 0.5", () => {
    expect(value(binaryAccuracy(tensor([[0.9], [0.4], [0.6], [0.1]]), tensor([[1], [1], [0], [0]])))).toBeCloseTo(0.5, 6);
  });

  it("categoricalAccuracy compares the argmax with the label", () => {
    const predictions = tensor([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]);
    expect(value(categoricalAccuracy(predictions, tensor([1, 0, 0], { dtype: "int32" })))).toBeCloseTo(2 / 3, 6);
    expect(value(categoricalAccuracy(predictions, tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1]])))).toBeCloseTo(1, 6);
  });
});

describe("bad input", () => {
  it("labels whose shape does not match the predictions get a ShapeError naming both shapes", () => {
    expect(() => mse(tensor([[1], [2]]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => mse(tensor([[1], [2]]), tensor([1, 2]))).toThrow(
      "mse (argument 'targets'): targets of shape [2] do not match predictions of shape [2, 1]",
    );
    expect(() => categoricalCrossEntropy(tensor([[0.5, 0.5]]), tensor([[1]], { dtype: "int32" }))).toThrow(
      "categoricalCrossEntropy (argument 'labels'): integer labels of shape [1, 1] do not match predictions of shape [1, 2]; expected [1]",
    );
    expect(() => categoricalAccuracy(tensor([[0.5, 0.5]]), tensor([true]))).toThrow(DTypeError);
  });

  it("int32 targets are a DTypeError naming the loss and its argument, not an op inside it", () => {
    expect(() => mse(tensor([[1], [2]]), tensor([[1], [2]], { dtype: "int32" }))).toThrow(
      'mse (argument \'targets\'): targets are int32 but predictions float32; cast them first, e.g. targets.cast("float32")',
    );
    expect(() => binaryCrossEntropyWithLogits(tensor([1]), tensor([1], { dtype: "int32" }))).toThrow("binaryCrossEntropyWithLogits (argument 'labels'): labels are int32");
    expect(() => meanAbsoluteError(tensor([1], { dtype: "int32" }), tensor([1], { dtype: "int32" }))).toThrow(DTypeError);
  });

  it("a bad reduction or epsilon is refused", () => {
    // @ts-expect-error: checking the run-time guard
    expect(() => mse(tensor([1]), tensor([1]), { reduction: "avg" })).toThrow(ArgumentError);
    expect(() => binaryCrossEntropy(tensor([0.5]), tensor([1]), { epsilon: 0 })).toThrow(ArgumentError);
  });

  it("binaryCrossEntropy refuses logits, naming binaryCrossEntropyWithLogits", () => {
    const error = catchError(() => binaryCrossEntropy(tensor([[2.5], [-1]]), tensor([[1], [0]])));
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toBe(
      "binaryCrossEntropy (argument 'probabilities'): expected probabilities in [0, 1], got values from -1 to 2.5; these look like logits — use binaryCrossEntropyWithLogits for values before the sigmoid",
    );
  });

  it("both binary cross-entropies refuse labels outside [0, 1] (2 gave 0.693, 3 a negative loss)", () => {
    expect(() => binaryCrossEntropy(tensor([0.5]), tensor([2]))).toThrow("binaryCrossEntropy (argument 'labels'): expected labels in [0, 1] (a class's probability), got values from 2 to 2");
    expect(() => binaryCrossEntropyWithLogits(tensor([0.5, 1]), tensor([3, 0]))).toThrow(
      "binaryCrossEntropyWithLogits (argument 'labels'): expected labels in [0, 1] (a class's probability), got values from 0 to 3",
    );
    expect(() => binaryCrossEntropyWithLogits(tensor([0.5]), tensor([Number.NaN]))).toThrow(ArgumentError);
    // Soft labels inside [0, 1] are fine.
    expect(value(binaryCrossEntropyWithLogits(tensor([0]), tensor([0.3])))).toBeCloseTo(Math.log(2), 6);
  });

  it("categoricalCrossEntropy takes logits by default and refuses probabilities there, and the reverse", () => {
    const probabilities = tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
    const classes = tensor([0, 2], { dtype: "int32" });
    expect(() => categoricalCrossEntropy(probabilities, classes)).toThrow(
      "categoricalCrossEntropy (argument 'predictions'): expected logits (the values before the softmax, the default), got rows in [0, 1] that sum to 1 — probabilities; pass fromLogits: false",
    );
    expect(() => categoricalCrossEntropy(tensor([[3, -1, 0.5]]), tensor([0], { dtype: "int32" }), { fromLogits: false })).toThrow(
      "categoricalCrossEntropy (argument 'predictions'): fromLogits: false expects probabilities (rows in [0, 1] summing to 1), got values from -1 to 3",
    );
    // Rows in [0, 1] that do not sum to 1 are not probabilities either.
    expect(() => categoricalCrossEntropy(tensor([[0.5, 0.6]]), tensor([0], { dtype: "int32" }), { fromLogits: false })).toThrow("these look like logits");
    expect(value(categoricalCrossEntropy(probabilities, classes, { fromLogits: false }))).toBeCloseTo(-(Math.log(0.7) + Math.log(0.8)) / 2, 6);
  });

  it("categoricalCrossEntropy refuses class indices outside [0, classes) (such a row counted as 0)", () => {
    const logits = tensor([[1, 2, 3], [0, 0, 0]]);
    expect(() => categoricalCrossEntropy(logits, tensor([3, 0], { dtype: "int32" }))).toThrow(
      "categoricalCrossEntropy (argument 'labels'): expected class indices in [0, 3) for 3 classes, got indices from 0 to 3",
    );
    expect(() => categoricalCrossEntropy(logits, tensor([-1, 0], { dtype: "int32" }))).toThrow("got indices from -1 to 0");
    expect(() => categoricalCrossEntropy(logits, tensor([[0, 2, 0], [1, 0, 0]]))).toThrow("expected labels in [0, 1]");
  });

  it("validate: false skips the checks (for speed) and computes the same loss on valid input", () => {
    const logits = tensor([[1, 2, 3]]);
    const classes = tensor([1], { dtype: "int32" });
    expect(value(categoricalCrossEntropy(logits, classes, { validate: false }))).toBe(value(categoricalCrossEntropy(logits, classes)));
    expect(() => binaryCrossEntropy(tensor([2]), tensor([1]), { validate: false })).not.toThrow();
  });

  it("deferInputChecks collects the checks as device values instead of reading them", () => {
    const before = memory().tensors;
    const { value: loss, checks } = deferInputChecks(() => binaryCrossEntropy(tensor([1.5]), tensor([1])));
    expect(checks).toHaveLength(2);
    // Two scalars each (the smallest and largest value), read here instead of inside the loss.
    const [probabilities, labels] = checks.map((c) => c.values.map((v) => v.dataSync()[0]!));
    expect(probabilities).toEqual([1.5, 1.5]);
    expect(labels).toEqual([1, 1]);
    expect([refused(checks[0]!, probabilities!), refused(checks[1]!, labels!)]).toEqual([true, false]);
    expect(checks[0]!.refuse(probabilities!).message).toContain("use binaryCrossEntropyWithLogits");
    for (const c of checks) for (const v of c.values) v.dispose();
    loss.dispose();
    expect(memory().tensors).toBe(before + 2);
  });

  it("losses leave no intermediate tensors behind", () => {
    const p = tensor([[0.9], [0.2]]);
    const y = tensor([[1], [0]]);
    const before = memory().tensors;
    const loss = binaryCrossEntropy(p, y);
    expect(memory().tensors).toBe(before + 1);
    loss.dispose();
  });
});
