import type { DType } from "@neurite/tensor-core";

/**
 * The reference's data model: plain JavaScript numbers (float64) in row-major order, with a shape. Nothing
 * here calls tensor-core's ops or shape helpers: the point of the reference is to be a second, independent
 * implementation that a backend (and tensor-core's op layer) is checked against.
 */
export interface NdArray {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/** An n-dimensional array of `shape` holding `values` (row-major). */
export function nd(shape: readonly number[], values: readonly number[]): NdArray {
  if (values.length !== numel(shape)) throw new Error(`reference: ${values.length} values for shape [${shape.join(", ")}]`);
  return { shape: [...shape], values };
}

/** The number of elements of `shape`. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Row-major strides of `shape`. */
export function stridesFor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** The multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    index[i] = d === 0 ? 0 : rest % d;
    rest = d === 0 ? 0 : Math.floor(rest / d);
  }
  return index;
}

/** Calls `fn` with every multi-index of `shape` in row-major order (and its flat position). */
export function forEachIndex(shape: readonly number[], fn: (index: readonly number[], flat: number) => void): void {
  const n = numel(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(index, flat);
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++index[i]! < shape[i]!) break;
      index[i] = 0;
    }
  }
}

/** NumPy broadcasting of any number of shapes (aligned right, sizes equal or 1). */
export function broadcastShape(...shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i]!;
      if (d === out[j]) continue;
      if (out[j] === 1) out[j] = d;
      else if (d !== 1) throw new Error(`reference: shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(", ")} do not broadcast`);
    }
  }
  return out;
}

/** The element of `x` that output position `index` (of a broadcast result with rank ≥ x's) reads. */
export function broadcastRead(x: NdArray, index: readonly number[]): number {
  const offset = index.length - x.shape.length;
  let flat = 0;
  for (let i = 0; i < x.shape.length; i++) {
    const d = x.shape[i]!;
    flat = flat * d + (d === 1 ? 0 : index[i + offset]!);
  }
  return x.values[flat]!;
}

/** The element of `x` at a multi-index. */
export function at(x: NdArray, index: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < x.shape.length; i++) flat = flat * x.shape[i]! + index[i]!;
  return x.values[flat]!;
}

/** The value a `dtype` store keeps: float32 rounds (Math.fround), int32 wraps to 32 bits, bool is 0/1. */
export function store(value: number, dtype: DType): number {
  switch (dtype) {
    case "float32":
      return Math.fround(value);
    case "int32":
      return value | 0;
    case "bool":
      return value !== 0 ? 1 : 0;
    case "float64":
      return value;
  }
}

/** `x` with every value stored as `dtype`. */
export function storeAll(x: NdArray, dtype: DType): NdArray {
  return { shape: x.shape, values: x.values.map((v) => store(v, dtype)) };
}

/** Applies `fn` to every element. */
export function map(x: NdArray, fn: (v: number) => number): NdArray {
  return { shape: x.shape, values: x.values.map(fn) };
}
