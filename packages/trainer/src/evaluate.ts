import { noGrad } from "@neurite/autograd";
import { DataLoader } from "@neurite/data-loaders";
import type { Module } from "@neurite/layers";
import type { Loss } from "@neurite/losses";
import { ArgumentError, concat, keep, Tensor, tidy } from "@neurite/tensor-core";
import type { Logs } from "./callbacks/callback.js";
import { toLoader, type TrainingData } from "./data.js";

/** A metric: predictions and targets in, a scalar out (e.g. `binaryAccuracy` from @neurite/losses). */
export type Metric = (predictions: Tensor, targets: Tensor) => Tensor;

/** Options of `evaluate`. */
export interface EvaluateOptions {
  readonly loss: Loss;
  readonly metrics?: Readonly<Record<string, Metric>>;
  /** Samples per forward pass (memory only: the result is the same). Default 256. */
  readonly batchSize?: number;
  /** Labels as float32 (default) or int32 class indices, as the loss expects. */
  readonly labels?: "float32" | "int32";
}

/** Runs `fn` with the model in eval mode (dropout off, batch-norm running statistics), then restores its mode. */
export async function inEvalMode<T>(model: Module, fn: () => Promise<T>): Promise<T> {
  const wasTraining = model.training;
  model.eval();
  try {
    return await fn();
  } finally {
    if (wasTraining) model.train();
  }
}

/** Adds one batch's scalar values, weighted by the batch size, to running totals. */
async function accumulate(totals: Map<string, number>, values: ReadonlyMap<string, Tensor>, size: number): Promise<void> {
  for (const [name, t] of values) {
    const value = (await t.data())[0]!;
    totals.set(name, (totals.get(name) ?? 0) + value * size);
  }
}

/**
 * The loss and metrics of `model` on `data`, averaged over every sample (batches weighted by their size), in
 * eval mode and without tracing gradients.
 *
 * ```ts
 * const model = sequential([dense(2, 8, { activation: "tanh" }), dense(8, 1, { activation: "sigmoid" })]);
 * const testSet = twoMoons({ n: 50, seed: 3 });
 * const { loss, accuracy } = await evaluate(model, testSet, { loss: mse, metrics: { accuracy: binaryAccuracy } });
 * ```
 */
export async function evaluate(model: Module, data: TrainingData, options: EvaluateOptions): Promise<Logs> {
  // A DataLoader brings its own batch size; the default applies to the other kinds of data only.
  const batchSize = options.batchSize ?? (data instanceof DataLoader ? undefined : 256);
  const loader = await toLoader("evaluate", data, { batchSize, shuffle: false, labels: options.labels });
  const totals = new Map<string, number>();
  let count = 0;
  await inEvalMode(model, async () => {
    for await (const batch of loader) {
      try {
        const values = noGrad(() =>
          tidy(() => {
            const predictions = model.forward(batch.x);
            const out = new Map<string, Tensor>([["loss", keep(options.loss(predictions, batch.y))]]);
            for (const [name, metric] of Object.entries(options.metrics ?? {})) out.set(name, keep(metric(predictions, batch.y)));
            return out;
          }),
        );
        try {
          await accumulate(totals, values, batch.size);
        } finally {
          for (const t of values.values()) t.dispose();
        }
        count += batch.size;
      } finally {
        batch.dispose();
      }
    }
  });
  if (count === 0) throw new ArgumentError({ op: "evaluate", argument: "data" }, "the data holds no samples");
  return Object.fromEntries([...totals].map(([name, total]) => [name, total / count]));
}

/**
 * The model's outputs for every sample of `x` (a tensor of samples, or a dataset), computed in eval mode in
 * batches and joined along the first axis.
 */
export async function predict(model: Module, x: Tensor | TrainingData, options: { readonly batchSize?: number } = {}): Promise<Tensor> {
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError({ op: "predict", argument: "batchSize" }, `expected a positive integer, got ${batchSize}`);
  return inEvalMode(model, async () => {
    if (x instanceof Tensor) {
      return noGrad(() =>
        tidy(() => {
          const n = x.shape[0] ?? 1;
          if (x.rank === 0) throw new ArgumentError({ op: "predict", argument: "x" }, "expected a batch of samples [n, …], got a scalar");
          if (n === 0) throw new ArgumentError({ op: "predict", argument: "x" }, `the batch of shape [${x.shape.join(", ")}] holds no samples`);
          const parts: Tensor[] = [];
          for (let start = 0; start < n; start += batchSize) {
            parts.push(model.forward(x.slice([start], [Math.min(batchSize, n - start)])));
          }
          return parts.length === 1 ? parts[0]! : concat(parts, 0);
        }),
      );
    }
    const loader = await toLoader("predict", x, { batchSize: x instanceof DataLoader && options.batchSize === undefined ? undefined : batchSize, shuffle: false });
    const parts: Tensor[] = [];
    try {
      for await (const batch of loader) {
        try {
          parts.push(noGrad(() => tidy(() => keep(model.forward(batch.x)))));
        } finally {
          batch.dispose();
        }
      }
      if (parts.length === 0) throw new ArgumentError({ op: "predict", argument: "x" }, "the data holds no samples");
      return parts.length === 1 ? parts.pop()! : concat(parts, 0);
    } finally {
      for (const p of parts) p.dispose();
    }
  });
}
