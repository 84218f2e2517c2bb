import type { DataLoader } from "@neurite/data-loaders";
import type { Module } from "@neurite/layers";
import type { Loss, Regularizer } from "@neurite/losses";
import type { Optimizer } from "@neurite/optimizers";
import { ArgumentError, keep, setSeed, tidy, type Tensor } from "@neurite/tensor-core";
import type { Callback, Logs, TrainingContext } from "./callbacks/callback.js";
import { toLoader, type Mode, type TrainingData } from "./data.js";
import { TrainingError } from "./errors.js";
import { accumulate, evaluate, type Metric } from "./evaluate.js";
import { computeGradients, trainable, updateNorm } from "./step.js";

export interface FitOptions {
  /** The error to minimise, e.g. `mse` or `binaryCrossEntropy` from @neurite/losses. */
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  /** Passes over the training set. */
  readonly epochs: number;
  /** `"batch"`, `"stochastic"` or `"minibatch"` (default) gradient descent; see `Mode`. */
  readonly mode?: Mode;
  /** Samples per update in `"minibatch"` mode. Default 32. */
  readonly batchSize?: number;
  /** Visit the samples in a new seeded order every epoch. Default true. */
  readonly shuffle?: boolean;
  /** Seeds the shuffling and the global random stream (dropout), so a run repeats bit for bit. */
  readonly seed?: number;
  /** Labels as float32 (default) or int32 class indices, as the loss expects. */
  readonly labels?: "float32" | "int32";
  /** Held-out data, evaluated after every epoch; its numbers are logged as `val_loss`, `val_<metric>`. */
  readonly validation?: TrainingData;
  /** Metrics logged per epoch on the training batches (and the validation data). */
  readonly metrics?: Readonly<Record<string, Metric>>;
  /** A weight penalty added to the loss: the course notes' ε + λ‖w‖ₚ^q (l1, l2, lp from @neurite/losses). */
  readonly regularizer?: Regularizer;
  readonly callbacks?: readonly Callback[];
  /** Stop after this many optimizer steps in all. */
  readonly maxSteps?: number;
  /** Stop when one update moves the weights by less than this (L2 norm): "until the step is very small". */
  readonly minUpdate?: number;
  /** What a NaN or infinite loss does: throw a TrainingError (default) or skip that update and go on. */
  readonly onNonFinite?: "error" | "skip";
}

/** What `fit` returns: the logs of every epoch and why training ended. */
export interface History {
  /** One entry per finished epoch. */
  readonly epochs: readonly Logs[];
  /** The same numbers by name: `history.series.loss[e]` is epoch e's training loss. */
  readonly series: Readonly<Record<string, readonly number[]>>;
  /** "epochs", "maxSteps", "minUpdate" or a callback's reason (e.g. early stopping). */
  readonly stopReason: string;
  /** Optimizer steps taken. */
  readonly steps: number;
  /** Updates skipped because the loss was not finite (with `onNonFinite: "skip"`). */
  readonly skipped: number;
}

function checkOptions(options: FitOptions): void {
  const op = "fit";
  if (typeof options.loss !== "function") throw new ArgumentError({ op, argument: "loss" }, "expected a loss function, e.g. mse from @neurite/losses");
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new ArgumentError({ op, argument: "epochs" }, `expected a positive integer, got ${String(options.epochs)}`);
  }
  if (options.maxSteps !== undefined && (!Number.isInteger(options.maxSteps) || options.maxSteps < 1)) {
    throw new ArgumentError({ op, argument: "maxSteps" }, `expected a positive integer, got ${options.maxSteps}`);
  }
  if (options.minUpdate !== undefined && !(options.minUpdate > 0)) {
    throw new ArgumentError({ op, argument: "minUpdate" }, `expected a positive number, got ${options.minUpdate}`);
  }
}

/**
 * Trains `model` on `data`: for every batch, a forward pass, the loss, backpropagation and one optimizer
 * update; after every epoch, metrics, validation and callbacks. Every step runs in a memory scope, so the
 * number of live tensors after epoch 1 equals the number after epoch N.
 *
 * ```ts
 * const model = sequential([dense(3, 8, { activation: "tanh", seed: 1 }), dense(8, 1, { seed: 2 })]);
 * const history = await fit(model, standardize(courseNotesTable()).apply(courseNotesTable()), {
 *   loss: mse, optimizer: adam({ lr: 0.01 }), epochs: 200, mode: "minibatch", batchSize: 4, seed: 1,
 *   callbacks: [earlyStopping({ monitor: "loss", patience: 10, restoreBest: true })],
 * });
 * ```
 */
export async function fit(model: Module, data: TrainingData, options: FitOptions): Promise<History> {
  checkOptions(options);
  if (options.seed !== undefined) setSeed(options.seed);
  const loader = await toLoader("fit", data, {
    mode: options.mode,
    batchSize: options.batchSize,
    shuffle: options.shuffle,
    seed: options.seed,
    labels: options.labels,
  });
  const callbacks = options.callbacks ?? [];
  const history: Logs[] = [];
  // An object, not a local, because `context.stop` sets it from callbacks.
  const run: { stopReason: string | null } = { stopReason: null };
  const stopped = (): boolean => run.stopReason !== null;
  let steps = 0;
  let skipped = 0;
  const context: TrainingContext = {
    model,
    optimizer: options.optimizer,
    epochs: options.epochs,
    stepsPerEpoch: loader.length,
    history,
    stop(reason: string) {
      run.stopReason ??= reason;
    },
  };
  const emit = async <K extends keyof Callback>(event: K, ...args: Parameters<NonNullable<Callback[K]>>): Promise<void> => {
    for (const callback of callbacks) {
      const hook = callback[event] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      await hook?.apply(callback, args);
    }
  };

  model.train();
  await emit("onTrainBegin", context);
  for (let epoch = 0; epoch < options.epochs && !stopped(); epoch++) {
    await emit("onEpochBegin", epoch, context);
    const totals = new Map<string, number>();
    let seen = 0;
    for await (const batch of epochBatches(loader, epoch)) {
      const outcome = await trainStep(model, batch.x, batch.y, options, epoch, batch.index);
      batch.dispose();
      if (outcome === "skipped") {
        skipped++;
        continue;
      }
      steps++;
      await accumulate(totals, outcome.metrics, batch.size);
      for (const t of outcome.metrics.values()) t.dispose();
      seen += batch.size;
      await emit("onBatchEnd", { epoch, step: batch.index, iteration: steps, size: batch.size, loss: outcome.loss }, context);
      if (options.maxSteps !== undefined && steps >= options.maxSteps) context.stop("maxSteps");
      if (options.minUpdate !== undefined && outcome.update < options.minUpdate) context.stop("minUpdate");
      if (stopped()) break;
    }
    const logs: Record<string, number> = Object.fromEntries([...totals].map(([name, total]) => [name, total / Math.max(seen, 1)]));
    if (options.validation !== undefined) {
      const validation = await evaluate(model, options.validation, {
        loss: options.loss,
        ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
        ...(options.labels === undefined ? {} : { labels: options.labels }),
      });
      for (const [name, value] of Object.entries(validation)) logs[`val_${name}`] = value;
    }
    history.push(logs);
    await emit("onEpochEnd", epoch, logs, context);
  }
  const stopReason = run.stopReason ?? "epochs";
  await emit("onTrainEnd", context);
  model.eval();
  const names = [...new Set(history.flatMap((logs) => Object.keys(logs)))];
  const series = Object.fromEntries(names.map((name) => [name, history.map((logs) => logs[name] ?? Number.NaN)]));
  return { epochs: history, series, stopReason, steps, skipped };
}

function epochBatches(loader: DataLoader, epoch: number): AsyncIterable<{ x: Tensor; y: Tensor; size: number; index: number; dispose(): void }> {
  return { [Symbol.asyncIterator]: () => loader.batches(epoch) };
}

interface StepOutcome {
  readonly loss: number;
  /** The update's L2 norm (NaN unless `minUpdate` is set). */
  readonly update: number;
  /** This batch's loss and metrics, owned by the caller. */
  readonly metrics: Map<string, Tensor>;
}

/** One update: gradients, a finiteness check, the optimizer step, and the batch's metrics. */
async function trainStep(model: Module, x: Tensor, y: Tensor, options: FitOptions, epoch: number, step: number): Promise<StepOutcome | "skipped"> {
  const gradients = computeGradients(model, x, y, options.loss, options.regularizer);
  try {
    const loss = (await gradients.loss.data())[0]!;
    if (!Number.isFinite(loss)) {
      if (options.onNonFinite === "skip") return "skipped";
      throw new TrainingError(
        `the loss became ${loss} at epoch ${epoch}, step ${step}; lower the learning rate, check the data for NaN, or pass onNonFinite: "skip"`,
        epoch,
        step,
      );
    }
    const parameters = trainable(model);
    const before = options.minUpdate === undefined ? null : tidy(() => Object.fromEntries(Object.entries(parameters).map(([n, v]) => [n, keep(v.value.clone())])));
    options.optimizer.step(parameters, gradients.grads);
    let update = Number.NaN;
    if (before !== null) {
      const norm = updateNorm(before, parameters);
      update = (await norm.data())[0]!;
      norm.dispose();
      for (const t of Object.values(before)) t.dispose();
    }
    const metrics = tidy(() => {
      const out = new Map<string, Tensor>([["loss", keep(gradients.loss.clone())]]);
      for (const [name, metric] of Object.entries(options.metrics ?? {})) out.set(name, keep(metric(gradients.predictions, y)));
      return out;
    });
    return { loss, update, metrics };
  } finally {
    gradients.dispose();
  }
}
