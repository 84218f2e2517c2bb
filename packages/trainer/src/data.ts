import { DataLoader, Dataset, fromTensors } from "@neurite/data-loaders";
import { ArgumentError, Tensor } from "@neurite/tensor-core";

/** Training data: a dataset, a ready DataLoader, or features and labels as tensors. */
export type TrainingData = Dataset | DataLoader | { readonly x: Tensor; readonly y: Tensor };

/**
 * The course notes' three ways to run gradient descent: `"batch"` computes the gradient over the whole
 * training set (one update per epoch), `"stochastic"` after every single sample, `"minibatch"` averaged over
 * B samples at a time.
 */
export type Mode = "batch" | "stochastic" | "minibatch";

export interface LoaderOptions {
  readonly mode?: Mode | undefined;
  readonly batchSize?: number | undefined;
  readonly shuffle?: boolean | undefined;
  readonly seed?: number | undefined;
  readonly labels?: "float32" | "int32" | undefined;
}

const DEFAULT_BATCH_SIZE = 32;

/** The batch size each mode means. */
function batchSizeFor(op: string, options: LoaderOptions): number | "all" {
  const mode = options.mode ?? "minibatch";
  switch (mode) {
    case "batch":
    case "stochastic":
      if (options.batchSize !== undefined) {
        throw new ArgumentError({ op, argument: "batchSize" }, `mode "${mode}" fixes the batch size; leave batchSize out, or use mode "minibatch"`);
      }
      return mode === "batch" ? "all" : 1;
    case "minibatch":
      return options.batchSize ?? DEFAULT_BATCH_SIZE;
    default:
      throw new ArgumentError({ op, argument: "mode" }, `unknown mode ${JSON.stringify(mode)}; expected "batch", "stochastic" or "minibatch"`);
  }
}

/** Turns any accepted form of data into a DataLoader that yields `{ x, y }` batches. */
export async function toLoader(op: string, data: TrainingData, options: LoaderOptions): Promise<DataLoader> {
  if (data instanceof DataLoader) {
    if (options.mode !== undefined || options.batchSize !== undefined) {
      throw new ArgumentError({ op, argument: "data" }, "a DataLoader already fixes the batch size; pass a Dataset to choose mode or batchSize here");
    }
    return data;
  }
  const dataset = data instanceof Dataset ? data : await fromLabelledTensors(op, data);
  return new DataLoader(dataset, {
    batchSize: batchSizeFor(op, options),
    shuffle: options.shuffle ?? true,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.labels === undefined ? {} : { labels: options.labels }),
  });
}

async function fromLabelledTensors(op: string, data: { readonly x: Tensor; readonly y: Tensor }): Promise<Dataset> {
  if (!(data.x instanceof Tensor) || !(data.y instanceof Tensor)) {
    throw new ArgumentError({ op, argument: "data" }, "expected a Dataset, a DataLoader, or { x, y } tensors");
  }
  return fromTensors(data.x, data.y);
}
