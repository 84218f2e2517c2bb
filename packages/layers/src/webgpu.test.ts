import { gradcheck } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { webgpu, type WebGpuBackend } from "@neurite/backend-webgpu";
import { mse } from "@neurite/losses";
import { setBackend, tensor, tidy, type Tensor } from "@neurite/tensor-core";
import { create } from "webgpu";
import { afterAll, describe, expect, it } from "vitest";
import { avgPool2d, batchNorm, conv2d, dense, Dropout, dropout, flatten, functionalCall, init, leakyRelu, maxPool2d, relu, sequential, sigmoid, softmax, softsign, tanh, type Module } from "./index.js";
import { lossAndGradients } from "./testing.js";

/**
 * The layers' gradient checks on @neurite/backend-webgpu (Dawn in Node; SwiftShader's Vulkan driver without
 * a GPU, see vitest.config.ts): the analytic gradient is taken on webgpu in float32, the finite differences
 * in float64 on backend-cpu. A missing adapter fails every test (the backend is created inside each test).
 */

// Dawn's Node binding crashes the process if this object is collected while a device created from it lives.
let gpuObject: ReturnType<typeof create> | undefined;
let backend: Promise<WebGpuBackend> | undefined;
const reference = cpu();

/** Makes webgpu the current backend (created on first use, shared by the file). */
async function onGpu(): Promise<WebGpuBackend> {
  gpuObject ??= create([]);
  backend ??= webgpu({ gpu: gpuObject });
  return setBackend(backend) as Promise<WebGpuBackend>;
}

afterAll(async () => {
  const created = await backend?.catch(() => undefined);
  await setBackend(reference);
  created?.dispose();
});

/** float32 values in [lo, hi) from a small seeded generator, on the current backend. */
function uniform(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  let state = seed * 7919 + 17;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (hi - lo) * (state / 2147483648);
  });
  return tensor(Float32Array.from(values), { shape });
}

/**
 * gradcheck of `layer` with respect to its input and every parameter, on webgpu against backend-cpu in
 * float64. Buffers (BatchNorm's running statistics) are passed too, so that the finite differences read
 * them on backend-cpu; they get no gradient in training mode, which gradcheck confirms (0 = 0).
 */
async function gradcheckOnGpu(layer: Module, x: Tensor): Promise<void> {
  const entries = Object.entries({ ...layer.namedParameters(), ...layer.namedBuffers() });
  for (const t of [x, ...entries.map(([, v]) => v.value)]) expect(t.backend.name).toBe("webgpu");
  const f = (input: Tensor, ...values: Tensor[]): Tensor => functionalCall(layer, Object.fromEntries(entries.map(([n], i) => [n, values[i]!])), input);
  const report = await gradcheck(f, [x, ...entries.map(([, v]) => v.value)], { reference });
  expect(report.ok).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
}

describe("layer gradients on webgpu pass gradcheck against float64 finite differences", () => {
  for (const activation of ["linear", "sigmoid", "tanh", "relu", "leakyRelu", "softsign", "softmax"] as const) {
    it(`Dense (${activation}) with respect to input, weight and bias`, async () => {
      await onGpu();
      await gradcheckOnGpu(dense(4, 3, { activation, seed: 5, biasInit: init.uniform(0.5) }), uniform([5, 4], 2));
    });
  }

  it("the activation layers, away from their kinks", async () => {
    await onGpu();
    const x = uniform([3, 4], 1, -3, 3);
    for (const make of [sigmoid, softsign, tanh, relu, () => leakyRelu(0.1), softmax, () => softmax(0)]) await gradcheckOnGpu(make(), x);
  });

  it("Conv2d: padding, stride, dilation, activation and NCHW", async () => {
    await onGpu();
    await gradcheckOnGpu(conv2d(2, 3, 3, { seed: 2, biasInit: init.uniform(0.5) }), uniform([2, 5, 4, 2], 5));
    await gradcheckOnGpu(conv2d(2, 2, 2, { stride: 2, padding: 1, seed: 3, activation: "tanh" }), uniform([1, 4, 5, 2], 6));
    await gradcheckOnGpu(conv2d(1, 2, 2, { dilation: 2, padding: "same", seed: 4, dataFormat: "NCHW" }), uniform([1, 1, 5, 5], 7));
  });

  it("MaxPool2d and AvgPool2d", async () => {
    await onGpu();
    await gradcheckOnGpu(maxPool2d(2), uniform([2, 4, 4, 3], 8));
    await gradcheckOnGpu(avgPool2d(2, { stride: 1, padding: "same" }), uniform([1, 3, 3, 2], 9));
    await gradcheckOnGpu(maxPool2d([2, 3], { dataFormat: "NCHW" }), uniform([1, 2, 4, 6], 10));
  });

  it("Dropout with a fixed mask", async () => {
    await onGpu();
    // A fresh layer with the same seed draws the same mask on every call, so finite differences see one
    // function; the mask is a Philox draw, the same on both backends.
    const fixed = { forward: (t: Tensor) => new Dropout(0.25, { seed: 2 }).forward(t) };
    await gradcheckOnGpu(Object.assign(dropout(0.25), fixed), uniform([3, 4], 6));
  });

  it("Flatten and BatchNorm (training and eval mode)", async () => {
    await onGpu();
    await gradcheckOnGpu(flatten(), uniform([2, 2, 3], 11));
    await gradcheckOnGpu(batchNorm(3), uniform([4, 3], 15));
    await gradcheckOnGpu(batchNorm(2, { axis: 1 }).eval(), uniform([2, 2, 3, 3], 16));
  });

  it("a whole model, with respect to its input and every parameter", async () => {
    await onGpu();
    const model = sequential([conv2d(2, 3, 2, { seed: 1 }), relu(), flatten(), dense(12, 4, { activation: "tanh", seed: 2 }), dense(4, 2, { seed: 3 })]);
    await gradcheckOnGpu(model, uniform([2, 3, 3, 2], 21));
  });
});

describe("training a Sequential MLP on webgpu and backend-cpu", () => {
  /** 30 steps of gradient descent on fixed data; the model is built on the current backend from seeds. */
  async function curve(): Promise<number[]> {
    const model = sequential([dense(3, 8, { activation: "tanh", seed: 1 }), dense(8, 8, { activation: "relu", seed: 2 }), dense(8, 1, { seed: 3 })]);
    const x = uniform([16, 3], 30);
    const y = tidy(() => x.sum(1, true).sin());
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const value = tidy(() => {
        const [loss, grads] = lossAndGradients(model, x, (p) => mse(p, y));
        for (const [name, v] of Object.entries(model.namedParameters())) v.assign(v.value.sub(grads[name]!.mul(0.1)));
        return loss;
      });
      losses.push(await value.item());
      value.dispose();
    }
    for (const t of [x, y]) t.dispose();
    model.dispose();
    return losses;
  }

  it("gives the same loss curve within 1e-4 (relative) per step, and learns", async () => {
    await setBackend(reference);
    const expected = await curve();
    await onGpu();
    const actual = await curve();
    actual.forEach((loss, i) => expect(Math.abs(loss - expected[i]!) / expected[i]!).toBeLessThan(1e-4));
    expect(actual[29]!).toBeLessThan(actual[0]! * 0.5);
  });
});
