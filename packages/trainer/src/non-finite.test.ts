import { cpu } from "@neurite/backend-cpu";
import { DataLoader, fromArrays, fromIterable } from "@neurite/data-loaders";
import { dense, dropout, sequential, type Module } from "@neurite/layers";
import { binaryCrossEntropy, mse, type Loss } from "@neurite/losses";
import { adam, sgd } from "@neurite/optimizers";
import { ArgumentError, memory, setBackend, tensor, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Callback } from "./callbacks/callback.js";
import { TrainingError } from "./errors.js";
import { fit } from "./fit.js";
import { settledTensors } from "./testing/settled-tensors.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const weights = (m: Module): Record<string, number[]> => Object.fromEntries(Object.entries(m.namedParameters()).map(([k, v]) => [k, [...v.value.dataSync()]]));

/** y = 2x exactly, and a dense(1, 1) that already fits it: an exact fit. */
function exactFit(): { model: Module; data: ReturnType<typeof fromArrays> } {
  const model = sequential([dense(1, 1)]);
  model.loadStateDict({ "0.weight": tensor([[2]]), "0.bias": tensor([0]) });
  return { model, data: fromArrays([[1], [2], [3], [4]], [[2], [4], [6], [8]]) };
}

/** √mse: finite (0) at an exact fit, but its gradient there is ∞ · 0 = NaN. */
const rootMse: Loss = (p, y) => mse(p, y).sqrt();

/** mse, plus a term that is 0 but has a NaN gradient (√(0·p)) on the `bad`-th call (1-based). */
function nanGradientOnCall(bad: number): Loss {
  let calls = 0;
  return (p: Tensor, y: Tensor) => (++calls === bad ? mse(p, y).add(p.mul(0).sqrt().sum()) : mse(p, y));
}

/** Snapshots of the weights after every batch. */
function afterEachBatch(): Callback & { readonly seen: Record<string, number[]>[] } {
  const seen: Record<string, number[]>[] = [];
  return { seen, onBatchEnd: (_logs, context) => void seen.push(weights(context.model)) };
}

describe("non-finite gradients with a finite loss", () => {
  it("throw a TrainingError naming epoch, step and the parameter, and leave the weights as they were", async () => {
    const { model, data } = exactFit();
    const optimizer = adam({ lr: 0.1 });
    const error: unknown = await fit(model, data, { loss: rootMse, optimizer, epochs: 3, batchSize: 2, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    const e = error as TrainingError;
    expect([e.epoch, e.step, e.parameter]).toEqual([0, 0, "0.weight"]);
    expect(e.message).toContain("the loss was finite (0) but the gradient of '0.weight', '0.bias' became NaN or infinite at epoch 0, step 0");
    expect(weights(model)).toEqual({ "0.weight": [2], "0.bias": [0] });
    expect(optimizer.iterations).toBe(0);
  });

  it("are found in the last of many parameters, where the guard is a chain of programs", async () => {
    // Five layers: ten gradients, a loss and the loss's checks are more scalars than one program reads.
    const model = sequential([1, 2, 3, 4].map((i) => dense(2, 2, { activation: "tanh", seed: i })).concat([dense(2, 1, { seed: 5 })]));
    const before = weights(model);
    // A NaN gradient for the last bias only: √(0·b) is 0 with the gradient ∞ · 0.
    const loss: Loss = (p, y) => binaryCrossEntropy(p.sigmoid(), y).add(model.namedParameters()["4.bias"]!.value.mul(0).sqrt().sum());
    const data = fromArrays([[0, 1], [1, 0], [1, 1], [0, 0]], [[1], [1], [0], [0]]);
    const error = (await fit(model, data, { loss, optimizer: adam({ lr: 0.1 }), epochs: 1, batchSize: 2, shuffle: false }).catch((e: unknown) => e)) as TrainingError;
    expect(error).toBeInstanceOf(TrainingError);
    expect([error.epoch, error.step, error.parameter]).toEqual([0, 0, "4.bias"]);
    expect(weights(model)).toEqual(before);
  });

  it('with onNonFinite: "skip" leave weights, optimizer state and step count untouched', async () => {
    const { model, data } = exactFit();
    const optimizer = adam({ lr: 0.1 });
    const history = await fit(model, data, { loss: rootMse, optimizer, epochs: 2, batchSize: 2, shuffle: false, onNonFinite: "skip" });
    expect([history.skipped, history.steps]).toEqual([4, 0]);
    expect(weights(model)).toEqual({ "0.weight": [2], "0.bias": [0] });
    expect(optimizer.iterations).toBe(0);
    expect(Object.values(optimizer.state().slots).flatMap((s) => Object.values(s).flatMap((t) => [...t.dataSync()]))).toEqual([0, 0, 0, 0]);
  });

  it("are reported at the next log point but name the step where they happened, with the weights from before it", async () => {
    const model = sequential([dense(1, 1, { seed: 1 })]);
    const data = fromArrays([[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [8]]);
    const recorder = afterEachBatch();
    // 4 batches per epoch; the 7th call is epoch 1, step 2. The log point is the end of epoch 1.
    const run = fit(model, data, { loss: nanGradientOnCall(7), optimizer: sgd({ lr: 0.01 }), epochs: 3, batchSize: 2, shuffle: false, callbacks: [recorder] });
    const error = (await run.catch((e: unknown) => e)) as TrainingError;
    expect(error).toBeInstanceOf(TrainingError);
    expect([error.epoch, error.step]).toEqual([1, 2]);
    expect(error.message).toMatch(/at epoch 1, step 2; the weights are those from before that step/);
    // Steps 2 and 3 of epoch 1 ran before the log point, but changed nothing.
    expect(recorder.seen).toHaveLength(8);
    expect(recorder.seen[6]).toEqual(recorder.seen[5]);
    expect(recorder.seen[7]).toEqual(recorder.seen[5]);
    expect(weights(model)).toEqual(recorder.seen[5]);
    expect(recorder.seen[5]).not.toEqual(recorder.seen[4]);
  });

  it("a skipped step leaves the run identical to one without that batch's update (Adam's bias correction included)", async () => {
    const data = fromArrays([[1], [2], [3], [4]], [[3], [5], [7], [9]]);
    const make = () => sequential([dense(1, 1, { seed: 2 })]);
    const skipping = make();
    const optimizer = adam({ lr: 0.05 });
    const history = await fit(skipping, data, { loss: nanGradientOnCall(2), optimizer, epochs: 1, batchSize: 1, shuffle: false, onNonFinite: "skip" });
    expect([history.steps, history.skipped, optimizer.iterations]).toEqual([3, 1, 3]);
    // The same updates by hand, leaving out the second batch.
    const reference = make();
    const plain = adam({ lr: 0.05 });
    const kept = fromArrays([[1], [3], [4]], [[3], [7], [9]]);
    await fit(reference, kept, { loss: mse, optimizer: plain, epochs: 1, batchSize: 1, shuffle: false });
    expect(weights(skipping)).toEqual(weights(reference));
  });
});

describe("inputs the loss refuses inside fit", () => {
  it("stop training with a TrainingError naming the step, caused by the loss's ArgumentError", async () => {
    const model = sequential([dense(1, 1, { seed: 3, activation: "sigmoid" })]);
    const before = weights(model);
    // Labels of 2 at the third batch.
    const data = fromArrays([[1], [2], [3], [4], [5], [6]], [[0], [1], [0], [1], [2], [2]]);
    const error = (await fit(model, data, { loss: binaryCrossEntropy, optimizer: sgd({ lr: 0.1 }), epochs: 1, batchSize: 2, shuffle: false }).catch((e: unknown) => e)) as TrainingError;
    expect(error).toBeInstanceOf(TrainingError);
    expect([error.epoch, error.step]).toEqual([0, 2]);
    expect(error.cause).toBeInstanceOf(ArgumentError);
    expect(error.message).toContain("the batch at epoch 0, step 2 was refused by the loss: binaryCrossEntropy (argument 'labels'): expected labels in [0, 1]");
    expect(weights(model)).not.toEqual(before);
  });
});

describe("fit refuses work it cannot do, and leaks nothing when it fails", () => {
  it("an empty dataset or a loader that yields no batch is refused like evaluate does", async () => {
    const model = sequential([dense(1, 1)]);
    const options = { loss: mse, optimizer: sgd(), epochs: 2 };
    const tiny = fromArrays([[1], [2]], [[1], [2]]);
    await expect(fit(model, new DataLoader(tiny, { batchSize: 4, dropLast: true }), options)).rejects.toThrow(
      "fit (argument 'data'): the data yields no batch (no samples, or dropLast with a batch larger than the data)",
    );
    const nothing = fromIterable(() => [] as { x: number[]; y: number[] }[]);
    await expect(fit(model, nothing, options)).rejects.toThrow(ArgumentError);
  });

  it("no optimizer, or an unknown onNonFinite, is a typed error naming the argument", async () => {
    const model = sequential([dense(1, 1)]);
    const data = fromArrays([[1]], [[1]]);
    await expect(fit(model, data, { loss: mse, epochs: 1 } as never)).rejects.toThrow(
      "fit (argument 'optimizer'): expected an optimizer, e.g. adam({ lr: 0.01 }) from @neurite/optimizers, got undefined",
    );
    await expect(fit(model, data, { loss: mse, optimizer: sgd(), epochs: 1, onNonFinite: "ignore" as never })).rejects.toThrow(
      'fit (argument \'onNonFinite\'): expected "error" or "skip", got "ignore"',
    );
    await expect(fit(model, data, undefined as never)).rejects.toThrow(ArgumentError);
  });

  it("a loss that throws leaves no tensor behind (the batch, the kept predictions)", async () => {
    const model = sequential([dense(2, 1, { seed: 1 })]);
    const data = fromArrays([[1, 2], [3, 4]], [[1, 0], [0, 1]]);
    const before = await settledTensors();
    await expect(fit(model, data, { loss: mse, optimizer: sgd(), epochs: 1, batchSize: 2 })).rejects.toThrow("targets of shape [2, 2] do not match predictions of shape [2, 1]");
    expect(memory().tensors).toBe(before);
    await expect(fit(model, data, { loss: mse, optimizer: sgd(), epochs: 1, batchSize: 1, logEvery: 1, minUpdate: 1e-9 })).rejects.toThrow(/targets of shape/);
    expect(memory().tensors).toBe(before);
  });

  it("a run that stops with a TrainingError leaves no tensor behind", async () => {
    const { model, data } = exactFit();
    const optimizer = adam();
    const before = await settledTensors();
    await expect(fit(model, data, { loss: rootMse, optimizer, epochs: 1, batchSize: 1 })).rejects.toThrow(TrainingError);
    optimizer.dispose(); // its moments are its own state, not a leak
    expect(memory().tensors).toBe(before);
  });
});

describe("dropout in concurrent fit calls", () => {
  it("repeats per seed, whatever else runs at the same time", async () => {
    const data = () => fromArrays(Array.from({ length: 16 }, (_, i) => [i / 16, 1 - i / 16, (i % 3) / 3]), Array.from({ length: 16 }, (_, i) => [i % 2]));
    const make = () => sequential([dense(3, 8, { seed: 1, activation: "relu" }), dropout(0.5), dense(8, 1, { seed: 2 })]);
    const train = async (seed: number) => {
      const model = make();
      await fit(model, data(), { loss: mse, optimizer: sgd({ lr: 0.1 }), epochs: 3, batchSize: 2, seed });
      return weights(model);
    };
    const alone = [await train(1), await train(2)];
    expect(alone[0]).not.toEqual(alone[1]);
    const together = await Promise.all([train(1), train(2)]);
    expect(together).toEqual(alone);
  });
});
