import { ArgumentError } from "@neurite/tensor-core";
import { InMemoryDataset, type Dataset } from "../dataset.js";
import type { SampleBlock } from "../sample.js";
import { copyBlock, resolveColumns, Transform, type Target } from "./transform.js";

/** Which values a scaler (or imputer) is fitted on. */
export interface FitOptions {
  /** The features (default) or the labels (e.g. to scale a regression target). */
  readonly target?: Target;
  /** Columns to fit and transform, by index or name; default all. Leave one-hot columns out. */
  readonly columns?: readonly (number | string)[];
}

/** Per-column count, mean, variance (Welford), min and max of the non-missing values, in float64. */
export class ColumnStats {
  readonly count: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;

  constructor(readonly columns: Int32Array) {
    const n = columns.length;
    this.count = new Float64Array(n);
    this.mean = new Float64Array(n);
    this.m2 = new Float64Array(n);
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
  }

  add(values: Float32Array, width: number, rows: number): void {
    const { columns, count, mean, m2, min, max } = this;
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < columns.length; k++) {
        const v = values[r * width + columns[k]!]!;
        if (v !== v) continue; // missing
        const c = ++count[k]!;
        const delta = v - mean[k]!;
        mean[k]! += delta / c;
        m2[k]! += delta * (v - mean[k]!);
        if (v < min[k]!) min[k] = v;
        if (v > max[k]!) max[k] = v;
      }
    }
  }

  /** Throws unless every column had at least one value. */
  requireValues(op: string, names: readonly string[] | undefined): void {
    for (let k = 0; k < this.columns.length; k++) {
      if (this.count[k] === 0) {
        const c = this.columns[k]!;
        throw new ArgumentError({ op, argument: "train" }, `column ${names?.[c] === undefined ? c : JSON.stringify(names[c])} has no values in the training data (empty, or all missing); nothing to fit`);
      }
    }
  }
}

/** Fits column statistics on a dataset: at once in memory, by one pass over a stream. */
export function fitStats(op: string, data: InMemoryDataset, options: FitOptions): ColumnStats;
export function fitStats(op: string, data: Dataset, options: FitOptions): ColumnStats | Promise<ColumnStats>;
export function fitStats(op: string, data: Dataset, options: FitOptions): ColumnStats | Promise<ColumnStats> {
  const target = options.target ?? "x";
  const names = target === "x" ? data.featureNames : data.labelNames;
  if (data instanceof InMemoryDataset) {
    const width = target === "x" ? data.featureWidth : data.labelWidth;
    const stats = new ColumnStats(resolveColumns(op, options.columns, width, names));
    stats.add(target === "x" ? data.x : data.y, width, data.length);
    stats.requireValues(op, names);
    return stats;
  }
  return (async () => {
    let stats: ColumnStats | undefined;
    for await (const block of data.blocks()) {
      if (block.count === 0) continue;
      const width = target === "x" ? block.featureWidth : block.labelWidth;
      stats ??= new ColumnStats(resolveColumns(op, options.columns, width, target === "x" ? data.featureNames : data.labelNames));
      stats.add(target === "x" ? block.x : block.y, width, block.count);
    }
    stats ??= new ColumnStats(new Int32Array(0));
    stats.requireValues(op, names);
    return stats;
  })();
}

/**
 * v ↦ (v − shift) · factor + base on chosen columns: standardization and min-max scaling. Missing values
 * (NaN) stay missing.
 */
export abstract class AffineScaler extends Transform {
  protected readonly keepsWidths = true;
  readonly target: Target;
  /** The columns it scales. */
  readonly columns: Int32Array;
  readonly #shift: Float64Array;
  readonly #factor: Float64Array;
  readonly #base: Float64Array;

  constructor(target: Target, columns: Int32Array, shift: Float64Array, factor: Float64Array, base: Float64Array) {
    super();
    this.target = target;
    this.columns = columns;
    this.#shift = shift;
    this.#factor = factor;
    this.#base = base;
  }

  transformBlock(block: SampleBlock): SampleBlock {
    const { block: out, values, width } = copyBlock(block, this.target);
    const columns = this.columns;
    for (let r = 0; r < block.count; r++) {
      for (let k = 0; k < columns.length; k++) {
        const i = r * width + columns[k]!;
        values[i] = (values[i]! - this.#shift[k]!) * this.#factor[k]! + this.#base[k]!;
      }
    }
    return out;
  }

  /**
   * Undoes the scaling on rows of `width` values (the target's full width), e.g. to read a model's scaled
   * predictions in the original units.
   */
  invert(values: ArrayLike<number>, width: number): Float32Array {
    const out = Float32Array.from(values);
    for (let r = 0; r * width < out.length; r++) {
      for (let k = 0; k < this.columns.length; k++) {
        const i = r * width + this.columns[k]!;
        out[i] = (out[i]! - this.#base[k]!) / this.#factor[k]! + this.#shift[k]!;
      }
    }
    return out;
  }
}

/** Scales each column to zero mean and unit standard deviation, with the training split's mean and std. */
export class Standardizer extends AffineScaler {
  /** Per scaled column, the training mean and (population) standard deviation; 1 for a constant column. */
  readonly mean: Float64Array;
  readonly std: Float64Array;

  constructor(target: Target, stats: ColumnStats) {
    const n = stats.columns.length;
    const std = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const s = Math.sqrt(stats.m2[k]! / stats.count[k]!);
      std[k] = s > 0 ? s : 1; // a constant column is only centred
    }
    super(target, stats.columns, stats.mean.slice(), std.map((s) => 1 / s), new Float64Array(n));
    this.mean = stats.mean.slice();
    this.std = std;
  }
}

/** Scales each column linearly so that the training split's min and max map to `range`. */
export class MinMaxScaler extends AffineScaler {
  readonly min: Float64Array;
  readonly max: Float64Array;

  constructor(target: Target, stats: ColumnStats, range: readonly [number, number]) {
    const n = stats.columns.length;
    const factor = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const span = stats.max[k]! - stats.min[k]!;
      factor[k] = span > 0 ? (range[1] - range[0]) / span : 1; // a constant column maps to range[0]
    }
    super(target, stats.columns, stats.min.slice(), factor, new Float64Array(n).fill(range[0]));
    this.min = stats.min.slice();
    this.max = stats.max.slice();
  }
}

/**
 * Fits standardization, (v − mean) / std per column, on the training data. Apply the result to every split:
 * fitting on the validation or test data would leak them into training.
 *
 * ```ts
 * const data = courseNotesTable();
 * const { train, test } = split(data, { test: 0.25, seed: 1 });
 * const scaler = standardize(train);
 * const [trainS, testS] = [scaler.apply(train), scaler.apply(test)];
 * ```
 *
 * An in-memory dataset is fitted at once; a stream is read once and a Promise returned.
 */
export function standardize(train: InMemoryDataset, options?: FitOptions): Standardizer;
export function standardize(train: Dataset, options?: FitOptions): Promise<Standardizer>;
export function standardize(train: Dataset, options: FitOptions = {}): Standardizer | Promise<Standardizer> {
  const target = options.target ?? "x";
  const stats = fitStats("standardize", train, options);
  return stats instanceof ColumnStats ? new Standardizer(target, stats) : stats.then((s) => new Standardizer(target, s));
}

/**
 * Fits min-max scaling on the training data: each column's training min maps to `range[0]` and its max to
 * `range[1]` (default [0, 1]). Values of other splits may fall outside the range; that is expected.
 *
 * ```ts
 * const scaler = minMaxScale(courseNotesTable(), { range: [-1, 1] });
 * ```
 */
export function minMaxScale(train: InMemoryDataset, options?: FitOptions & { readonly range?: readonly [number, number] }): MinMaxScaler;
export function minMaxScale(train: Dataset, options?: FitOptions & { readonly range?: readonly [number, number] }): Promise<MinMaxScaler>;
export function minMaxScale(train: Dataset, options: FitOptions & { readonly range?: readonly [number, number] } = {}): MinMaxScaler | Promise<MinMaxScaler> {
  const target = options.target ?? "x";
  const range = options.range ?? [0, 1];
  if (!Number.isFinite(range[0]) || !Number.isFinite(range[1]) || range[0] >= range[1]) {
    throw new ArgumentError({ op: "minMaxScale", argument: "range" }, `expected finite [low, high] with low < high, got [${range.join(", ")}]`);
  }
  const stats = fitStats("minMaxScale", train, options);
  return stats instanceof ColumnStats ? new MinMaxScaler(target, stats, range) : stats.then((s) => new MinMaxScaler(target, s, range));
}
