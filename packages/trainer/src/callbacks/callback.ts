import type { Module } from "@neurite/layers";
import type { Optimizer } from "@neurite/optimizers";

/** Numbers logged for one epoch: `loss`, each metric by name, and `val_…` for the validation set. */
export type Logs = Readonly<Record<string, number>>;

/** What a callback sees of the training run, and how it can stop it. */
export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Epochs planned. */
  readonly epochs: number;
  /** Batches per epoch when known (in-memory data), else undefined. */
  readonly stepsPerEpoch: number | undefined;
  /** Logs of the epochs finished so far. */
  readonly history: readonly Logs[];
  /** Ends training after the current epoch, recording why. */
  stop(reason: string): void;
}

/** Logs for one optimizer step. */
export interface BatchLogs {
  readonly epoch: number;
  /** Index of the batch in its epoch, from 0. */
  readonly step: number;
  /** Optimizer steps since training began. */
  readonly iteration: number;
  readonly size: number;
  /**
   * The mean training loss since the previous log point, at log points only (see `logEvery`); undefined
   * between them, where reading it would make every step wait for the device.
   */
  readonly loss: number | undefined;
}

/**
 * Hooks into `fit`. Every method is optional and may be async; `fit` awaits each before going on.
 * Callbacks run in the order given.
 */
export interface Callback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, context: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, context: TrainingContext): void | Promise<void>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
}
