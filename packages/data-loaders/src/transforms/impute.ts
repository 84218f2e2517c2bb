import type { InMemoryDataset } from "../dataset.js";
import type { SampleBlock } from "../sample.js";
import { fitStats, type FitOptions } from "./scale.js";
import { copyBlock, Transform, type Target } from "./transform.js";

/** Fills missing values (NaN) with per-column values fitted on training data. */
export class MeanImputer extends Transform {
  protected readonly keepsWidths = true;
  readonly target: Target;
  readonly columns: Int32Array;
  /** Per column, the training mean of its non-missing values. */
  readonly mean: Float64Array;

  constructor(target: Target, columns: Int32Array, mean: Float64Array) {
    super();
    this.target = target;
    this.columns = columns;
    this.mean = mean;
  }

  transformBlock(block: SampleBlock): SampleBlock {
    const { block: out, values, width } = copyBlock(block, this.target);
    for (let r = 0; r < block.count; r++) {
      for (let k = 0; k < this.columns.length; k++) {
        const i = r * width + this.columns[k]!;
        if (values[i] !== values[i]) values[i] = this.mean[k]!;
      }
    }
    return out;
  }
}

/**
 * Fits mean imputation on the training split: each missing value (NaN, from `readCsv` with
 * `missing: "mean"` or from arrays) becomes its column's mean over the training split's present values.
 *
 * ```ts
 * const text = "study,sleep,exam\n12,,0.93\n22,6.5,0.68\n115,4,0.95\n31,9,0.75\n";
 * const data = await readCsv(text, { labels: "exam", missing: "mean" });
 * const { train, test } = split(data, { test: 0.25, seed: 3 });
 * const imputer = imputeMean(train);
 * const [trainF, testF] = [imputer.apply(train), imputer.apply(test)];
 * ```
 */
export function imputeMean(train: InMemoryDataset, options: FitOptions = {}): MeanImputer {
  const stats = fitStats("imputeMean", train, options);
  return new MeanImputer(options.target ?? "x", stats.columns, stats.mean.slice());
}
