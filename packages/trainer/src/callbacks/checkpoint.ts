import { ArgumentError } from "@neurite/tensor-core";
import { saveTraining } from "../checkpoint/model.js";
import type { Callback } from "./callback.js";
import { improves, read, resolveMonitor } from "./monitor.js";
import type { CheckpointStorage } from "./storage.js";

/** Options of the `checkpoint` callback. */
export interface CheckpointOptions {
  /** Where to save: `fileStorage(path)` from @neurite/trainer/node, `memoryStorage()`, or your own. */
  readonly storage: CheckpointStorage;
  /** Save only when the monitored number improves. Default false (save every epoch). */
  readonly saveBestOnly?: boolean;
  /** The logged number `saveBestOnly` watches. Default "val_loss". */
  readonly monitor?: string;
  readonly mode?: "min" | "max" | "auto";
  /** Also save the optimizer's state, so training can resume exactly. Default true. */
  readonly includeOptimizer?: boolean;
}

/**
 * Saves the model (and optimizer) after every epoch, or only when it improves, with the epoch and its logs.
 * Restore with `loadTraining(await storage.load(), model, optimizer)`.
 */
export function checkpoint(options: CheckpointOptions): Callback & { readonly saves: number } {
  const op = "checkpoint";
  if (typeof options.storage.save !== "function") throw new ArgumentError({ op, argument: "storage" }, "expected a CheckpointStorage with save() and load()");
  const monitor = resolveMonitor(op, options.monitor ?? "val_loss", options.mode);
  let best: number | null = null;
  let saves = 0;
  return {
    get saves() {
      return saves;
    },
    onTrainBegin() {
      best = null;
    },
    async onEpochEnd(epoch, logs, context) {
      if (options.saveBestOnly === true) {
        const value = read(op, monitor, logs);
        if (!improves(monitor, value, best, 0)) return;
        best = value;
      }
      const bytes = await saveTraining(context.model, options.includeOptimizer === false ? null : context.optimizer, { epoch, metrics: { ...logs } });
      await options.storage.save(bytes);
      saves++;
    },
  };
}
