import { cpu } from "@neurite/backend-cpu";
import { conv2d, dense, dropout, flatten, maxPool2d, relu, sequential, type Module } from "@neurite/layers";
import { adam } from "@neurite/optimizers";
import { randomUniform, setBackend } from "@neurite/tensor-core";
import { CheckpointError, saveTraining } from "@neurite/trainer";
import { beforeAll, describe, expect, it } from "vitest";
import { modelFromCheckpoint } from "./checkpoint.js";

beforeAll(async () => {
  await setBackend(cpu());
});

// The two networks apps/digits trains (its models.ts), with and without dropout.
const mlp = (rate: number): Module =>
  sequential([dense(784, 128, { activation: "relu", init: "heNormal", seed: 1 }), ...(rate > 0 ? [dropout(rate)] : []), dense(128, 10, { seed: 2 })]);
const cnn = (rate: number): Module =>
  sequential([
    conv2d(1, 8, 3, { activation: "relu", init: "heNormal", seed: 1 }),
    maxPool2d(2),
    conv2d(8, 16, 3, { activation: "relu", init: "heNormal", seed: 2 }),
    maxPool2d(2),
    flatten(),
    ...(rate > 0 ? [dropout(rate)] : []),
    dense(400, 10, { seed: 3 }),
  ]);

async function roundTrip(original: Module, inputShape: number[]): Promise<{ summary: string; gap: number; shape: readonly number[] }> {
  original.eval();
  const bytes = await saveTraining(original, adam(), { app: "neurite-digits", epoch: 2 });
  const loaded = modelFromCheckpoint(bytes, "run.nrt");
  const x = randomUniform(inputShape, { seed: 9 });
  const want = await original.forward(x).data();
  const got = await loaded.model.forward(x.reshape(loaded.inputShape)).data();
  const gap = Array.from(want, (v, i) => Math.abs(v - got[i]!)).reduce((a, b) => Math.max(a, b), 0);
  expect(loaded.meta.epoch).toBe(2);
  return { summary: loaded.summary, gap, shape: loaded.inputShape };
}

describe("modelFromCheckpoint", () => {
  it("rebuilds apps/digits' MLP, with and without dropout, giving the same outputs", async () => {
    for (const rate of [0, 0.2]) {
      const { summary, gap, shape } = await roundTrip(mlp(rate), [1, 784]);
      expect(summary).toBe("MLP 784 → 128 → 10");
      expect(shape).toEqual([1, 784]);
      expect(gap).toBeLessThan(1e-5);
    }
  });

  it("rebuilds apps/digits' CNN, with and without dropout, giving the same outputs", async () => {
    for (const rate of [0, 0.25]) {
      const { summary, gap, shape } = await roundTrip(cnn(rate), [1, 28, 28, 1]);
      expect(summary).toBe("CNN 3×3 conv ×8, 3×3 conv ×16, 10");
      expect(shape).toEqual([1, 28, 28, 1]);
      expect(gap).toBeLessThan(1e-5);
    }
  });

  it("rebuilds an MLP whose ReLU is a layer of its own", async () => {
    const { gap } = await roundTrip(sequential([dense(784, 32, { seed: 4 }), relu(), dense(32, 10, { seed: 5 })]), [1, 784]);
    expect(gap).toBeLessThan(1e-5);
  });

  it("refuses a damaged file and a model that is no digit classifier, saying why", async () => {
    const bytes = await saveTraining(mlp(0), null);
    const damaged = bytes.slice();
    damaged[damaged.length - 40]! ^= 0xff;
    expect(() => modelFromCheckpoint(damaged, "run.nrt")).toThrow(/run\.nrt.*checksum/);
    const threeWay = await saveTraining(sequential([dense(784, 3)]), null);
    expect(() => modelFromCheckpoint(threeWay, "other.nrt")).toThrow(CheckpointError);
    expect(() => modelFromCheckpoint(threeWay, "other.nrt")).toThrow("ends in 3 outputs");
    const wide = await saveTraining(sequential([dense(100, 10)]), null);
    expect(() => modelFromCheckpoint(wide, "wide.nrt")).toThrow("model/0.weight taking 100 inputs, but the layers before it give 784");
  });
});
