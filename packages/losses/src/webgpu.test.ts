import { gradcheck } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { webgpu, type WebGpuBackend } from "@neurite/backend-webgpu";
import { randomNormal, randomUniform, setBackend, tensor, type Tensor } from "@neurite/tensor-core";
import { create } from "webgpu";
import { afterAll, describe, expect, it } from "vitest";
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

/**
 * gradients.test.ts on @neurite/backend-webgpu (Dawn in Node; SwiftShader's Vulkan driver without a GPU, see
 * vitest.config.ts): every loss and penalty, its analytic gradient taken on webgpu in float32 and checked
 * against float64 finite differences on backend-cpu. Targets and labels are inputs of the checked function
 * (not constants it closes over), so that the finite differences find them on backend-cpu; float targets
 * are checked too. A missing adapter fails every test (the backend is created inside each test).
 */

// Dawn's Node binding crashes the process if this object is collected while a device created from it lives.
let gpuObject: ReturnType<typeof create> | undefined;
let backend: Promise<WebGpuBackend> | undefined;
const reference = cpu();

/** Makes webgpu the current backend (created on first use, shared by the file). */
async function onGpu(): Promise<void> {
  gpuObject ??= create([]);
  backend ??= webgpu({ gpu: gpuObject });
  await setBackend(backend);
}

afterAll(async () => {
  const created = await backend?.catch(() => undefined);
  await setBackend(reference);
  created?.dispose();
});

async function check(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[]): Promise<void> {
  for (const t of inputs) expect(t.backend.name).toBe("webgpu");
  const report = await gradcheck(f, inputs, { reference });
  expect(report.ok).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
}

const predictions = () => randomNormal([4, 3], { seed: 1 });
const targets = () => randomNormal([4, 3], { seed: 2 });
const probabilities = () => randomUniform([4, 3], { seed: 3, min: 0.05, max: 0.95 });
const labels = () => randomUniform([4, 3], { seed: 4 }).greater(0.5).cast("float32");

describe("loss gradients on webgpu pass gradcheck against float64 finite differences", () => {
  it.each([
    ["mse", (p: Tensor, y: Tensor) => mse(p, y)],
    ["halfSumSquares", (p: Tensor, y: Tensor) => halfSumSquares(p, y)],
    ["l2NormError", (p: Tensor, y: Tensor) => l2NormError(p, y)],
    ["meanAbsoluteError", (p: Tensor, y: Tensor) => meanAbsoluteError(p, y)],
    ["mse, reduction none", (p: Tensor, y: Tensor) => mse(p, y, { reduction: "none" })],
    ["mse, reduction sum", (p: Tensor, y: Tensor) => mse(p, y, { reduction: "sum" })],
  ] as const)("%s (with respect to predictions and targets)", async (_, loss) => {
    await onGpu();
    await check(loss, [predictions(), targets()]);
  });

  it("binaryCrossEntropy (with respect to the probabilities and the labels)", async () => {
    await onGpu();
    // validate: false because the finite differences nudge the 0/1 labels just outside [0, 1].
    await check((p, y) => binaryCrossEntropy(p, y, { validate: false }), [probabilities(), labels()]);
  });

  it("binaryCrossEntropyWithLogits", async () => {
    await onGpu();
    await check((z, y) => binaryCrossEntropyWithLogits(z, y, { validate: false }), [predictions(), labels()]);
  });

  it("categoricalCrossEntropy from logits (int32 classes) and from probabilities (one-hot)", async () => {
    await onGpu();
    await check((z, classes) => categoricalCrossEntropy(z, classes), [predictions(), tensor([0, 2, 1, 2], { dtype: "int32" })]);
    await check((p, oneHot) => categoricalCrossEntropy(p, oneHot, { fromLogits: false, validate: false }), [probabilities(), tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])]);
  });

  it("the l1, l2 and lp penalties", async () => {
    await onGpu();
    const w = randomNormal([3, 2], { seed: 5 });
    for (const penalty of [l1(0.1), l2(0.1), lp(3, 2, 0.1), lp(1.5, 1, 0.1)]) await check((weights) => penalty({ weight: weights }), [w]);
  });
});
