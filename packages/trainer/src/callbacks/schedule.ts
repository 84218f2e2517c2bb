import { ReduceOnPlateau, type ReduceOnPlateauOptions, type Schedule } from "@neurite/optimizers";
import type { Callback } from "./callback.js";
import { read, resolveMonitor } from "./monitor.js";

/** Sets the optimizer's learning rate from `schedule(epoch)` at the start of every epoch. */
export function learningRateSchedule(schedule: Schedule): Callback {
  return {
    onEpochBegin(epoch, context) {
      context.optimizer.learningRate = schedule(epoch);
    },
  };
}

/** Lowers the learning rate when the monitored number (default "val_loss") stops improving. */
export function reduceLrOnPlateau(options: ReduceOnPlateauOptions & { readonly monitor?: string } = {}): Callback {
  const monitorName = options.monitor ?? "val_loss";
  const monitor = resolveMonitor("reduceLrOnPlateau", monitorName, options.mode ?? "auto");
  const plateau = new ReduceOnPlateau({ ...options, mode: monitor.mode });
  return {
    onEpochEnd(_epoch, logs, context) {
      context.optimizer.learningRate = plateau.observe(read("reduceLrOnPlateau", monitor, logs), context.optimizer.learningRate);
    },
  };
}
