import type { Tensor } from "@neurite/tensor-core";
import { InMemoryDataset, type DatasetMeta } from "./dataset.js";
import { DataError } from "./errors.js";
import { BlockBuilder } from "./sample.js";

/** Rows of features or labels: one number per sample, or an array of numbers per sample. */
export type Rows = readonly (number | ArrayLike<number>)[];

/**
 * An in-memory dataset from arrays: `features[i]` and `labels[i]` are sample i. A number stands for a
 * one-value row. `NaN` marks a missing value (see `imputeMean`).
 *
 * ```ts
 * const data = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]); // XOR
 * ```
 *
 * @throws DataError `length-mismatch` when features and labels have different lengths, `width-mismatch`
 * for a ragged row, `not-a-number` for a value that is not a number.
 */
export function fromArrays(features: Rows, labels?: Rows, meta: DatasetMeta = {}): InMemoryDataset {
  const op = "fromArrays";
  const source = meta.name ?? "arrays";
  if (labels !== undefined && labels.length !== features.length) {
    throw new DataError(
      "length-mismatch",
      { op, source },
      `features have ${features.length} rows but labels have ${labels.length}; expected one label row per feature row`,
    );
  }
  const builder = new BlockBuilder(-1, -1, Math.max(16, features.length));
  for (let i = 0; i < features.length; i++) {
    const y = labels?.[i];
    builder.append(y === undefined ? { x: features[i]! } : { x: features[i]!, y }, { op, source, sample: i });
  }
  const block = builder.take();
  return new InMemoryDataset({ ...block, length: block.count, ...meta, name: source });
}

/**
 * An in-memory dataset from a features tensor of shape `[n, …]` and a labels tensor of shape `[n]` or
 * `[n, k]` (any dtype; values become float32). The features keep their per-sample shape, so images of shape
 * `[n, 28, 28, 1]` come back out of the DataLoader as `[batch, 28, 28, 1]`. The tensors are read, not kept.
 *
 * ```ts
 * const data = await fromTensors(tensor([[1, 2], [3, 4]]), tensor([0, 1]));
 * ```
 */
export async function fromTensors(features: Tensor, labels?: Tensor, meta: DatasetMeta = {}): Promise<InMemoryDataset> {
  const op = "fromTensors";
  const source = meta.name ?? "tensors";
  if (features.rank < 1) {
    throw new DataError("width-mismatch", { op, source }, `features must have a sample axis; got a scalar tensor, expected shape [n, …]`);
  }
  const n = features.shape[0]!;
  if (labels !== undefined) {
    if (labels.rank < 1 || labels.shape[0] !== n) {
      throw new DataError(
        "length-mismatch",
        { op, source },
        `features have ${n} samples (shape [${features.shape.join(", ")}]) but labels have shape [${labels.shape.join(", ")}]; expected ${n} along axis 0`,
      );
    }
    if (labels.rank > 2) {
      throw new DataError("width-mismatch", { op, source }, `labels of shape [${labels.shape.join(", ")}]; expected [n] or [n, k]`);
    }
  }
  const x = Float32Array.from(await features.data());
  const y = labels === undefined ? new Float32Array(0) : Float32Array.from(await labels.data());
  const featureShape = features.shape.slice(1);
  const featureWidth = n === 0 ? featureShape.reduce((a, b) => a * b, 1) : x.length / n;
  const labelWidth = labels === undefined ? 0 : labels.rank === 1 ? 1 : labels.shape[1]!;
  return new InMemoryDataset({ length: n, featureWidth, labelWidth, x, y, featureShape, ...meta, name: source });
}
