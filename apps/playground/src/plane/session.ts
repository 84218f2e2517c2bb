import { DataLoader, type Batch } from "@neurite/data-loaders";
import { dense, dropout, leakyRelu, relu, sequential, sigmoid, softsign, step, tanh, type Module } from "@neurite/layers";
import { binaryAccuracy, binaryCrossEntropyWithLogits, l1, l2, type Regularizer } from "@neurite/losses";
import type { Optimizer } from "@neurite/optimizers";
import { concat, keep, setSeed, tensor, tidy, type Tensor, type Variable } from "@neurite/tensor-core";
import { makeOptimizer, trainStep } from "../model.js";
import type { HiddenActivation, PlaneConfig } from "./config.js";
import { EXTENT, planeData, type PlaneData } from "./datasets.js";

/** What the page draws after some training: losses and accuracies, and the model's view of the plane. */
export interface Snapshot {
  readonly steps: number;
  readonly epoch: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** P(class 1) at the centre of each cell of a `gridSize`² grid over the plane, row by row from the top. */
  readonly grid: Float32Array;
}

function activationLayer(name: HiddenActivation): Module {
  switch (name) {
    case "relu":
      return relu();
    case "leakyRelu":
      return leakyRelu();
    case "tanh":
      return tanh();
    case "sigmoid":
      return sigmoid();
    case "softsign":
      return softsign();
    case "step":
      return step();
  }
}

/** Dense layers with the chosen activations (and dropout), ending in one logit: σ(logit) is P(class 1). */
export function planeModel(config: PlaneConfig): Module {
  const layers: Module[] = [];
  let width = 2;
  const seed = config.weightsSeed * 100;
  config.hidden.forEach((layer, i) => {
    layers.push(dense(width, layer.units, { seed: seed + 2 * i }), activationLayer(layer.activation));
    if (config.dropout > 0) layers.push(dropout(config.dropout, { seed: seed + 50 + i }));
    width = layer.units;
  });
  layers.push(dense(width, 1, { seed: seed + 98 }));
  return sequential(layers);
}

/** The centres of a size × size grid over [-EXTENT, EXTENT]², top row first (y decreasing), as [size², 2]. */
function gridPoints(size: number): Float32Array {
  const points = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      points[2 * i] = -EXTENT + ((col + 0.5) / size) * 2 * EXTENT;
      points[2 * i + 1] = EXTENT - ((row + 0.5) / size) * 2 * EXTENT;
    }
  }
  return points;
}

/**
 * A training run on one of the 2-D data sets, advanced one optimizer step at a time so that the page can
 * pause, step and watch. It holds the model, the optimizer, the batches of the current epoch, and the
 * evaluation tensors (train and test points, the grid), on whichever backend was current when it was made.
 */
export class PlaneSession {
  readonly config: PlaneConfig;
  readonly data: PlaneData;
  readonly gridSize: number;
  readonly #model: Module;
  readonly #optimizer: Optimizer;
  readonly #regularizer: Regularizer | null;
  readonly #loader: DataLoader;
  readonly #eval: { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor; grid: Tensor };
  #batches: AsyncIterableIterator<Batch> | null = null;
  #epoch = 0;
  #steps = 0;

  constructor(config: PlaneConfig, gridSize = 50) {
    this.config = config;
    this.gridSize = gridSize;
    this.data = planeData(config.dataset, config.noise, config.seed);
    setSeed(config.weightsSeed);
    this.#model = planeModel(config);
    this.#model.train();
    this.#optimizer = makeOptimizer(config.optimizer, config.learningRate);
    const penalties = [config.l1 > 0 ? l1(config.l1) : null, config.l2 > 0 ? l2(config.l2) : null].filter((r) => r !== null);
    this.#regularizer = penalties.length === 0 ? null : Object.assign((w: Readonly<Record<string, Tensor | Variable>>) => tidy(() => penalties.map((p) => p(w)).reduce((a, b) => a.add(b))), { strength: config.l1 + config.l2 });
    const batchSize = config.mode === "batch" ? "all" : config.mode === "stochastic" ? 1 : config.batchSize;
    this.#loader = new DataLoader(this.data.train, { batchSize, shuffle: true, seed: config.weightsSeed });
    const { train, test } = this.data;
    this.#eval = tidy(() => ({
      trainX: keep(tensor(train.x, { shape: [train.length, 2] })),
      trainY: keep(tensor(train.y, { shape: [train.length, 1] })),
      testX: keep(tensor(test.x, { shape: [test.length, 2] })),
      testY: keep(tensor(test.y, { shape: [test.length, 1] })),
      grid: keep(tensor(gridPoints(gridSize), { shape: [gridSize * gridSize, 2] })),
    }));
  }

  get steps(): number {
    return this.#steps;
  }

  /** One optimizer update on the next batch (a new epoch begins when the last one is used up). */
  async step(): Promise<void> {
    const batch = await this.#nextBatch();
    try {
      trainStep(this.#model, this.#optimizer, (weights) =>
        tidy(() => {
          const error = binaryCrossEntropyWithLogits(this.#model.forward(batch.x), batch.y);
          return this.#regularizer === null ? error : error.add(this.#regularizer(weights));
        }),
      ).dispose();
    } finally {
      batch.dispose();
    }
    this.#steps++;
  }

  async #nextBatch(): Promise<Batch> {
    for (;;) {
      this.#batches ??= this.#loader.batches(this.#epoch);
      const next = await this.#batches.next();
      if (next.done !== true) return next.value;
      this.#batches = null;
      this.#epoch++;
    }
  }

  /** Losses and accuracies on the train and test points (no dropout, no penalty), and the grid's P(class 1). */
  async snapshot(): Promise<Snapshot> {
    const model = this.#model;
    model.eval();
    const { trainX, trainY, testX, testY, grid } = this.#eval;
    // One tensor, read once: a GPU read costs a round trip however small it is.
    const measured = tidy(() => {
      const trainLogits = model.forward(trainX);
      const testLogits = model.forward(testX);
      return keep(
        concat([
          binaryCrossEntropyWithLogits(trainLogits, trainY).reshape([1]),
          binaryCrossEntropyWithLogits(testLogits, testY).reshape([1]),
          binaryAccuracy(trainLogits, trainY, { threshold: 0 }).reshape([1]),
          binaryAccuracy(testLogits, testY, { threshold: 0 }).reshape([1]),
          model.forward(grid).sigmoid().reshape([-1]),
        ]),
      );
    });
    model.train();
    try {
      const values = await measured.data();
      return {
        steps: this.#steps,
        epoch: this.#epoch,
        trainLoss: values[0]!,
        testLoss: values[1]!,
        trainAccuracy: values[2]!,
        testAccuracy: values[3]!,
        grid: Float32Array.from(values.subarray(4)),
      };
    } finally {
      measured.dispose();
    }
  }

  dispose(): void {
    void this.#batches?.return?.();
    for (const t of Object.values(this.#eval)) t.dispose();
    this.#model.dispose();
    this.#optimizer.dispose();
  }
}
