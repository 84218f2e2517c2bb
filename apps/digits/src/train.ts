// The training run: one `fit` call per epoch, so every epoch has its own seeded order and dropout stream, a
// checkpoint after each, and a run resumed from a checkpoint takes the same steps the uninterrupted run would.
import { Batch, DataLoader, type DataLoaderOptions, type Dataset, type InMemoryDataset } from "@neurite/data-loaders";
import type { Module } from "@neurite/layers";
import { categoricalAccuracy, categoricalCrossEntropy, l2 } from "@neurite/losses";
import type { Optimizer } from "@neurite/optimizers";
import { keep, type Tensor } from "@neurite/tensor-core";
import { fit, type Callback, type Logs, type Metric } from "@neurite/trainer";
import type { TrainingSettings } from "./args.js";
import { saveRun, type PartialEpoch, type RunState } from "./checkpoint.js";
import { yieldToEvents, type Interrupt } from "./interrupt.js";
import type { ProgressBar } from "./progress.js";

/** Softmax cross-entropy on the 10 logits, against class indices. */
export const loss = (logits: Tensor, labels: Tensor): Tensor => categoricalCrossEntropy(logits, labels, { fromLogits: true });

/**
 * Epoch `epoch` of a seeded schedule, from batch `from` on. `fit` runs epoch 0 of whatever loader it gets, so
 * each epoch's loader plays the epoch it stands for; a run resumed mid-epoch skips the batches already done
 * and sees the rest in the same order.
 */
class EpochOfSchedule extends DataLoader {
  readonly #epoch: number;
  readonly #from: number;

  constructor(dataset: Dataset, options: DataLoaderOptions, epoch: number, from: number) {
    super(dataset, options);
    this.#epoch = epoch;
    this.#from = from;
  }

  override batches(): AsyncIterableIterator<Batch> {
    const all = super.batches(this.#epoch);
    const from = this.#from;
    return (async function* () {
      for await (const batch of all) {
        if (batch.index < from) batch.dispose();
        else yield batch;
      }
    })();
  }
}

/**
 * categoricalAccuracy that also keeps each batch's value for the progress bar: `fit` reads the metrics it
 * logs and disposes them before its callbacks run.
 */
function tappedAccuracy(): { readonly metric: Metric; take(): Promise<number>; dispose(): void } {
  let last: Tensor | null = null;
  return {
    metric(predictions, targets) {
      const value = categoricalAccuracy(predictions, targets);
      last?.dispose();
      last = keep(value.clone());
      return value;
    },
    async take() {
      if (last === null) return Number.NaN;
      const value = (await last.data())[0]!;
      last.dispose();
      last = null;
      return value;
    },
    dispose() {
      last?.dispose();
      last = null;
    },
  };
}

/** Seeds epoch e's dropout masks from the run's seed: distinct per epoch, the same on every rerun. */
function epochSeed(seed: number, epoch: number): number {
  return (seed * 1_000_003 + epoch * 7919 + 1) % 2 ** 52;
}

export interface TrainingRun {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly settings: TrainingSettings;
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly epochs: number;
  readonly checkpoint: string;
  readonly bar: ProgressBar;
  readonly interrupt: Interrupt;
}

/** How a run ended: every epoch done, or stopped by Ctrl-C, with the state saved either way. */
export interface TrainingOutcome {
  readonly state: RunState;
  readonly interrupted: boolean;
}

/** Averages of a whole epoch from the part before a stop and the part after the resume. */
function joinEpoch(before: PartialEpoch | null, after: PartialEpoch, logs: Logs): Logs {
  if (before === null) return logs;
  const samples = before.samples + after.samples;
  return { ...logs, loss: (before.lossSum + after.lossSum) / samples, accuracy: (before.accuracySum + after.accuracySum) / samples };
}

/**
 * Trains from `start` (a fresh run, or one read back from a checkpoint) to `run.epochs`, saving the checkpoint
 * after every epoch and when Ctrl-C stops the run.
 */
export async function train(run: TrainingRun, start: RunState): Promise<TrainingOutcome> {
  const { model, optimizer, settings, bar, interrupt } = run;
  let state: RunState = { ...start, epochs: run.epochs };
  const accuracy = tappedAccuracy();
  const loaderOptions: DataLoaderOptions = { batchSize: settings.batchSize, shuffle: true, seed: settings.seed, labels: "int32" };
  const regularizer = settings.l2 > 0 ? l2(settings.l2) : undefined;
  try {
    while (state.completed < run.epochs) {
      const epoch = state.completed;
      const loader = new EpochOfSchedule(run.train, loaderOptions, epoch, state.step);
      const total = loader.length ?? 0;
      // This session's part of the epoch.
      let part: PartialEpoch = { samples: 0, lossSum: 0, accuracySum: 0 };
      let step = state.step;
      const progress: Callback = {
        async onBatchEnd(logs, context) {
          const batchAccuracy = await accuracy.take();
          step = logs.step + 1;
          const batchLoss = logs.loss ?? NaN; // always set: every step is a log point (logEvery: 1 below)
          part = { samples: part.samples + logs.size, lossSum: part.lossSum + batchLoss * logs.size, accuracySum: part.accuracySum + batchAccuracy * logs.size };
          bar.step(logs.step, logs.size, batchLoss, batchAccuracy);
          await yieldToEvents();
          if (interrupt.requested) context.stop("interrupted");
        },
      };
      bar.begin(epoch, run.epochs, total, state.step);
      const history = await fit(model, loader, {
        loss,
        optimizer,
        epochs: 1,
        seed: epochSeed(settings.seed, epoch),
        labels: "int32",
        validation: run.validation,
        metrics: { accuracy: accuracy.metric },
        ...(regularizer === undefined ? {} : { regularizer }),
        callbacks: [progress],
        // The bar shows each step's loss, so every step is a log point (fit reads the loss once per step).
        logEvery: 1,
      });
      const logs = joinEpoch(state.partial, part, history.epochs[0] ?? {});
      if (step < total) {
        // Stopped mid-epoch: keep the sums so far, to finish this epoch's averages after a resume.
        const before = state.partial ?? { samples: 0, lossSum: 0, accuracySum: 0 };
        const partial = { samples: before.samples + part.samples, lossSum: before.lossSum + part.lossSum, accuracySum: before.accuracySum + part.accuracySum };
        state = { ...state, step, partial };
        bar.interrupt();
        await saveRun(run.checkpoint, model, optimizer, state);
        return { state, interrupted: true };
      }
      bar.end(logs);
      state = { ...state, completed: epoch + 1, step: 0, partial: null, history: [...state.history, logs] };
      await saveRun(run.checkpoint, model, optimizer, state);
      if (interrupt.requested) return { state, interrupted: true };
    }
    return { state, interrupted: false };
  } finally {
    accuracy.dispose();
  }
}
