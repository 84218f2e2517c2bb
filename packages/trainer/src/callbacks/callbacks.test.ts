import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpu } from "@neurite/backend-cpu";
import { courseNotesTable, standardize } from "@neurite/data-loaders";
import { dense, sequential, type Module } from "@neurite/layers";
import { mse } from "@neurite/losses";
import { adam, sgd, stepDecay } from "@neurite/optimizers";
import { setBackend } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { fileStorage } from "../checkpoint/file-storage.js";
import { CheckpointError } from "../checkpoint/format.js";
import { loadTraining } from "../checkpoint/model.js";
import { evaluate } from "../evaluate.js";
import { fit } from "../fit.js";
import type { Callback } from "./callback.js";
import { checkpoint } from "./checkpoint.js";
import { earlyStopping } from "./early-stopping.js";
import { learningRateSchedule } from "./schedule.js";
import { memoryStorage } from "./storage.js";

beforeAll(async () => {
  await setBackend(cpu());
});

function studentsData() {
  const table = courseNotesTable();
  return standardize(table).apply(table);
}
const model = (seed = 5): Module => sequential([dense(3, 1, { seed })]);

/** Snapshots of the weights at the end of every epoch. */
function weightRecorder(): Callback & { readonly epochs: Record<string, number[]>[] } {
  const epochs: Record<string, number[]>[] = [];
  return {
    epochs,
    onEpochEnd(_epoch, _logs, context) {
      epochs.push(Object.fromEntries(Object.entries(context.model.namedParameters()).map(([k, v]) => [k, [...v.value.dataSync()]])));
    },
  };
}

const weightsOf = (m: Module) => Object.fromEntries(Object.entries(m.namedParameters()).map(([k, v]) => [k, [...v.value.dataSync()]]));

describe("earlyStopping", () => {
  it("stops when the validation loss stops improving and restores the best weights", async () => {
    const net = model();
    const recorder = weightRecorder();
    const stopper = earlyStopping({ monitor: "val_loss", patience: 2, restoreBest: true });
    // Good steps for 5 epochs, then a learning rate so large that every step overshoots and the loss grows.
    const schedule = learningRateSchedule((epoch) => (epoch < 5 ? 0.05 : 3));
    const history = await fit(net, studentsData(), {
      loss: mse,
      optimizer: sgd({ lr: 0.05 }),
      epochs: 50,
      mode: "batch",
      validation: studentsData(),
      callbacks: [schedule, recorder, stopper],
    });
    const valLoss = history.series.val_loss!;
    const best = valLoss.indexOf(Math.min(...valLoss));
    expect(history.stopReason).toMatch(/^earlyStopping: val_loss did not improve for 2 epochs/);
    // The best epoch, then exactly `patience` epochs without improvement.
    expect(history.epochs.length).toBe(best + 1 + 2);
    expect(stopper.bestEpoch).toBe(best);
    expect(weightsOf(net)).toEqual(recorder.epochs[best]);
    const { loss } = await evaluate(net, studentsData(), { loss: mse });
    expect(loss).toBeCloseTo(valLoss[best]!, 6);
    net.dispose();
  });

  it("names the missing number when the monitor is not logged", async () => {
    const net = model();
    await expect(fit(net, studentsData(), { loss: mse, optimizer: sgd(), epochs: 2, callbacks: [earlyStopping()] })).rejects.toThrow(
      "'val_loss' is not logged; the logs hold loss",
    );
    net.dispose();
  });
});

describe("checkpoint", () => {
  it("saves the best epoch and restores model and optimizer exactly", async () => {
    const storage = memoryStorage();
    const net = model();
    const optimizer = adam({ lr: 0.05 });
    const saver = checkpoint({ storage, saveBestOnly: true, monitor: "loss" });
    const history = await fit(net, studentsData(), { loss: mse, optimizer, epochs: 5, batchSize: 4, shuffle: false, callbacks: [saver] });
    expect(saver.saves).toBe(5);
    const restored = model(99);
    const restoredOptimizer = adam({ lr: 0.05 });
    const meta = loadTraining((await storage.load())!, restored, restoredOptimizer);
    expect(meta.epoch).toBe(4);
    expect(meta.metrics!.loss).toBe(history.series.loss![4]);
    expect(weightsOf(restored)).toEqual(weightsOf(net));
    expect(restoredOptimizer.iterations).toBe(optimizer.iterations);
    // Both continue identically: the moments were restored too.
    await fit(net, studentsData(), { loss: mse, optimizer, epochs: 1, batchSize: 4, shuffle: false });
    await fit(restored, studentsData(), { loss: mse, optimizer: restoredOptimizer, epochs: 1, batchSize: 4, shuffle: false });
    expect(weightsOf(restored)).toEqual(weightsOf(net));
    for (const t of [net, restored, optimizer, restoredOptimizer]) t.dispose();
  });

  it("refuses a checkpoint of another architecture and leaves the model untouched", async () => {
    const storage = memoryStorage();
    const net = model();
    await fit(net, studentsData(), { loss: mse, optimizer: sgd(), epochs: 1, callbacks: [checkpoint({ storage })] });
    const other = sequential([dense(3, 2, { seed: 1 })]);
    const before = weightsOf(other);
    let caught: unknown;
    try {
      loadTraining((await storage.load())!, other, null, "students.nrt");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as Error).message).toContain("students.nrt");
    expect((caught as Error).message).toContain("'0.weight'");
    expect(weightsOf(other)).toEqual(before);
    net.dispose();
    other.dispose();
  });

  it("writes to a file through fileStorage and reads it back", async () => {
    const folder = await mkdtemp(join(tmpdir(), "neurite-fit-"));
    try {
      const storage = fileStorage(join(folder, "model.nrt"));
      expect(await storage.load()).toBeNull();
      const net = model();
      await fit(net, studentsData(), { loss: mse, optimizer: sgd(), epochs: 2, callbacks: [checkpoint({ storage })] });
      const restored = model(7);
      loadTraining((await storage.load())!, restored);
      expect(weightsOf(restored)).toEqual(weightsOf(net));
      net.dispose();
      restored.dispose();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("learning-rate schedules", () => {
  it("sets the learning rate at the start of every epoch", async () => {
    const seen: number[] = [];
    const optimizer = sgd({ lr: 1 });
    const net = model();
    await fit(net, studentsData(), {
      loss: mse,
      optimizer,
      epochs: 4,
      callbacks: [learningRateSchedule(stepDecay({ initial: 0.1, stepSize: 2, gamma: 0.5 })), { onEpochBegin: () => { seen.push(optimizer.learningRate); } }],
    });
    expect(seen).toEqual([0.1, 0.1, 0.05, 0.05]);
    net.dispose();
  });
});

