import { ArgumentError } from "@neurite/tensor-core";
import { DataError, NO_SKIPS, type SkipReport } from "./errors.js";
import { BlockBuilder, filterBlock, mapBlock, sampleAt, type Sample, type SampleBlock, type SampleInput } from "./sample.js";

/** Names and shapes a dataset may know about its samples. */
export interface DatasetMeta {
  /** A word for where the data comes from, used in error messages: a file name, "arrays", "twoMoons". */
  readonly name?: string;
  readonly featureNames?: readonly string[] | undefined;
  readonly labelNames?: readonly string[] | undefined;
  /** The shape of one sample's features (e.g. `[28, 28, 1]`); `[featureWidth]` when not given. */
  readonly featureShape?: readonly number[] | undefined;
}

/** What `map` may say about the samples it returns (they lose the source's names otherwise). */
export type MapOptions = Omit<DatasetMeta, "name">;

/**
 * A source of samples. Two kinds exist: an {@link InMemoryDataset} holds every sample in two typed arrays
 * and can be indexed, shuffled exactly and split; a streaming dataset (CSV, iterables) is read front to back
 * once per pass and never holds more than a block of samples.
 *
 * Every dataset is async-iterable sample by sample (`for await (const { x, y } of dataset)`), which is handy
 * for looking at data; the DataLoader reads blocks instead, which is what makes large files fast.
 */
export abstract class Dataset implements AsyncIterable<Sample> {
  readonly #meta: DatasetMeta;

  constructor(meta: DatasetMeta) {
    this.#meta = meta;
  }

  /** A word for where the data comes from, used in error messages: a file name, "arrays", "twoMoons". */
  get name(): string {
    return this.#meta.name ?? "dataset";
  }

  /** One name per feature value, where known (CSV headers; `color=red` for a one-hot column). */
  get featureNames(): readonly string[] | undefined {
    return this.#meta.featureNames;
  }

  get labelNames(): readonly string[] | undefined {
    return this.#meta.labelNames;
  }

  /** The shape of one sample's features (`[28, 28, 1]` for images); `[featureWidth]` when undefined. */
  get featureShape(): readonly number[] | undefined {
    return this.#meta.featureShape;
  }

  /**
   * One pass over the samples, in blocks. Each call starts a new pass (a CSV file is read again). Breaking
   * out of the loop closes the source.
   */
  abstract blocks(): AsyncIterableIterator<SampleBlock>;

  /** Rows the latest pass skipped as bad (with `onBadRow: "skip"` or `missing: "skip"`); none by default. */
  get skipped(): SkipReport {
    return NO_SKIPS;
  }

  /**
   * A dataset whose samples are `fn` of this one's (lazily for streams, at once for in-memory datasets).
   * `fn` gets read-only views; return new arrays.
   *
   * ```ts
   * const dataset = fromArrays([[1, 2], [3, 4]], [0, 1]);
   * const squared = dataset.map(({ x, y }) => ({ x: x.map((v) => v * v), y }));
   * ```
   */
  map(fn: (sample: Sample, index: number) => SampleInput, options: MapOptions = {}): Dataset {
    return new DerivedDataset(this, { ...options, name: this.name }, (block, first) => mapBlock(block, fn, first, { op: "map", source: this.name }));
  }

  /**
   * The samples for which `keep` returns true.
   *
   * ```ts
   * const people = fromArrays([[17, 160], [34, 172], [52, 168]], [0, 1, 1]);
   * const adults = people.filter(({ x }) => x[0]! >= 18);
   * ```
   */
  filter(keep: (sample: Sample, index: number) => boolean): Dataset {
    return new DerivedDataset(this, undefined, (block, first) => filterBlock(block, keep, first));
  }

  /** Reads one whole pass into memory. */
  async collect(): Promise<InMemoryDataset> {
    let builder: BlockBuilder | undefined;
    const widths = new WidthCheck("collect", this.name);
    for await (const block of this.blocks()) {
      if (!widths.check(block)) continue;
      builder ??= new BlockBuilder(block.featureWidth, block.labelWidth, 1024);
      for (let i = 0; i < block.count; i++) builder.appendRow(block, i);
    }
    const all = (builder ?? new BlockBuilder(0, 0)).take();
    return new InMemoryDataset({ ...all, length: all.count, name: this.name, featureNames: this.featureNames, labelNames: this.labelNames, featureShape: this.featureShape, skipped: this.skipped });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Sample> {
    for await (const block of this.blocks()) {
      for (let i = 0; i < block.count; i++) yield sampleAt(block, i);
    }
  }
}

/** Checks that every non-empty block of a pass has the widths of the first one. */
export class WidthCheck {
  featureWidth = -1;
  labelWidth = -1;
  #seen = 0;

  constructor(
    readonly op: string,
    readonly source: string,
  ) {}

  /** False for an empty block (nothing to check or use); throws a DataError on a width change. */
  check(block: SampleBlock): boolean {
    if (block.count === 0) return false;
    if (this.featureWidth < 0) {
      this.featureWidth = block.featureWidth;
      this.labelWidth = block.labelWidth;
    } else if (block.featureWidth !== this.featureWidth || block.labelWidth !== this.labelWidth) {
      throw new DataError(
        "width-mismatch",
        { op: this.op, source: this.source, sample: this.#seen },
        `sample has ${block.featureWidth} features and ${block.labelWidth} label values; expected ${this.featureWidth} and ${this.labelWidth}, as the samples before it`,
      );
    }
    this.#seen += block.count;
    return true;
  }
}

/**
 * A dataset computed block by block from another one (map, filter, fitted transforms). With `meta`
 * undefined it keeps the parent's names and shapes (read when asked: a CSV file knows them only once read).
 */
export class DerivedDataset extends Dataset {
  readonly #parent: Dataset;
  readonly #inherit: boolean;
  readonly #fn: (block: SampleBlock, first: number) => SampleBlock;

  constructor(parent: Dataset, meta: DatasetMeta | undefined, fn: (block: SampleBlock, first: number) => SampleBlock) {
    super({ ...meta, name: parent.name });
    this.#parent = parent;
    this.#inherit = meta === undefined;
    this.#fn = fn;
  }

  override get featureNames(): readonly string[] | undefined {
    return this.#inherit ? this.#parent.featureNames : super.featureNames;
  }

  override get labelNames(): readonly string[] | undefined {
    return this.#inherit ? this.#parent.labelNames : super.labelNames;
  }

  override get featureShape(): readonly number[] | undefined {
    return this.#inherit ? this.#parent.featureShape : super.featureShape;
  }

  override get skipped(): SkipReport {
    return this.#parent.skipped;
  }

  async *blocks(): AsyncIterableIterator<SampleBlock> {
    let first = 0;
    for await (const block of this.#parent.blocks()) {
      const out = this.#fn(block, first);
      first += block.count;
      yield out;
    }
  }
}

/** The arrays an {@link InMemoryDataset} is made of. */
export interface InMemoryData extends DatasetMeta {
  /** Number of samples. */
  readonly length: number;
  readonly featureWidth: number;
  readonly labelWidth: number;
  /** `length × featureWidth` values, row-major. */
  readonly x: Float32Array;
  /** `length × labelWidth` values, row-major. */
  readonly y: Float32Array;
  readonly skipped?: SkipReport;
}

/**
 * Every sample in memory, features and labels in two row-major Float32Arrays. It can be indexed, shuffled
 * exactly, split, and transforms are fitted on it. `NaN` marks a missing value (`missing` counts them); the
 * DataLoader refuses a dataset with missing values until `imputeMean` (or a `map`) fills them.
 *
 * ```ts
 * const data = new InMemoryDataset({ length: 2, featureWidth: 1, labelWidth: 1, x: Float32Array.of(1, 2), y: Float32Array.of(0, 1) });
 * data.get(1); // { x: Float32Array [2], y: Float32Array [1] }
 * ```
 */
export class InMemoryDataset extends Dataset {
  readonly length: number;
  readonly featureWidth: number;
  readonly labelWidth: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** How many values are NaN (missing), in features and labels together. */
  readonly missing: number;
  readonly #skipped: SkipReport;

  constructor(data: InMemoryData) {
    super(data);
    const op = "InMemoryDataset";
    const { length, featureWidth, labelWidth } = data;
    for (const [argument, value] of [["length", length], ["featureWidth", featureWidth], ["labelWidth", labelWidth]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new ArgumentError({ op, argument }, `expected a non-negative integer, got ${value}`);
    }
    if (data.x.length !== length * featureWidth || data.y.length !== length * labelWidth) {
      throw new ArgumentError(
        { op, argument: "x, y" },
        `expected ${length}×${featureWidth} feature values and ${length}×${labelWidth} label values, got ${data.x.length} and ${data.y.length}`,
      );
    }
    if (data.featureShape !== undefined && data.featureShape.reduce((a, b) => a * b, 1) !== featureWidth) {
      throw new ArgumentError({ op, argument: "featureShape" }, `[${data.featureShape.join(", ")}] holds ${data.featureShape.reduce((a, b) => a * b, 1)} values, but a sample has ${featureWidth} features`);
    }
    this.length = length;
    this.featureWidth = featureWidth;
    this.labelWidth = labelWidth;
    this.x = data.x;
    this.y = data.y;
    this.#skipped = data.skipped ?? NO_SKIPS;
    let missing = 0;
    for (const v of data.x) if (v !== v) missing++;
    for (const v of data.y) if (v !== v) missing++;
    this.missing = missing;
  }

  override get skipped(): SkipReport {
    return this.#skipped;
  }

  /** Sample `index` (views into the dataset's arrays). */
  get(index: number): Sample {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ArgumentError({ op: "get", argument: "index" }, `expected an integer in [0, ${this.length}), got ${index}`);
    }
    return sampleAt(this.#block(), index);
  }

  /** A new dataset of the samples at `indices`, in that order (copied). */
  select(indices: ArrayLike<number>): InMemoryDataset {
    const builder = new BlockBuilder(this.featureWidth, this.labelWidth, Math.max(16, indices.length));
    const block = this.#block();
    for (let i = 0; i < indices.length; i++) {
      const row = indices[i]!;
      if (!Number.isInteger(row) || row < 0 || row >= this.length) {
        throw new ArgumentError({ op: "select", argument: "indices" }, `index ${row} at position ${i} is outside [0, ${this.length})`);
      }
      builder.appendRow(block, row);
    }
    return this.derive(builder.take());
  }

  /** Samples `start` … `end − 1` (copied). */
  slice(start = 0, end = this.length): InMemoryDataset {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    return this.derive({
      count: to - from,
      featureWidth: this.featureWidth,
      labelWidth: this.labelWidth,
      x: this.x.slice(from * this.featureWidth, to * this.featureWidth),
      y: this.y.slice(from * this.labelWidth, to * this.labelWidth),
    });
  }

  /** Applies `fn` to every sample now. */
  override map(fn: (sample: Sample, index: number) => SampleInput, options: MapOptions = {}): InMemoryDataset {
    const block = mapBlock(this.#block(), fn, 0, { op: "map", source: this.name });
    // An empty dataset maps to widths it cannot know; keep the old ones.
    const widths = this.length === 0 ? { featureWidth: this.featureWidth, labelWidth: this.labelWidth } : block;
    return new InMemoryDataset({ ...block, ...widths, length: block.count, name: this.name, ...options, skipped: this.#skipped });
  }

  override filter(keep: (sample: Sample, index: number) => boolean): InMemoryDataset {
    return this.derive(filterBlock(this.#block(), keep, 0));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the Dataset contract is async
  override async collect(): Promise<InMemoryDataset> {
    return this;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the Dataset contract is async
  async *blocks(): AsyncIterableIterator<SampleBlock> {
    yield this.#block();
  }

  /** A dataset with this one's names and new rows of the same meaning (same widths unless given). */
  derive(block: SampleBlock): InMemoryDataset {
    const sameWidth = block.featureWidth === this.featureWidth;
    return new InMemoryDataset({
      ...block,
      length: block.count,
      name: this.name,
      featureNames: sameWidth ? this.featureNames : undefined,
      labelNames: block.labelWidth === this.labelWidth ? this.labelNames : undefined,
      featureShape: sameWidth ? this.featureShape : undefined,
      skipped: this.#skipped,
    });
  }

  #block(): SampleBlock {
    return { count: this.length, featureWidth: this.featureWidth, labelWidth: this.labelWidth, x: this.x, y: this.y };
  }
}
