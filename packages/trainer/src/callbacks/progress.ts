import type { BatchLogs, Callback, Logs } from "./callback.js";

/** What a progress listener receives: one event per batch, per epoch, and at the end. */
export type ProgressEvent =
  | { readonly type: "batch"; readonly epoch: number; readonly epochs: number; readonly step: number; readonly steps: number | undefined; readonly loss: number | undefined }
  | { readonly type: "epoch"; readonly epoch: number; readonly epochs: number; readonly logs: Logs; readonly seconds: number }
  | { readonly type: "end"; readonly epochs: number; readonly history: readonly Logs[] };

/**
 * Sends progress as plain events, for a web page to draw (a loss curve, a progress bar).
 *
 * ```ts
 * const model = dense(3, 1);
 * const losses: number[] = []; // what a page would plot
 * await fit(model, courseNotesTable(), {
 *   loss: mse, optimizer: adam(), epochs: 5,
 *   callbacks: [progress((e) => { if (e.type === "epoch") losses.push(e.logs.loss!); })],
 * });
 * ```
 */
export function progress(listener: (event: ProgressEvent) => void): Callback {
  let started = 0;
  // The latest loss read back (at a log point), shown until the next one.
  let loss: number | undefined;
  return {
    onEpochBegin() {
      started = performance.now();
    },
    onBatchEnd(logs: BatchLogs, context) {
      loss = logs.loss ?? loss;
      listener({ type: "batch", epoch: logs.epoch, epochs: context.epochs, step: logs.step, steps: context.stepsPerEpoch, loss });
    },
    onEpochEnd(epoch, logs, context) {
      listener({ type: "epoch", epoch, epochs: context.epochs, logs, seconds: (performance.now() - started) / 1000 });
    },
    onTrainEnd(context) {
      listener({ type: "end", epochs: context.history.length, history: context.history });
    },
  };
}

/** Formats an epoch's logs: `loss 0.0312 · accuracy 0.9750 · val_loss 0.0401`. */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([name, value]) => `${name} ${Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toFixed(4)}`)
    .join(" · ");
}

interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

function defaultOutput(): Output {
  const stdout = (globalThis as { process?: { stdout?: Output } }).process?.stdout;
  if (stdout !== undefined) return stdout;
  return { write: (text: string) => { console.log(text.trimEnd()); } };
}

/**
 * A progress bar in the terminal: on a TTY one line redrawn per batch (epoch, bar, batch loss), and one line
 * per finished epoch with its logs (every `every`-th epoch); elsewhere (CI logs, the browser console) only the
 * epoch lines.
 */
export function progressBar(options: { readonly output?: Output; readonly width?: number; readonly every?: number } = {}): Callback {
  const output = options.output ?? defaultOutput();
  const width = options.width ?? 30;
  // Print every k-th epoch's line (and the last one), for long runs.
  const every = options.every ?? 1;
  const live = output.isTTY === true;
  return progress((event) => {
    if (event.type === "batch" && live) {
      const fraction = event.steps === undefined ? 0 : (event.step + 1) / event.steps;
      const filled = Math.round(fraction * width);
      const bar = event.steps === undefined ? "" : `[${"=".repeat(filled)}${" ".repeat(width - filled)}] `;
      output.write(`\repoch ${event.epoch + 1}/${event.epochs} ${bar}${event.loss === undefined ? "" : `loss ${event.loss.toFixed(4)}`}`);
    } else if (event.type === "epoch" && ((event.epoch + 1) % every === 0 || event.epoch + 1 === event.epochs)) {
      output.write(`${live ? "\r\x1b[K" : ""}epoch ${event.epoch + 1}/${event.epochs} (${event.seconds.toFixed(1)} s) ${formatLogs(event.logs)}\n`);
    }
  });
}
