import { DataError, type DataLocation } from "./errors.js";

/**
 * One sample as plain numbers: its features and its label values. Samples stay plain numbers until the
 * DataLoader gathers a batch of them into tensors. Treat them as read-only: they may be views of a block.
 */
export interface Sample {
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/** What `fromIterable`, `map` and `fromArrays` accept as a sample: numbers or arrays of numbers. */
export interface SampleInput {
  readonly x: number | ArrayLike<number>;
  /** The label value(s); leave it out for unlabelled data (the label width is then 0). */
  readonly y?: number | ArrayLike<number>;
}

/**
 * A run of samples stored row-major: sample i's features are `x[i * featureWidth … (i + 1) * featureWidth)`.
 * Datasets hand samples to the DataLoader in blocks, so that a CSV file of millions of rows costs a few
 * typed arrays per chunk rather than two objects per row.
 */
export interface SampleBlock {
  readonly count: number;
  readonly featureWidth: number;
  readonly labelWidth: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

const EMPTY = new Float32Array(0);

/** Copies numbers into a new Float32Array (a number becomes a one-element array). */
export function toFloat32(value: number | ArrayLike<number>): Float32Array {
  if (typeof value === "number") return Float32Array.of(value);
  if (value instanceof Float32Array) return value.slice();
  return Float32Array.from(value);
}

function widthOf(value: number | ArrayLike<number> | undefined): number {
  if (value === undefined) return 0;
  return typeof value === "number" ? 1 : value.length;
}

/** Checks that every value is a number; arrays from JavaScript callers may hold anything. */
function checkNumbers(value: number | ArrayLike<number> | undefined, where: DataLocation, what: string): void {
  if (value === undefined) return;
  if (typeof value === "number") return;
  if (typeof value !== "object" || typeof (value as { length?: unknown }).length !== "number") {
    throw new DataError("not-a-number", where, `${what} is ${typeof value}; expected a number or an array of numbers`);
  }
  if (ArrayBuffer.isView(value)) return;
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== "number") {
      throw new DataError("not-a-number", where, `${what}[${i}] is ${typeof v === "string" ? JSON.stringify(v) : String(v)}; expected a number`);
    }
  }
}

/**
 * A growable block: appends samples, checks that every sample has the first one's widths, and hands the
 * rows gathered so far out as a block.
 */
export class BlockBuilder {
  featureWidth: number;
  labelWidth: number;
  count = 0;
  x: Float32Array;
  y: Float32Array;
  #capacity: number;

  /** Widths of -1 are taken from the first sample appended. */
  constructor(featureWidth = -1, labelWidth = -1, capacity = 256) {
    this.featureWidth = featureWidth;
    this.labelWidth = labelWidth;
    this.#capacity = capacity;
    this.x = featureWidth >= 0 ? new Float32Array(capacity * featureWidth) : EMPTY;
    this.y = labelWidth >= 0 ? new Float32Array(capacity * labelWidth) : EMPTY;
  }

  /** Makes room for one more row and returns its index; write it with `x[index * featureWidth + k]`. */
  reserve(): number {
    if (this.count === this.#capacity) {
      this.#capacity = Math.max(16, this.count * 2);
      const x = new Float32Array(this.#capacity * this.featureWidth);
      x.set(this.x.subarray(0, this.count * this.featureWidth));
      const y = new Float32Array(this.#capacity * this.labelWidth);
      y.set(this.y.subarray(0, this.count * this.labelWidth));
      this.x = x;
      this.y = y;
    }
    return this.count;
  }

  /** Marks the reserved row as written. */
  commit(): void {
    this.count++;
  }

  /** Appends a sample given as numbers or arrays; `where` names it in the errors. */
  append(sample: SampleInput, where: DataLocation): void {
    checkNumbers(sample.x, where, "x");
    checkNumbers(sample.y, where, "y");
    const fw = widthOf(sample.x);
    const lw = widthOf(sample.y);
    if (this.featureWidth < 0) {
      this.featureWidth = fw;
      this.labelWidth = lw;
      this.x = new Float32Array(this.#capacity * fw);
      this.y = new Float32Array(this.#capacity * lw);
    } else if (fw !== this.featureWidth || lw !== this.labelWidth) {
      throw new DataError(
        "width-mismatch",
        where,
        `sample has ${fw} features and ${lw} label values; expected ${this.featureWidth} and ${this.labelWidth}, as the first sample`,
      );
    }
    const row = this.reserve();
    write(this.x, row * fw, sample.x);
    if (sample.y !== undefined) write(this.y, row * lw, sample.y);
    this.commit();
  }

  /** Copies row `row` of `block` (whose widths must match). */
  appendRow(block: SampleBlock, row: number): void {
    const i = this.reserve();
    copyRow(block.x, row, this.x, i, this.featureWidth);
    copyRow(block.y, row, this.y, i, this.labelWidth);
    this.commit();
  }

  /** The rows gathered so far, as a block; the builder starts over empty. */
  take(): SampleBlock {
    const block: SampleBlock = {
      count: this.count,
      featureWidth: Math.max(0, this.featureWidth),
      labelWidth: Math.max(0, this.labelWidth),
      x: this.x.subarray(0, this.count * Math.max(0, this.featureWidth)),
      y: this.y.subarray(0, this.count * Math.max(0, this.labelWidth)),
    };
    this.count = 0;
    this.#capacity = Math.max(16, this.#capacity);
    this.x = this.featureWidth >= 0 ? new Float32Array(this.#capacity * this.featureWidth) : EMPTY;
    this.y = this.labelWidth >= 0 ? new Float32Array(this.#capacity * this.labelWidth) : EMPTY;
    return block;
  }
}

function write(target: Float32Array, offset: number, value: number | ArrayLike<number>): void {
  if (typeof value === "number") {
    target[offset] = value;
  } else {
    for (let k = 0; k < value.length; k++) target[offset + k] = value[k]!;
  }
}

/** Copies row `from` of a row-major array into row `to` of another with the same width. */
export function copyRow(source: Float32Array, from: number, target: Float32Array, to: number, width: number): void {
  if (width > 16) {
    target.set(source.subarray(from * width, (from + 1) * width), to * width);
    return;
  }
  const s = from * width;
  const t = to * width;
  for (let k = 0; k < width; k++) target[t + k] = source[s + k]!;
}

/** The views of row `row` of a block, as a sample. */
export function sampleAt(block: SampleBlock, row: number): Sample {
  const { featureWidth: f, labelWidth: l } = block;
  return { x: block.x.subarray(row * f, (row + 1) * f), y: block.y.subarray(row * l, (row + 1) * l) };
}

/** A user's per-sample function over a block; `first` is the index of the block's first sample. */
export function mapBlock(block: SampleBlock, fn: (sample: Sample, index: number) => SampleInput, first: number, where: Omit<DataLocation, "sample">): SampleBlock {
  const out = new BlockBuilder(-1, -1, Math.max(16, block.count));
  for (let i = 0; i < block.count; i++) out.append(fn(sampleAt(block, i), first + i), { ...where, sample: first + i });
  return out.take();
}

/** The rows of a block that a user's predicate keeps. */
export function filterBlock(block: SampleBlock, keep: (sample: Sample, index: number) => boolean, first: number): SampleBlock {
  const out = new BlockBuilder(block.featureWidth, block.labelWidth, Math.max(16, block.count));
  for (let i = 0; i < block.count; i++) if (keep(sampleAt(block, i), first + i)) out.appendRow(block, i);
  return out.take();
}
