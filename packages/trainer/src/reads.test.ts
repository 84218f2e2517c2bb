import { cpu } from "@neurite/backend-cpu";
import { fromArrays } from "@neurite/data-loaders";
import { dense, dropout, sequential } from "@neurite/layers";
import { binaryAccuracy, binaryCrossEntropyWithLogits } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { setBackend, type Backend } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Callback } from "./callbacks/callback.js";
import { fit } from "./fit.js";

/** Every read of device memory back to the host (async or sync) made through the current backend. */
let reads = 0;

/** backend-cpu behind a proxy that counts `read` and `readSync`: the blocking round-trips of a GPU. */
function countingReads(backend: Backend): Backend {
  return new Proxy(backend, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      if (key === "read" || key === "readSync") {
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

beforeAll(async () => {
  await setBackend(countingReads(cpu()));
});

describe("reads only when asked", () => {
  it("a fit step makes no blocking read between log points; each log point reads a fixed, small number of times", async () => {
    const data = fromArrays(
      Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i)]),
      Array.from({ length: 64 }, (_, i) => [i % 2]),
    );
    const model = sequential([dense(2, 8, { seed: 1, activation: "relu" }), dropout(0.2), dense(8, 1, { seed: 2 })]);
    const perBatch: { reads: number; logged: boolean }[] = [];
    let last = 0;
    const counter: Callback = {
      onEpochBegin: () => {
        last = reads;
      },
      onBatchEnd: (logs) => {
        perBatch.push({ reads: reads - last, logged: logs.loss !== undefined });
        last = reads;
      },
    };
    // 16 batches per epoch, a log point every 4th; metrics and the loss's input checks included.
    const history = await fit(model, data, {
      loss: binaryCrossEntropyWithLogits,
      metrics: { accuracy: (p, y) => binaryAccuracy(p.sigmoid(), y) },
      optimizer: adam({ lr: 0.01 }),
      epochs: 2,
      batchSize: 4,
      seed: 1,
      logEvery: 4,
      callbacks: [counter],
    });
    expect(perBatch).toHaveLength(32);
    const between = perBatch.filter((b) => !b.logged);
    const at = perBatch.filter((b) => b.logged);
    expect(between).toHaveLength(24);
    expect(between.every((b) => b.reads === 0)).toBe(true);
    expect(at).toHaveLength(8);
    // One read of the interval's sums and health, one of the optimizer's step count.
    expect(at.every((b) => b.reads === 2)).toBe(true);
    expect(history.steps).toBe(32);
    expect(history.series.loss).toHaveLength(2);
    expect(history.series.accuracy!.every((a) => a >= 0 && a <= 1)).toBe(true);
    model.dispose();
  });

  it("without logEvery, the only reads are at the end of each epoch", async () => {
    const data = fromArrays(Array.from({ length: 32 }, (_, i) => [i / 32]), Array.from({ length: 32 }, (_, i) => [i % 2]));
    const model = sequential([dense(1, 1, { seed: 3 })]);
    const start = reads;
    const atBatchEnd: number[] = [];
    await fit(model, data, {
      loss: binaryCrossEntropyWithLogits,
      optimizer: adam(),
      epochs: 3,
      batchSize: 4,
      callbacks: [{ onBatchEnd: () => void atBatchEnd.push(reads - start) }],
    });
    // 8 batches per epoch: nothing read during an epoch's batches; 2 reads at each epoch's end.
    expect(atBatchEnd).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4]);
    expect(reads - start).toBe(6);
    model.dispose();
  });
});
