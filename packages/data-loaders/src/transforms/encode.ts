import { ArgumentError } from "@neurite/tensor-core";
import { DataError } from "../errors.js";
import { BlockBuilder, type SampleBlock } from "../sample.js";
import { Transform, type Target } from "./transform.js";

/**
 * Numbers categories: `encode("setosa")` is its index, `decode(0)` the category. Categories are numbered in
 * order of first appearance (as CSV columns are), or sorted with `{ order: "sorted" }`.
 *
 * ```ts
 * const species = LabelEncoder.fit(["setosa", "virginica", "setosa"]);
 * species.encode("virginica"); // 1
 * species.oneHot("setosa");    // Float32Array [1, 0]
 * ```
 */
export class LabelEncoder {
  readonly classes: readonly string[];
  readonly #index: Map<string, number>;

  constructor(classes: readonly string[]) {
    this.#index = new Map();
    for (const c of classes) {
      if (this.#index.has(c)) throw new ArgumentError({ op: "LabelEncoder", argument: "classes" }, `${JSON.stringify(c)} appears twice; expected distinct categories`);
      this.#index.set(c, this.#index.size);
    }
    this.classes = [...classes];
  }

  /** The categories seen in `values`. */
  static fit(values: Iterable<string>, options: { readonly order?: "appearance" | "sorted" } = {}): LabelEncoder {
    const seen = [...new Set(values)];
    return new LabelEncoder(options.order === "sorted" ? seen.sort() : seen);
  }

  /** The index of a category; a DataError `unknown-category` for one not fitted. */
  encode(value: string): number {
    const index = this.#index.get(value);
    if (index === undefined) {
      throw new DataError("unknown-category", { op: "LabelEncoder", source: "values" }, `${JSON.stringify(value)} is not one of the fitted categories (${this.classes.map((c) => JSON.stringify(c)).join(", ")})`);
    }
    return index;
  }

  encodeAll(values: Iterable<string>): number[] {
    return Array.from(values, (v) => this.encode(v));
  }

  decode(index: number): string {
    const value = this.classes[index];
    if (value === undefined) throw new ArgumentError({ op: "LabelEncoder.decode", argument: "index" }, `expected an integer in [0, ${this.classes.length}), got ${index}`);
    return value;
  }

  /** The one-hot vector of a category: 1 at its index, 0 elsewhere. */
  oneHot(value: string): Float32Array {
    const out = new Float32Array(this.classes.length);
    out[this.encode(value)] = 1;
    return out;
  }
}

/** Replaces one column of class indices by `classes` one-hot columns. */
export class OneHot extends Transform {
  protected readonly keepsWidths = false;

  constructor(
    readonly classes: number,
    readonly target: Target,
    readonly column: number,
  ) {
    super();
  }

  transformBlock(block: SampleBlock, first: number): SampleBlock {
    const isX = this.target === "x";
    const width = isX ? block.featureWidth : block.labelWidth;
    if (this.column >= width) {
      throw new ArgumentError({ op: "oneHot", argument: "column" }, `column ${this.column} is outside the ${width} ${isX ? "features" : "label values"} of a sample`);
    }
    const newWidth = width - 1 + this.classes;
    const out = new BlockBuilder(isX ? newWidth : block.featureWidth, isX ? block.labelWidth : newWidth, Math.max(16, block.count));
    const source = isX ? block.x : block.y;
    for (let r = 0; r < block.count; r++) {
      const value = source[r * width + this.column]!;
      if (!Number.isInteger(value) || value < 0 || value >= this.classes) {
        throw new DataError("not-a-number", { op: "oneHot", source: "dataset", sample: first + r }, `class index ${value}; expected an integer in [0, ${this.classes})`);
      }
      const row = out.reserve();
      const target = isX ? out.x : out.y;
      const base = row * newWidth;
      for (let k = 0; k < this.column; k++) target[base + k] = source[r * width + k]!;
      for (let k = 0; k < this.classes; k++) target[base + this.column + k] = k === value ? 1 : 0;
      for (let k = this.column + 1; k < width; k++) target[base + k - 1 + this.classes] = source[r * width + k]!;
      const other = isX ? out.y : out.x;
      const otherWidth = isX ? block.labelWidth : block.featureWidth;
      other.set((isX ? block.y : block.x).subarray(r * otherWidth, (r + 1) * otherWidth), row * otherWidth);
      out.commit();
    }
    return out.take();
  }
}

/**
 * One-hot encoding of class indices: the label (by default; or feature `column` with `target: "x"`) that
 * holds an index in [0, classes) becomes `classes` values, 1 at the index and 0 elsewhere.
 *
 * ```ts
 * const digits = oneHot(10).apply(await loadMnist({ perDigit: 10 })); // y: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0] for a 3
 * ```
 */
export function oneHot(classes: number, options: { readonly target?: Target; readonly column?: number } = {}): OneHot {
  if (!Number.isInteger(classes) || classes < 1) throw new ArgumentError({ op: "oneHot", argument: "classes" }, `expected a positive integer, got ${classes}`);
  const column = options.column ?? 0;
  if (!Number.isInteger(column) || column < 0) throw new ArgumentError({ op: "oneHot", argument: "column" }, `expected a non-negative integer, got ${column}`);
  return new OneHot(classes, options.target ?? "y", column);
}
