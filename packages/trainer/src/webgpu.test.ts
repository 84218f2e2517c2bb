import { cpu } from "@neurite/backend-cpu";
import { webgpu, type WebGpuBackend } from "@neurite/backend-webgpu";
import { fromArrays } from "@neurite/data-loaders";
import { dense, dropout, sequential, type Module } from "@neurite/layers";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, mse, type Loss } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { ArgumentError, memory, setBackend, type Tensor } from "@neurite/tensor-core";
import { create } from "webgpu";
import { afterAll, describe, expect, it } from "vitest";
import { TrainingError } from "./errors.js";
import { fit } from "./fit.js";
import { settledTensors } from "./testing/settled-tensors.js";

/**
 * fit on @neurite/backend-webgpu (Dawn in Node; SwiftShader's Vulkan driver without a GPU, see
 * vitest.config.ts), where nothing can be read synchronously: the guarded steps, the deferred input checks
 * and the log-point reads must work there too. A missing adapter fails every test.
 */

// Dawn's Node binding crashes the process if this object is collected while a device created from it lives.
let gpuObject: ReturnType<typeof create> | undefined;
let backend: Promise<WebGpuBackend> | undefined;
const reference = cpu();

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

const weights = async (m: Module): Promise<number[][]> => Promise.all(Object.values(m.namedParameters()).map(async (v) => [...(await v.value.data())]));

const data = () => fromArrays(Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(i)]), Array.from({ length: 16 }, (_, i) => [i % 2]));

describe("fit on webgpu", () => {
  it("trains the same weights as backend-cpu: the optimizer's and the guard's programs compute what they do there", async () => {
    const run = async (): Promise<number[][]> => {
      const model = sequential([dense(2, 4, { activation: "tanh", seed: 1 }), dense(4, 1, { seed: 2 })]);
      // Disposed here, not left to the collector: its moments would otherwise be freed whenever it runs, in
      // the middle of the next test's count.
      const optimizer = adam({ lr: 0.05 });
      await fit(model, data(), { loss: mse, optimizer, epochs: 3, batchSize: 4, shuffle: false, logEvery: 3 });
      const values = await weights(model);
      optimizer.dispose();
      model.dispose();
      return values;
    };
    await setBackend(reference);
    const onCpu = await run();
    await onGpu();
    const gpu = await run();
    gpu.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(onCpu[i]![j]!, 5)));
  });

  it("trains with dropout and Adam through guarded steps, and leaks nothing", async () => {
    await onGpu();
    const model = sequential([dense(2, 8, { seed: 1, activation: "relu" }), dropout(0.2), dense(8, 1, { seed: 2 })]);
    const optimizer = adam({ lr: 0.05 });
    const before = await settledTensors();
    const history = await fit(model, data(), { loss: binaryCrossEntropyWithLogits, optimizer, epochs: 4, batchSize: 4, seed: 1, logEvery: 2 });
    expect(history.steps).toBe(16);
    expect(await optimizer.settle()).toBe(16);
    expect(history.series.loss!.at(-1)).toBeLessThan(history.series.loss![0]!);
    optimizer.dispose();
    expect(memory().tensors).toBe(before);
    model.dispose();
  });

  it("skips an update whose gradient is NaN without touching the weights", async () => {
    await onGpu();
    const model = sequential([dense(2, 1, { seed: 3 })]);
    const start = await weights(model);
    let calls = 0;
    const nanOnFirst: Loss = (p: Tensor, y: Tensor) => (++calls === 1 ? mse(p, y).add(p.mul(0).sqrt().sum()) : mse(p, y));
    const optimizer = adam({ lr: 0.1 });
    const history = await fit(model, data(), { loss: nanOnFirst, optimizer, epochs: 1, batchSize: 16, onNonFinite: "skip" });
    expect([history.steps, history.skipped, await optimizer.settle()]).toEqual([0, 1, 0]);
    expect(await weights(model)).toEqual(start);
    optimizer.dispose();
    model.dispose();
  });

  it("runs the loss's input checks inside fit, where a synchronous read is impossible", async () => {
    await onGpu();
    const model = sequential([dense(2, 1, { seed: 4 })]);
    // No sigmoid: the outputs are logits, which binaryCrossEntropy must refuse.
    const error = (await fit(model, data(), { loss: binaryCrossEntropy, optimizer: adam(), epochs: 1, batchSize: 8 }).catch((e: unknown) => e)) as TrainingError;
    expect(error).toBeInstanceOf(TrainingError);
    expect([error.epoch, error.step]).toEqual([0, 0]);
    expect(error.cause).toBeInstanceOf(ArgumentError);
    expect(error.message).toContain("use binaryCrossEntropyWithLogits");
    model.dispose();
  });
});
