import { cpu } from "@neurite/backend-cpu";
import { DataLoader, courseNotesTable, fromArrays, standardize, xor } from "@neurite/data-loaders";
import { dense, sequential, type Module } from "@neurite/layers";
import { binaryAccuracy, binaryCrossEntropy, l2, mse } from "@neurite/losses";
import { adam, sgd } from "@neurite/optimizers";
import { ArgumentError, memory, setBackend, tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Callback } from "./callbacks/callback.js";
import { evaluate, predict } from "./evaluate.js";
import { TrainingError } from "./errors.js";
import { fit } from "./fit.js";
import { progress, progressBar, type ProgressEvent } from "./callbacks/progress.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const xorNet = (): Module => sequential([dense(2, 4, { activation: "tanh", seed: 3 }), dense(4, 1, { activation: "sigmoid", seed: 4 })]);

/** The course notes' table with standardized features, and a small linear model for it. */
function studentsData() {
  const table = courseNotesTable();
  return standardize(table).apply(table);
}
const studentsModel = (): Module => sequential([dense(3, 1, { seed: 5 })]);

describe("fit", () => {
  it("learns XOR to 100% accuracy", async () => {
    const model = xorNet();
    const history = await fit(model, xor(), { loss: binaryCrossEntropy, optimizer: adam({ lr: 0.05 }), epochs: 300, mode: "batch", seed: 1 });
    expect(history.stopReason).toBe("epochs");
    expect(history.steps).toBe(300);
    const { accuracy } = await evaluate(model, xor(), { loss: binaryCrossEntropy, metrics: { accuracy: binaryAccuracy } });
    expect(accuracy).toBe(1);
    model.dispose();
  });

  it.each([
    ["batch", {}, 1],
    ["stochastic", {}, 8],
    ["minibatch", { batchSize: 3 }, 3],
  ] as const)("fits the course notes' table as a regression in %s mode", async (mode, extra, stepsPerEpoch) => {
    const model = studentsModel();
    const data = studentsData();
    const before = (await evaluate(model, data, { loss: mse })).loss!;
    const history = await fit(model, data, { loss: mse, optimizer: sgd({ lr: mode === "stochastic" ? 0.01 : 0.05 }), epochs: 100, mode, ...extra, seed: 2 });
    expect(history.steps).toBe(100 * stepsPerEpoch);
    const after = (await evaluate(model, data, { loss: mse })).loss!;
    // The exam scores are fractions around 0.8 (variance ≈ 0.023); a linear fit explains most of it.
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.01);
    expect(history.series.loss!.at(-1)).toBeLessThan(history.series.loss![0]!);
    model.dispose();
  });

  it("repeats the same loss history bit for bit from the same seed", async () => {
    const run = async () => {
      const model = xorNet();
      const history = await fit(model, xor(), { loss: mse, optimizer: adam({ lr: 0.05 }), epochs: 20, batchSize: 2, seed: 9 });
      model.dispose();
      return history.series.loss;
    };
    const [first, second] = [await run(), await run()];
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it("leaks nothing: live tensors after epoch 1 equal live tensors after epoch N", async () => {
    const model = sequential([dense(3, 8, { activation: "relu", seed: 1 }), dense(8, 1, { seed: 2 })]);
    const counts: number[] = [];
    const counter: Callback = { onEpochEnd: () => { counts.push(memory().tensors); } };
    await fit(model, studentsData(), {
      loss: mse,
      optimizer: adam({ lr: 0.01 }),
      epochs: 6,
      batchSize: 3,
      metrics: { mae: (p, y) => p.sub(y).abs().mean() },
      validation: studentsData(),
      regularizer: l2(1e-3),
      callbacks: [counter],
    });
    expect(counts).toHaveLength(6);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
  });

  it("stops on a step limit and when the update becomes tiny", async () => {
    const model = studentsModel();
    const limited = await fit(model, studentsData(), { loss: mse, optimizer: sgd({ lr: 0.05 }), epochs: 100, mode: "stochastic", maxSteps: 20 });
    expect(limited.stopReason).toBe("maxSteps");
    expect(limited.steps).toBe(20);
    const converged = await fit(model, studentsData(), { loss: mse, optimizer: sgd({ lr: 0.1 }), epochs: 10_000, mode: "batch", minUpdate: 1e-5 });
    expect(converged.stopReason).toBe("minUpdate");
    expect(converged.steps).toBeLessThan(10_000);
    model.dispose();
  });

  it("stops with a TrainingError naming the epoch and step when the loss becomes infinite", async () => {
    const model = studentsModel();
    const diverge = fit(model, studentsData(), { loss: mse, optimizer: sgd({ lr: 1e6 }), epochs: 50, mode: "stochastic", seed: 3 });
    await expect(diverge).rejects.toThrow(TrainingError);
    await expect(
      fit(studentsModel(), studentsData(), { loss: mse, optimizer: sgd({ lr: 1e6 }), epochs: 50, mode: "stochastic", seed: 3 }),
    ).rejects.toThrow(/the loss became (NaN|Infinity) at epoch \d+, step \d+/);
    model.dispose();
  });

  it("can skip non-finite updates instead, and counts them", async () => {
    const model = studentsModel();
    const nanOnce: Parameters<typeof fit>[2]["loss"] = (() => {
      let calls = 0;
      return (p, y) => (++calls === 3 ? mse(p, y).mul(Number.NaN) : mse(p, y));
    })();
    const history = await fit(model, studentsData(), { loss: nanOnce, optimizer: sgd({ lr: 0.05 }), epochs: 2, mode: "stochastic", onNonFinite: "skip" });
    expect(history.skipped).toBe(1);
    expect(history.steps).toBe(15);
    model.dispose();
  });

  it("refuses bad options with typed errors", async () => {
    const model = studentsModel();
    await expect(fit(model, studentsData(), { loss: mse, optimizer: sgd(), epochs: 0 })).rejects.toThrow(ArgumentError);
    await expect(fit(model, studentsData(), { loss: mse, optimizer: sgd(), epochs: 1, mode: "batch", batchSize: 4 })).rejects.toThrow(
      'mode "batch" fixes the batch size',
    );
    // @ts-expect-error: checking the run-time guard
    await expect(fit(model, studentsData(), { loss: mse, optimizer: sgd(), epochs: 1, mode: "online" })).rejects.toThrow("unknown mode");
    model.dispose();
  });

  it("evaluates and predicts a ready DataLoader with its own batch size (a default batch size refused it)", async () => {
    const model = studentsModel();
    const loader = new DataLoader(studentsData(), { batchSize: 3 });
    const { loss } = await evaluate(model, loader, { loss: mse });
    expect(loss).toBeCloseTo((await evaluate(model, studentsData(), { loss: mse })).loss!, 6);
    const predictions = await predict(model, loader);
    expect(predictions.shape).toEqual([8, 1]);
    predictions.dispose();
    model.dispose();
  });

  it("predicts in batches, from tensors or datasets", async () => {
    const model = studentsModel();
    const x = tensor([[0, 0, 0], [1, 1, 1], [2, 2, 2]]);
    const all = await predict(model, x);
    const chunked = await predict(model, x, { batchSize: 2 });
    expect(chunked.dataSync()).toEqual(all.dataSync());
    const fromData = await predict(model, fromArrays([[0, 0, 0], [1, 1, 1], [2, 2, 2]], [[0], [0], [0]]), { batchSize: 2 });
    expect(fromData.dataSync()).toEqual(all.dataSync());
    for (const t of [x, all, chunked, fromData]) t.dispose();
    model.dispose();
  });

  it("reports progress as events and as a text bar", async () => {
    const events: ProgressEvent[] = [];
    const lines: string[] = [];
    const model = studentsModel();
    await fit(model, studentsData(), {
      loss: mse,
      optimizer: sgd({ lr: 0.05 }),
      epochs: 3,
      batchSize: 4,
      callbacks: [progress((e) => events.push(e)), progressBar({ output: { write: (text) => lines.push(text), isTTY: false } })],
    });
    expect(events.filter((e) => e.type === "batch")).toHaveLength(6);
    expect(events.filter((e) => e.type === "epoch").map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(events.at(-1)!.type).toBe("end");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^epoch 3\/3 \(\d+\.\d s\) loss \d\.\d{4}\n$/);
    model.dispose();
  });
});
