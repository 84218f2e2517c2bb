import { ArgumentError } from "@neurite/tensor-core";
import { Dataset, DerivedDataset, InMemoryDataset } from "../dataset.js";
import type { SampleBlock } from "../sample.js";

/** Which values of a sample a transform works on: the features (`x`) or the labels (`y`). */
export type Target = "x" | "y";

/**
 * A transform of samples, fitted or fixed. `apply` gives a transformed dataset of the same kind: an
 * in-memory dataset is transformed at once, a stream lazily as it is read.
 *
 * ```ts
 * const { train, test } = split(courseNotesTable(), { test: 0.25, seed: 1 });
 * const scaler = standardize(train);       // fitted on the training split only
 * const testScaled = scaler.apply(test);   // the training split's statistics, applied to the test split
 * ```
 */
export abstract class Transform {
  /** Whether the sample widths stay the same (then the dataset keeps its feature and label names). */
  protected abstract readonly keepsWidths: boolean;

  /** The transformed copy of a block; `first` is the index of its first sample in the pass. */
  abstract transformBlock(block: SampleBlock, first: number): SampleBlock;

  apply(data: InMemoryDataset): InMemoryDataset;
  apply(data: Dataset): Dataset;
  apply(data: Dataset): Dataset {
    if (data instanceof InMemoryDataset) {
      return data.derive(this.transformBlock({ count: data.length, featureWidth: data.featureWidth, labelWidth: data.labelWidth, x: data.x, y: data.y }, 0));
    }
    return new DerivedDataset(data, this.keepsWidths ? undefined : {}, (block, first) => this.transformBlock(block, first));
  }
}

/** Resolves column choices (indices or names) to indices in [0, width). */
export function resolveColumns(op: string, columns: readonly (number | string)[] | undefined, width: number, names: readonly string[] | undefined): Int32Array {
  if (columns === undefined) return Int32Array.from({ length: width }, (_, i) => i);
  return Int32Array.from(columns, (c) => {
    if (typeof c === "number") {
      if (Number.isInteger(c) && c >= 0 && c < width) return c;
      throw new ArgumentError({ op, argument: "columns" }, `column ${c} is outside [0, ${width})`);
    }
    const index = names?.indexOf(c) ?? -1;
    if (index < 0) {
      throw new ArgumentError({ op, argument: "columns" }, `no column named "${c}"; the names are ${names === undefined ? "unknown (select columns by index)" : names.map((n) => JSON.stringify(n)).join(", ")}`);
    }
    return index;
  });
}

/** Copies a block, with fresh arrays for the target values so that the original stays as it was. */
export function copyBlock(block: SampleBlock, target: Target): { block: SampleBlock; values: Float32Array; width: number } {
  const values = (target === "x" ? block.x : block.y).slice();
  const width = target === "x" ? block.featureWidth : block.labelWidth;
  return { block: target === "x" ? { ...block, x: values } : { ...block, y: values }, values, width };
}
