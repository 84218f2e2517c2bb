import type { DataLoader } from "@neurite/data-loaders";
import type { Module } from "@neurite/layers";
import { deferInputChecks, type Loss, type Regularizer } from "@neurite/losses";
import type { Optimizer } from "@neurite/optimizers";
import { ArgumentError, keep, setSeed, tidy, type Tensor } from "@neurite/tensor-core";
import type { Callback, Logs, TrainingContext } from "./callbacks/callback.js";
import { toLoader, type Mode, type TrainingData } from "./data.js";
import { evaluate, type Metric } from "./evaluate.js";
import { Interval, type IntervalReport, type NonFinitePolicy } from "./interval.js";
import { seedDropout } from "./seeding.js";
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
  /**
   * Seeds the shuffling and gives every Dropout layer without a seed of its own a stream derived from it for
   * this run, so a run repeats bit for bit — also while other `fit` calls run at the same time. Also seeds the
   * global random stream, for custom layers that draw from it.
   */
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
  /**
   * Stop when one update moves the weights by less than this (L2 norm): "until the step is very small".
   * Measuring it reads the device after every step.
   */
  readonly minUpdate?: number;
  /**
   * What a NaN or infinite loss or gradient does: throw a TrainingError naming the epoch, step and parameter
   * (`"error"`, default), or skip that update — weights, optimizer state and step count untouched — and go on
   * (`"skip"`). Either way the check runs on the device and is read at the next log point.
   */
  readonly onNonFinite?: NonFinitePolicy;
  /**
   * Read the running loss and metrics back every this many steps (and at the end of every epoch). Between
   * log points a step never waits for the device; `onBatchEnd` gets `loss` only at log points. Default: at
   * the end of every epoch only.
   */
  readonly logEvery?: number;
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
  /** Updates skipped because the loss or a gradient was not finite (with `onNonFinite: "skip"`). */
  readonly skipped: number;
}

function checkOptions(options: FitOptions): void {
  const op = "fit";
  const given: unknown = options;
  if (typeof given !== "object" || given === null) {
    throw new ArgumentError({ op, argument: "options" }, "expected { loss, optimizer, epochs }, e.g. { loss: mse, optimizer: adam({ lr: 0.01 }), epochs: 10 }");
  }
  if (typeof options.loss !== "function") throw new ArgumentError({ op, argument: "loss" }, "expected a loss function, e.g. mse from @neurite/losses");
  const optimizer: unknown = options.optimizer;
  if (typeof optimizer !== "object" || optimizer === null || typeof (optimizer as { step?: unknown }).step !== "function") {
    throw new ArgumentError({ op, argument: "optimizer" }, `expected an optimizer, e.g. adam({ lr: 0.01 }) from @neurite/optimizers, got ${optimizer === null ? "null" : typeof optimizer}`);
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new ArgumentError({ op, argument: "epochs" }, `expected a positive integer, got ${shown(options.epochs)}`);
  }
  for (const name of ["maxSteps", "logEvery"] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new ArgumentError({ op, argument: name }, `expected a positive integer, got ${shown(value)}`);
    }
  }
  if (options.minUpdate !== undefined && !(typeof options.minUpdate === "number" && options.minUpdate > 0)) {
    throw new ArgumentError({ op, argument: "minUpdate" }, `expected a positive number, got ${shown(options.minUpdate)}`);
  }
  const policy: unknown = options.onNonFinite;
  if (policy !== undefined && policy !== "error" && policy !== "skip") {
    throw new ArgumentError({ op, argument: "onNonFinite" }, `expected "error" or "skip", got ${JSON.stringify(policy)}`);
  }
}

/** A refused option as the message shows it: a string quoted, so "10" is not mistaken for the number 10. */
function shown(value: unknown): string {
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : String(value);
}

/**
 * Trains `model` on `data`: for every batch, a forward pass, the loss, backpropagation and one optimizer
 * update; after every epoch, metrics, validation and callbacks. Every step runs in a memory scope, so the
 * number of live tensors after epoch 1 equals the number after epoch N. Steps never wait for the device:
 * the running loss, metrics and the finiteness checks stay there until the next log point (see `logEvery`).
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
  if (loader.length === 0) throw emptyData();
  const callbacks = options.callbacks ?? [];
  const history: Logs[] = [];
  // An object, not a local, because `context.stop` sets it from callbacks.
  const run: { stopReason: string | null } = { stopReason: null };
  const stopped = (): boolean => run.stopReason !== null;
  let steps = 0;
  let skipped = 0;
  let attempted = 0;
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
  const interval = new Interval(options.onNonFinite ?? "error");
  // With minUpdate every step is read anyway (its size decides), so every step is a log point.
  const logEvery = options.minUpdate !== undefined ? 1 : options.logEvery;
  /** Reads the interval back: throws what must stop training, else folds it into the epoch's totals. */
  const flush = async (totals: EpochTotals): Promise<{ report: IntervalReport; loss: number }> => {
    const report = await interval.read();
    await options.optimizer.settle();
    if (report.failure !== null) throw report.failure;
    steps += report.steps;
    skipped += report.skipped;
    for (const [name, sum] of report.sums) totals.sums.set(name, (totals.sums.get(name) ?? 0) + sum);
    totals.seen += report.seen;
    return { report, loss: (report.sums.get("loss") ?? Number.NaN) / report.seen };
  };

  const restoreDropout = seedDropout(model, options.seed);
  try {
    model.train();
    await emit("onTrainBegin", context);
    for (let epoch = 0; epoch < options.epochs && !stopped(); epoch++) {
      await emit("onEpochBegin", epoch, context);
      const totals: EpochTotals = { sums: new Map(), seen: 0 };
      let batches = 0;
      for await (const batch of epochBatches(loader, epoch)) {
        let norm: Tensor | null;
        try {
          // A scope for the step's tensors: it frees what the step forgets, and what a scope owns is not
          // watched by the garbage collector's safety net (a registration per tensor, every step).
          norm = tidy(() => trainStep(model, batch.x, batch.y, options, interval, epoch, batch.index, batch.size));
        } finally {
          batch.dispose();
        }
        let update = Number.NaN;
        if (norm !== null) {
          try {
            update = (await norm.data())[0]!;
          } finally {
            norm.dispose();
          }
        }
        attempted++;
        batches++;
        let loss: number | undefined;
        let went = true;
        if (logEvery !== undefined && batches % logEvery === 0) {
          const { report, loss: mean } = await flush(totals);
          loss = mean;
          went = report.steps > 0;
        }
        await emit("onBatchEnd", { epoch, step: batch.index, iteration: attempted, size: batch.size, loss }, context);
        if (options.maxSteps !== undefined && attempted >= options.maxSteps) context.stop("maxSteps");
        if (options.minUpdate !== undefined && went && update < options.minUpdate) context.stop("minUpdate");
        if (stopped()) break;
      }
      if (batches === 0) throw emptyData();
      if (interval.pending > 0) await flush(totals);
      const logs: Record<string, number> = Object.fromEntries([...totals.sums].map(([name, total]) => [name, total / Math.max(totals.seen, 1)]));
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
  } finally {
    interval.dispose();
    restoreDropout();
  }
  const stopReason = run.stopReason ?? "epochs";
  await emit("onTrainEnd", context);
  model.eval();
  const names = [...new Set(history.flatMap((logs) => Object.keys(logs)))];
  const series = Object.fromEntries(names.map((name) => [name, history.map((logs) => logs[name] ?? Number.NaN)]));
  return { epochs: history, series, stopReason, steps, skipped };
}

/** An epoch's loss and metrics summed over its samples, and how many samples. */
interface EpochTotals {
  readonly sums: Map<string, number>;
  seen: number;
}

function emptyData(): ArgumentError {
  return new ArgumentError(
    { op: "fit", argument: "data" },
    "the data yields no batch (no samples, or dropLast with a batch larger than the data); there is nothing to train on",
  );
}

function epochBatches(loader: DataLoader, epoch: number): AsyncIterable<{ x: Tensor; y: Tensor; size: number; index: number; dispose(): void }> {
  return { [Symbol.asyncIterator]: () => loader.batches(epoch) };
}

/**
 * One update, without reading anything back: gradients and the loss's input checks, a guard computed on the
 * device (every gradient finite, the inputs accepted), the guarded optimizer step, and the batch's loss and
 * metrics added to the interval. Returns the update's L2 norm (for the caller to read) when `minUpdate` asks
 * for it, else null.
 */
function trainStep(model: Module, x: Tensor, y: Tensor, options: FitOptions, interval: Interval, epoch: number, step: number, size: number): Tensor | null {
  const { value: gradients, checks } = deferInputChecks(() => computeGradients(model, x, y, options.loss, options.regularizer));
  let guard: Tensor | undefined;
  let before: Record<string, Tensor> | null = null;
  const metrics = new Map<string, Tensor>();
  try {
    for (const [name, metric] of Object.entries(options.metrics ?? {})) metrics.set(name, tidy(() => keep(metric(gradients.predictions, y))));
    guard = interval.guard({ epoch, step, size }, gradients.loss, gradients.grads, metrics, checks);
    const parameters = trainable(model);
    before = options.minUpdate === undefined ? null : tidy(() => Object.fromEntries(Object.entries(parameters).map(([n, v]) => [n, keep(v.value.clone())])));
    options.optimizer.step(parameters, gradients.grads, { guard });
    return before === null ? null : updateNorm(before, parameters);
  } finally {
    for (const c of checks) for (const t of c.values) if (!t.isDisposed) t.dispose();
    for (const t of metrics.values()) t.dispose();
    guard?.dispose();
    for (const t of Object.values(before ?? {})) t.dispose();
    gradients.dispose();
  }
}
