// Loss and accuracy per epoch, drawn by asciichart. One point per epoch would make a chart a few columns
// wide, so each series is sampled at `width` points along straight lines between the epochs.
import { plot, blue, yellow, type Color } from "asciichart";
import type { Logs } from "@neurite/trainer";

/** `values` (one per epoch) at `width` evenly spaced points from the first epoch to the last. */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length === 0) return [];
  if (values.length === 1) return Array.from({ length: width }, () => values[0]!);
  return Array.from({ length: width }, (_, i) => {
    const at = (i / (width - 1)) * (values.length - 1);
    const left = Math.min(Math.floor(at), values.length - 2);
    const t = at - left;
    return values[left]! * (1 - t) + values[left + 1]! * t;
  });
}

const LABEL = 8;
const RESET = "\x1b[0m";

function chart(title: string, train: readonly number[], validation: readonly number[], width: number, color: boolean): string {
  const series = [resample(train, width), resample(validation, width)].filter((s) => s.length > 0 && s.every(Number.isFinite));
  if (series.length === 0) return "";
  const colors: Color[] = color ? [blue, yellow] : [];
  const legend = color ? `${blue}━━${RESET} train  ${yellow}━━${RESET} validation` : "train and validation; in colour on a terminal";
  const body = plot(series, { height: 8, colors, format: (x: number) => x.toFixed(3).padStart(LABEL) });
  const epochs = train.length;
  const axis = `${" ".repeat(LABEL + 1)}epoch 1${epochs > 1 ? `epoch ${epochs}`.padStart(width - 7) : ""}`;
  return `${title} (${legend})\n${body}\n${axis}`;
}

/**
 * The loss chart and the accuracy chart of a run's epochs, training and validation curves on each.
 *
 * ```ts
 * console.log(drawCurves(history, process.stdout.isTTY));
 * ```
 */
export function drawCurves(history: readonly Logs[], color: boolean, width = 60): string {
  const of = (name: string): number[] => history.map((logs) => logs[name] ?? Number.NaN);
  return [chart("Loss", of("loss"), of("val_loss"), width, color), chart("Accuracy", of("accuracy"), of("val_accuracy"), width, color)]
    .filter((c) => c !== "")
    .join("\n\n");
}
