import { InMemoryDataset, WidthCheck, type Dataset } from "./dataset.js";
import { DataError } from "./errors.js";
import { EPOCH_STRIDE, permutation, UniformStream } from "./random.js";
import { copyRow, type SampleBlock } from "./sample.js";

/** A batch still in plain numbers: `count` rows of features and labels, row-major. */
export interface HostBatch {
  readonly index: number;
  readonly count: number;
  readonly featureWidth: number;
  readonly labelWidth: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/** How one epoch is cut into batches. */
export interface EpochPlan {
  readonly batchSize: number | "all";
  readonly shuffle: boolean;
  readonly seed: number;
  readonly epoch: number;
  readonly dropLast: boolean;
  readonly shuffleBuffer: number;
}

/**
 * One epoch of an in-memory dataset: an exact seeded permutation (`permutation(n, seed, epoch · 2³²)`),
 * cut into batches.
 */
export function* inMemoryBatches(data: InMemoryDataset, plan: EpochPlan): Generator<HostBatch, void, undefined> {
  if (data.missing > 0) {
    throw new DataError(
      "missing-value",
      { op: "DataLoader", source: data.name },
      `the dataset holds ${data.missing} missing values (NaN); fill them first, e.g. with imputeMean(train).apply(data), or read the CSV with a missing policy of "skip" or { fill }`,
    );
  }
  const n = data.length;
  const size = plan.batchSize === "all" ? n : plan.batchSize;
  const order = plan.shuffle ? permutation(n, plan.seed, plan.epoch * EPOCH_STRIDE) : undefined;
  const { featureWidth: f, labelWidth: l } = data;
  for (let start = 0, index = 0; start < n; start += size, index++) {
    const count = Math.min(size, n - start);
    if (count < size && plan.dropLast) break;
    let x: Float32Array;
    let y: Float32Array;
    if (order === undefined) {
      x = data.x.slice(start * f, (start + count) * f);
      y = data.y.slice(start * l, (start + count) * l);
    } else {
      x = new Float32Array(count * f);
      y = new Float32Array(count * l);
      for (let r = 0; r < count; r++) {
        const row = order[start + r]!;
        copyRow(data.x, row, x, r, f);
        copyRow(data.y, row, y, r, l);
      }
    }
    yield { index, count, featureWidth: f, labelWidth: l, x, y };
  }
}

/** Fills one batch row by row. */
class Assembler {
  readonly x: Float32Array;
  readonly y: Float32Array;
  count = 0;

  constructor(
    readonly size: number,
    readonly featureWidth: number,
    readonly labelWidth: number,
  ) {
    this.x = new Float32Array(size * featureWidth);
    this.y = new Float32Array(size * labelWidth);
  }

  add(x: Float32Array, y: Float32Array, row: number): void {
    copyRow(x, row, this.x, this.count, this.featureWidth);
    copyRow(y, row, this.y, this.count, this.labelWidth);
    this.count++;
  }

  get full(): boolean {
    return this.count === this.size;
  }

  batch(index: number): HostBatch {
    const { count, featureWidth: f, labelWidth: l } = this;
    return { index, count, featureWidth: f, labelWidth: l, x: this.x.subarray(0, count * f), y: this.y.subarray(0, count * l) };
  }
}

/**
 * A shuffle buffer for streams (the tf.data algorithm): the first `capacity` samples fill it; after that each
 * new sample takes the place of a uniformly chosen one, which leaves for the batch; at the end the rest
 * leave in random order. A sample can move at most about `capacity` places earlier, so a buffer as large
 * as the dataset is an exact shuffle and a small one only mixes neighbours.
 */
class ShuffleBuffer {
  readonly x: Float32Array;
  readonly y: Float32Array;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly featureWidth: number,
    readonly labelWidth: number,
    readonly random: UniformStream,
  ) {
    this.x = new Float32Array(capacity * featureWidth);
    this.y = new Float32Array(capacity * labelWidth);
  }

  /** Takes row `row` of the block; once full, hands a random resident to `out` to make room. */
  add(block: SampleBlock, row: number, out: Assembler): void {
    const { featureWidth: f, labelWidth: l } = this;
    if (this.size < this.capacity) {
      copyRow(block.x, row, this.x, this.size, f);
      copyRow(block.y, row, this.y, this.size, l);
      this.size++;
      return;
    }
    const j = this.random.nextIndex(this.capacity);
    out.add(this.x, this.y, j);
    copyRow(block.x, row, this.x, j, f);
    copyRow(block.y, row, this.y, j, l);
  }

  /** Hands a random resident to `out` and closes the gap with the last one. */
  pop(out: Assembler): void {
    const j = this.random.nextIndex(this.size);
    out.add(this.x, this.y, j);
    this.size--;
    copyRow(this.x, this.size, this.x, j, this.featureWidth);
    copyRow(this.y, this.size, this.y, j, this.labelWidth);
  }
}

/** Throws a DataError when a batch of a stream holds a NaN (a missing value no policy filled). */
function checkFinished(batch: HostBatch, source: string, first: number): void {
  for (const [values, width, what] of [[batch.x, batch.featureWidth, "features"], [batch.y, batch.labelWidth, "labels"]] as const) {
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== values[i]) {
        throw new DataError(
          "missing-value",
          { op: "DataLoader", source, sample: first + Math.floor(i / width) },
          `batch ${batch.index} holds a missing value (NaN) in its ${what}; fill missing values before loading (a map, or the CSV missing option)`,
        );
      }
    }
  }
}

/**
 * One epoch of a streaming dataset: samples flow through a seeded shuffle buffer (random stream at block
 * epoch · 2³² of the seed) into batches. Memory holds the buffer, the batch being filled and one block.
 */
export async function* streamBatches(dataset: Dataset, plan: EpochPlan): AsyncGenerator<HostBatch, void, undefined> {
  if (plan.batchSize === "all") {
    // The whole pass is one batch anyway, so read it into memory and shuffle it exactly.
    yield* inMemoryBatches(await dataset.collect(), plan);
    return;
  }
  const size = plan.batchSize;
  const widths = new WidthCheck("DataLoader", dataset.name);
  let out: Assembler | undefined;
  let buffer: ShuffleBuffer | undefined;
  let index = 0;
  let delivered = 0;
  const emit = (): HostBatch => {
    const batch = out!.batch(index++);
    checkFinished(batch, dataset.name, delivered);
    delivered += batch.count;
    out = new Assembler(size, widths.featureWidth, widths.labelWidth);
    return batch;
  };
  for await (const block of dataset.blocks()) {
    if (!widths.check(block)) continue;
    if (out === undefined) {
      out = new Assembler(size, block.featureWidth, block.labelWidth);
      if (plan.shuffle) {
        buffer = new ShuffleBuffer(plan.shuffleBuffer, block.featureWidth, block.labelWidth, new UniformStream(plan.seed, plan.epoch * EPOCH_STRIDE));
      }
    }
    for (let row = 0; row < block.count; row++) {
      if (buffer === undefined) out.add(block.x, block.y, row);
      else buffer.add(block, row, out);
      if (out.full) yield emit();
    }
  }
  if (out === undefined) return; // no samples at all
  if (buffer !== undefined) {
    while (buffer.size > 0) {
      buffer.pop(out);
      if (out.full) yield emit();
    }
  }
  if (out.count > 0 && !plan.dropLast) yield emit();
}
