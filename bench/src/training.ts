import { cpu, type CpuOptions } from "@neurite/backend-cpu";
import { InMemoryDataset } from "@neurite/data-loaders";
import { loadMnistSplit } from "@neurite/data-loaders/mnist";
import { conv2d, dense, flatten, maxPool2d, relu, sequential } from "@neurite/layers";
import { categoricalAccuracy, categoricalCrossEntropy } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { setBackend, type Tensor } from "@neurite/tensor-core";
import { evaluate, fit } from "@neurite/trainer";

/**
 * The two training workloads, each written the way a user of each library writes it (Neurite's `fit`,
 * tfjs-layers' `model.fit`), on the same digits with the same shapes, batch sizes and optimizer.
 */

export type Task = "mlp" | "cnn";
export type TrainingLibrary = "neurite" | "neurite-js" | "tfjs-wasm" | "tfjs-cpu";

export interface TrainingResult {
  /** Seconds inside the timed `fit` call. */
  readonly seconds: number;
  /** Samples visited by the timed `fit` (epochs × training samples). */
  readonly samples: number;
  /** Optimizer steps of the timed `fit`. */
  readonly steps: number;
  /** Test accuracy after training (MLP only). */
  readonly accuracy: number | null;
}

export interface TrainingPlan {
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly epochs: number;
  readonly batchSize: number;
}

/** MLP: 8000 training digits (the mnist package's 10 000, split 80/20 with a seed), 3 epochs of batch 64. */
export function mlpPlan(quick: boolean): TrainingPlan {
  return quick ? { trainSamples: 640, testSamples: 256, epochs: 1, batchSize: 64 } : { trainSamples: 8000, testSamples: 2000, epochs: 3, batchSize: 64 };
}

/** CNN: a fixed number of batch-32 steps (after a short warm-up fit), timing the step rate. */
export function cnnPlan(quick: boolean): TrainingPlan {
  return quick ? { trainSamples: 32 * 4, testSamples: 0, epochs: 1, batchSize: 32 } : { trainSamples: 32 * 40, testSamples: 0, epochs: 1, batchSize: 32 };
}

function first(data: InMemoryDataset, count: number, offset = 0): InMemoryDataset {
  const fw = data.featureWidth;
  return new InMemoryDataset({
    x: data.x.slice(offset * fw, (offset + count) * fw),
    y: data.y.slice(offset, offset + count),
    length: count,
    featureWidth: fw,
    labelWidth: 1,
    ...(data.featureShape === undefined ? {} : { featureShape: data.featureShape }),
  });
}

async function digits(task: Task, plan: TrainingPlan): Promise<{ train: InMemoryDataset; test: InMemoryDataset }> {
  const { train, test } = await loadMnistSplit({ test: 0.2, seed: 7, shape: task === "cnn" ? "image" : "flat" });
  return { train: first(train, plan.trainSamples), test: first(test, plan.testSamples) };
}

export async function train(task: Task, library: TrainingLibrary, quick: boolean): Promise<TrainingResult> {
  const plan = task === "mlp" ? mlpPlan(quick) : cnnPlan(quick);
  const data = await digits(task, plan);
  return library === "neurite" || library === "neurite-js" ? trainNeurite(task, library === "neurite" ? {} : { kernels: "js" }, plan, data) : trainTfjs(task, library === "tfjs-wasm" ? "wasm" : "cpu", plan, data);
}

const crossEntropy = (logits: Tensor, labels: Tensor): Tensor => categoricalCrossEntropy(logits, labels, { fromLogits: true });

async function trainNeurite(task: Task, options: CpuOptions, plan: TrainingPlan, data: { train: InMemoryDataset; test: InMemoryDataset }): Promise<TrainingResult> {
  await setBackend(cpu(options));
  const model =
    task === "mlp"
      ? sequential([dense(784, 128, { activation: "relu", init: "heNormal", seed: 1 }), dense(128, 64, { activation: "relu", init: "heNormal", seed: 2 }), dense(64, 10, { seed: 3 })])
      : sequential([conv2d(1, 8, 3, { seed: 1 }), relu(), maxPool2d(2), flatten(), dense(13 * 13 * 8, 10, { seed: 2 })]);
  const common = { loss: crossEntropy, optimizer: adam({ lr: 1e-3 }), batchSize: plan.batchSize, labels: "int32", seed: 3 } as const;
  if (task === "cnn") await fit(model, first(data.train, plan.batchSize * 2), { ...common, epochs: 1 });
  const start = performance.now();
  const history = await fit(model, data.train, { ...common, epochs: plan.epochs });
  const seconds = (performance.now() - start) / 1e3;
  let accuracy: number | null = null;
  if (task === "mlp") accuracy = (await evaluate(model, data.test, { loss: crossEntropy, metrics: { accuracy: categoricalAccuracy }, labels: "int32" })).accuracy!;
  model.dispose();
  return { seconds, samples: plan.epochs * data.train.length, steps: history.steps, accuracy };
}

/** tfjs-layers' ModelLoggingVerbosity.SILENT (the enum is not exported from the package's entry). */
const SILENT = 0 as never;

async function trainTfjs(task: Task, backend: "wasm" | "cpu", plan: TrainingPlan, data: { train: InMemoryDataset; test: InMemoryDataset }): Promise<TrainingResult> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  await import("@tensorflow/tfjs-backend-wasm");
  const { layers, sequential: tfSequential } = await import("@tensorflow/tfjs-layers");
  await tf.setBackend(backend);
  await tf.ready();
  const shape = task === "mlp" ? [784] : [28, 28, 1];
  const model =
    task === "mlp"
      ? tfSequential({
          layers: [
            layers.dense({ inputShape: shape, units: 128, activation: "relu", kernelInitializer: "heNormal" }),
            layers.dense({ units: 64, activation: "relu", kernelInitializer: "heNormal" }),
            layers.dense({ units: 10, activation: "softmax" }),
          ],
        })
      : tfSequential({
          layers: [
            layers.conv2d({ inputShape: shape, filters: 8, kernelSize: 3, activation: "relu" }),
            layers.maxPooling2d({ poolSize: 2 }),
            layers.flatten(),
            layers.dense({ units: 10, activation: "softmax" }),
          ],
        });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const tensors = (set: InMemoryDataset) => ({
    x: tf.tensor(set.x, [set.length, ...shape]),
    y: tf.oneHot(tf.tensor1d(Int32Array.from(set.y), "int32"), 10),
  });
  const trainSet = tensors(data.train);
  if (task === "cnn") {
    const warm = tensors(first(data.train, plan.batchSize * 2));
    await model.fit(warm.x, warm.y, { epochs: 1, batchSize: plan.batchSize, verbose: SILENT });
  }
  const start = performance.now();
  await model.fit(trainSet.x, trainSet.y, { epochs: plan.epochs, batchSize: plan.batchSize, shuffle: true, verbose: SILENT });
  const seconds = (performance.now() - start) / 1e3;
  let accuracy: number | null = null;
  if (task === "mlp") {
    const testSet = tensors(data.test);
    const scores = model.evaluate(testSet.x, testSet.y, { batchSize: 256 }) as { dataSync(): ArrayLike<number> }[];
    accuracy = scores[1]!.dataSync()[0]!;
  }
  const steps = plan.epochs * Math.ceil(data.train.length / plan.batchSize);
  return { seconds, samples: plan.epochs * data.train.length, steps, accuracy };
}
