import { ArgumentError, type Tensor } from "@neurite/tensor-core";
import type { Callback } from "./callback.js";
import { improves, read, resolveMonitor } from "./monitor.js";

/** Options of the `earlyStopping` callback. */
export interface EarlyStoppingOptions {
  /** The logged number to watch. Default "val_loss". */
  readonly monitor?: string;
  /** Epochs without improvement before stopping. Default 5. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  readonly minDelta?: number;
  readonly mode?: "min" | "max" | "auto";
  /** At the end, put back the weights of the best epoch. Default false. */
  readonly restoreBest?: boolean;
}

/**
 * Stops training when the monitored number has not improved for `patience` epochs — the course notes' early
 * stopping: keep the weights that did best on held-out data, stop when they no longer improve.
 *
 * ```ts
 * const model = sequential([dense(2, 8, { activation: "tanh" }), dense(8, 1)]);
 * const [train, validation] = [twoMoons({ n: 64, seed: 1 }), twoMoons({ n: 64, seed: 2 })];
 * await fit(model, train, {
 *   loss: binaryCrossEntropyWithLogits, optimizer: adam(), epochs: 50, validation,
 *   callbacks: [earlyStopping({ patience: 5, restoreBest: true })],
 * });
 * ```
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback & { readonly bestEpoch: number | null } {
  const op = "earlyStopping";
  const monitor = resolveMonitor(op, options.monitor ?? "val_loss", options.mode);
  const patience = options.patience ?? 5;
  const minDelta = options.minDelta ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw new ArgumentError({ op, argument: "patience" }, `expected a non-negative integer, got ${patience}`);
  if (!(minDelta >= 0)) throw new ArgumentError({ op, argument: "minDelta" }, `expected a number ≥ 0, got ${minDelta}`);
  let best: number | null = null;
  let bestEpoch: number | null = null;
  let wait = 0;
  let snapshot: Record<string, Tensor> | null = null;
  const dropSnapshot = (): void => {
    for (const t of Object.values(snapshot ?? {})) t.dispose();
    snapshot = null;
  };
  return {
    get bestEpoch() {
      return bestEpoch;
    },
    onTrainBegin() {
      best = null;
      bestEpoch = null;
      wait = 0;
      dropSnapshot();
    },
    onEpochEnd(epoch, logs, context) {
      const value = read(op, monitor, logs);
      if (improves(monitor, value, best, minDelta)) {
        best = value;
        bestEpoch = epoch;
        wait = 0;
        if (options.restoreBest === true) {
          dropSnapshot();
          snapshot = context.model.stateDict();
        }
        return;
      }
      // The `patience`-th epoch in a row without improvement is the last one (Keras counts the same way).
      if (++wait >= patience) {
        context.stop(`earlyStopping: ${monitor.name} did not improve for ${wait} epochs (best ${best?.toPrecision(4)} at epoch ${bestEpoch})`);
      }
    },
    onTrainEnd(context) {
      if (snapshot !== null) context.model.loadStateDict(snapshot);
      dropSnapshot();
    },
  };
}
