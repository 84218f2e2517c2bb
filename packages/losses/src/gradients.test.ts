import { grad, gradcheck } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { randomNormal, randomUniform, setBackend, tensor, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  categoricalCrossEntropy,
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

const f64 = { dtype: "float64" } as const;

describe("gradients pass gradcheck (float64 finite differences)", () => {
  const predictions = () => randomNormal([4, 3], { seed: 1, ...f64 });
  const targets = () => randomNormal([4, 3], { seed: 2, ...f64 });
  const probabilities = () => randomUniform([4, 3], { seed: 3, min: 0.05, max: 0.95, ...f64 });
  const labels = () => randomUniform([4, 3], { seed: 4, ...f64 }).greater(0.5).cast("float64");

  it.each([
    ["mse", (p: Tensor, y: Tensor) => mse(p, y)],
    ["halfSumSquares", (p: Tensor, y: Tensor) => halfSumSquares(p, y)],
    ["l2NormError", (p: Tensor, y: Tensor) => l2NormError(p, y)],
    ["meanAbsoluteError", (p: Tensor, y: Tensor) => meanAbsoluteError(p, y)],
    ["mse, reduction none", (p: Tensor, y: Tensor) => mse(p, y, { reduction: "none" })],
  ] as const)("%s", async (_, loss) => {
    const report = await gradcheck(loss, [predictions(), targets()]);
    expect(report.ok).toBe(true);
  });

  it("binaryCrossEntropy (with respect to the probabilities)", async () => {
    const y = labels();
    expect((await gradcheck((p) => binaryCrossEntropy(p, y, { validate: false }), [probabilities()])).ok).toBe(true);
  });

  it("binaryCrossEntropyWithLogits", async () => {
    const y = labels();
    expect((await gradcheck((z) => binaryCrossEntropyWithLogits(z, y), [predictions()])).ok).toBe(true);
  });

  it("categoricalCrossEntropy from logits and from probabilities", async () => {
    const classes = tensor([0, 2, 1, 2], { dtype: "int32" });
    expect((await gradcheck((z) => categoricalCrossEntropy(z, classes), [predictions()])).ok).toBe(true);
    // Class indices are one weighted sum for every reduction.
    expect((await gradcheck((z) => categoricalCrossEntropy(z, classes, { reduction: "sum" }), [predictions()])).ok).toBe(true);
    expect((await gradcheck((z) => categoricalCrossEntropy(z, classes, { reduction: "none" }), [predictions()])).ok).toBe(true);
    const oneHot = tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], f64);
    expect((await gradcheck((p) => categoricalCrossEntropy(p, oneHot, { fromLogits: false, validate: false }), [probabilities()])).ok).toBe(true);
  });

  it("the l1, l2 and lp penalties", async () => {
    const w = () => randomNormal([3, 2], { seed: 5, ...f64 });
    for (const penalty of [l1(0.1), l2(0.1), lp(3, 2, 0.1), lp(1.5, 1, 0.1)]) {
      expect((await gradcheck((weights) => penalty({ weight: weights }), [w()])).ok).toBe(true);
    }
  });
});

describe("gradients stay finite for extreme logits", () => {
  it("binaryCrossEntropyWithLogits at ±100 has the gradient (σ(z) − y)/n", () => {
    const z = tensor([[100], [-100], [100], [-100], [0]]);
    const y = tensor([[1], [1], [0], [0], [1]]);
    const dz = grad((logits: Tensor) => binaryCrossEntropyWithLogits(logits, y))(z);
    expect([...dz.dataSync()].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, -0.2, 0.2, 0, -0.1]);
  });

  it("categoricalCrossEntropy from logits at ±100 has the gradient (softmax − onehot)/n", () => {
    const z = tensor([[100, -100, 0]]);
    const dz = grad((logits: Tensor) => categoricalCrossEntropy(logits, tensor([1], { dtype: "int32" })))(z);
    expect([...dz.dataSync()].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1, -1, 0]);
  });

  it("l2NormError at a perfect prediction has gradient 0, not NaN", () => {
    const dp = grad((p: Tensor) => l2NormError(p, tensor([[1, 2]])))(tensor([[1, 2]]));
    expect([...dp.dataSync()]).toEqual([0, 0]);
  });

  it("binaryCrossEntropyWithLogits has the gradient σ(0) − y = ±½ at z = 0 exactly", () => {
    const dz = grad((logits: Tensor) => binaryCrossEntropyWithLogits(logits, tensor([1, 0]), { reduction: "sum" }))(tensor([0, 0]));
    expect([...dz.dataSync()]).toEqual([-0.5, 0.5]);
  });
});
