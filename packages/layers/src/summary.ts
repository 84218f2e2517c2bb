import { ArgumentError, formatShape, noGrad, tidy, zeros, type DType, type Tensor } from "@neurite/tensor-core";
import type { Module } from "./module.js";

/** One layer of a summary. */
export interface SummaryRow {
  /** The layer's dotted path in the model ("" for a model that is a single layer). */
  readonly name: string;
  /** How the layer describes itself, e.g. `Dense(8 → 16, relu)`. */
  readonly layer: string;
  /** The layer's output shape in the traced pass (batch first), or null if the pass did not call it. */
  readonly outputShape: readonly number[] | null;
  /** Number of parameter values the layer holds itself (weights and biases), not counting buffers. */
  readonly parameters: number;
  readonly trainableParameters: number;
}

/** What `summary` found; `text` (also `toString()`) is the printable table. */
export interface ModelSummary {
  readonly rows: readonly SummaryRow[];
  /** The shape of the traced input, batch first. */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly totalParameters: number;
  readonly trainableParameters: number;
  readonly nonTrainableParameters: number;
  readonly text: string;
  toString(): string;
}

/** Options of `summary`. */
export interface SummaryOptions {
  /** Batch size of the traced input (default 1). */
  readonly batchSize?: number;
  /** Dtype of the traced input (default: the model's first parameter's, else float32). */
  readonly dtype?: DType;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * A table of the model's layers with each one's output shape and parameter count, and the totals. It runs
 * one forward pass on zeros of shape `[batchSize, ...inputShape]` in evaluation mode, with gradients off,
 * noting what each layer returns (the model's modes are restored afterwards); the counts come from the
 * parameters themselves, so they match a hand count for any architecture: a Dense(in → out) layer holds
 * in·out + out, a Conv2d kh·kw·Cin·Cout + Cout. Buffers (BatchNorm's running statistics) are not parameters.
 *
 * ```ts
 * const model = sequential([dense(8, 10, { activation: "relu" }), dense(10, 6, { activation: "relu" }),
 *   dense(6, 10, { activation: "relu" }), dense(10, 4)]);
 * console.log(summary(model, [8]).text);
 * // Layer                      Output shape   Param #
 * // 0 Dense(8 → 10, relu)      [1, 10]        90
 * // …
 * // Total parameters: 270 (trainable 270, non-trainable 0)
 * ```
 */
export function summary(model: Module, inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
  const op = "summary";
  const given: unknown = inputShape;
  if (!Array.isArray(given) || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ArgumentError({ op, argument: "inputShape" }, `expected the shape of one sample (positive integers, no batch axis), got ${String(inputShape)}`);
  }
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError({ op, argument: "batchSize" }, `expected a positive integer, got ${batchSize}`);

  const modules = model.namedModules();
  const entries = model.variableEntries().filter((e) => e.kind === "parameter");
  const dtype = options.dtype ?? entries[0]?.variable.dtype ?? "float32";

  // Trace: every module's forward records the shape it returns the first time it is called.
  const shapes = new Map<Module, readonly number[]>();
  const order: Module[] = [];
  const modes = modules.map(([, m]) => m.training);
  const ownForwards = modules.map(([, m]) => Object.getOwnPropertyDescriptor(m, "forward"));
  for (const [, m] of modules) {
    const original = m.forward.bind(m);
    Object.defineProperty(m, "forward", {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (x: Tensor): Tensor => {
        const y = original(x);
        if (!shapes.has(m)) {
          shapes.set(m, [...y.shape]);
          order.push(m);
        }
        return y;
      },
    });
  }
  let outputShape: readonly number[];
  const fullInput = [batchSize, ...inputShape];
  try {
    model.eval();
    outputShape = noGrad(() => tidy(() => [...model.forward(zeros(fullInput, { dtype })).shape]));
  } finally {
    modules.forEach(([, m], i) => {
      const own = ownForwards[i];
      if (own === undefined) Reflect.deleteProperty(m, "forward");
      else Object.defineProperty(m, "forward", own);
    });
    // Parents first: each train() also sets the children, which are then set to their own mode.
    modules.forEach(([, m], i) => m.train(modes[i]));
  }

  // Rows: the leaves, and any container that holds parameters of its own, in the order they ran.
  const counts = new Map<Module, { all: number; trainable: number }>();
  for (const e of entries) {
    const c = counts.get(e.owner) ?? { all: 0, trainable: 0 };
    const n = sizeOf(e.variable.shape);
    counts.set(e.owner, { all: c.all + n, trainable: c.trainable + (e.variable.trainable ? n : 0) });
  }
  const paths = new Map(modules.map(([path, m]) => [m, path]));
  const listed = modules.map(([, m]) => m).filter((m) => m.children().length === 0 || counts.has(m));
  const ranked = [...listed.filter((m) => shapes.has(m)).sort((a, b) => order.indexOf(a) - order.indexOf(b)), ...listed.filter((m) => !shapes.has(m))];
  const rows: SummaryRow[] = ranked.map((m) => ({
    name: paths.get(m)!,
    layer: m.toString(),
    outputShape: shapes.get(m) ?? null,
    parameters: counts.get(m)?.all ?? 0,
    trainableParameters: counts.get(m)?.trainable ?? 0,
  }));
  const totalParameters = entries.reduce((n, e) => n + sizeOf(e.variable.shape), 0);
  const trainableParameters = entries.reduce((n, e) => n + (e.variable.trainable ? sizeOf(e.variable.shape) : 0), 0);
  const text = formatTable(model, rows, fullInput, outputShape, totalParameters, trainableParameters);
  return {
    rows,
    inputShape: fullInput,
    outputShape,
    totalParameters,
    trainableParameters,
    nonTrainableParameters: totalParameters - trainableParameters,
    text,
    toString: () => text,
  };
}

function formatTable(
  model: Module,
  rows: readonly SummaryRow[],
  inputShape: readonly number[],
  outputShape: readonly number[],
  total: number,
  trainable: number,
): string {
  const cells = rows.map((r) => [
    r.name === "" ? r.layer : `${r.name} ${r.layer}`,
    r.outputShape === null ? "(not called)" : formatShape(r.outputShape),
    String(r.parameters),
  ]);
  const header = ["Layer", "Output shape", "Param #"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    `${c[0]!.padEnd(widths[0]!)}   ${c[1]!.padEnd(widths[1]!)}   ${c[2]!.padStart(widths[2]!)}`.trimEnd();
  const rule = "─".repeat(widths[0]! + widths[1]! + widths[2]! + 6);
  return [
    `${model.toString()} — input ${formatShape(inputShape)}, output ${formatShape(outputShape)}`,
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Total parameters: ${total} (trainable ${trainable}, non-trainable ${total - trainable})`,
  ].join("\n");
}
