// What a finished run shows: accuracy on the three splits, the curves, the confusion matrix on the test
// digits, and a few test digits with what the model said.
import type { InMemoryDataset } from "@neurite/data-loaders";
import type { Module } from "@neurite/layers";
import { categoricalAccuracy } from "@neurite/losses";
import { softmax } from "@neurite/tensor-core";
import { evaluate, predict, type Logs } from "@neurite/trainer";
import { confusionMatrix, formatConfusion } from "./confusion.js";
import { drawCurves } from "./curves.js";
import type { Digits } from "./data.js";
import { drawDigits, type Shown } from "./glyphs.js";
import { loss } from "./train.js";

const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

/** The model's digit and its probability for every sample of `data`. */
async function classify(model: Module, data: InMemoryDataset): Promise<{ predicted: Int32Array; probability: Float32Array }> {
  const logits = await predict(model, data);
  const probabilities = softmax(logits);
  logits.dispose();
  const values = await probabilities.data();
  probabilities.dispose();
  const predicted = new Int32Array(data.length);
  const probability = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (values[i * 10 + k]! > values[i * 10 + best]!) best = k;
    predicted[i] = best;
    probability[i] = values[i * 10 + best]!;
  }
  return { predicted, probability };
}

/** A few test digits: the first ones the model got right, and up to two it got wrong. */
function pick(test: InMemoryDataset, predicted: Int32Array, probability: Float32Array, count: number): Shown[] {
  const show = (i: number): Shown => ({
    pixels: test.x.subarray(i * 784, (i + 1) * 784),
    label: test.y[i]!,
    predicted: predicted[i]!,
    probability: probability[i]!,
  });
  const indices = Array.from({ length: test.length }, (_, i) => i);
  const wrong = indices.filter((i) => predicted[i] !== test.y[i]).slice(0, 2);
  const right = indices.filter((i) => predicted[i] === test.y[i]).slice(0, count - wrong.length);
  return [...right, ...wrong].map(show);
}

export interface ReportOptions {
  /** ANSI colours (a terminal). */
  readonly color: boolean;
  readonly columns: number;
}

/** The closing report of a run, as text; also returns the test accuracy. */
export async function report(model: Module, digits: Digits, history: readonly Logs[], options: ReportOptions): Promise<{ text: string; testAccuracy: number }> {
  const heading = (text: string): string => (options.color ? `${BOLD}${text}${RESET}` : text);
  const rows: string[] = [`${"".padEnd(12)}${"digits".padStart(7)}${"loss".padStart(9)}${"accuracy".padStart(11)}`];
  let testAccuracy = Number.NaN;
  for (const [name, data] of [["train", digits.train], ["validation", digits.validation], ["test", digits.test]] as const) {
    const { loss: value = Number.NaN, accuracy = Number.NaN } = await evaluate(model, data, { loss, metrics: { accuracy: categoricalAccuracy }, labels: "int32" });
    if (name === "test") testAccuracy = accuracy;
    rows.push(`${name.padEnd(12)}${String(data.length).padStart(7)}${value.toFixed(4).padStart(9)}${`${(100 * accuracy).toFixed(2)}%`.padStart(11)}`);
  }
  const { predicted, probability } = await classify(model, digits.test);
  const truth = Int32Array.from(digits.test.y);
  const sections = [heading("Accuracy"), rows.join("\n")];
  if (history.length > 0) sections.push("", drawCurves(history, options.color, Math.max(20, Math.min(60, options.columns - 12))));
  sections.push("", heading("Confusion matrix (test digits)"), formatConfusion(confusionMatrix(truth, predicted), options.color));
  sections.push("", heading("Some test digits"), drawDigits(pick(digits.test, predicted, probability, 6), options.columns));
  return { text: sections.join("\n"), testAccuracy };
}
