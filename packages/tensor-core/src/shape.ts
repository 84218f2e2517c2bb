import { ArgumentError, ShapeError, formatShape, type ErrorSite } from "./errors.js";

/** A tensor's dimensions, outermost first; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar, 0 when any dimension is 0). */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShape(site: ErrorSite, shape: Shape): void {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(site, `expected a shape (an array of sizes), got ${typeof shape}`);
  }
  for (const [i, d] of shape.entries()) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ArgumentError(site, `dimension ${i} of shape ${formatShape(shape)} is ${String(d)}; expected a non-negative integer`);
    }
  }
}

/**
 * The NumPy broadcast of two shapes: align on the right, sizes must be equal or 1.
 * `names` label the two shapes in the error message.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape, names: readonly [string, string] = ["a", "b"]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        { op },
        `cannot broadcast ${names[0]} of shape ${formatShape(a)} with ${names[1]} of shape ${formatShape(b)}: ` +
          `dimension ${i - rank} is ${da} vs ${db}; expected equal sizes or 1`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Whether `from` broadcasts to exactly `to` (without changing `to`). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + offset]);
}

/** Resolves a possibly negative axis against `rank`; throws ArgumentError when out of range. */
export function normalizeAxis(site: ErrorSite, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) {
    throw new ArgumentError(site, `axis must be an integer, got ${String(axis)}`);
  }
  if (axis < -rank || axis >= rank) {
    throw new ArgumentError(site, `axis ${axis} is out of range for a tensor of rank ${rank}; expected ${-rank} ≤ axis < ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves an axis list (undefined means every axis), sorted and without repeats. */
export function normalizeAxes(site: ErrorSite, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const seen = new Set<number>();
  for (const axis of list) {
    const a = normalizeAxis(site, axis, rank);
    if (seen.has(a)) throw new ArgumentError(site, `axis ${axis} appears twice in ${formatShape(list)}`);
    seen.add(a);
  }
  return [...seen].sort((x, y) => x - y);
}

/**
 * Whether two shapes are the same: the same rank and the same size on every axis (no broadcasting).
 *
 * ```ts
 * shapesEqual([2, 3], [2, 3]); // true
 * shapesEqual([2, 3], [3, 2]); // false
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * For backend kernels: strides that read a contiguous array of `inShape` as if it had `outShape` (NumPy
 * broadcasting): aligned on the right, 0 on missing leading axes and on size-1 axes, so the element repeats.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const own = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    if (inShape[i] !== 1) strides[i + offset] = own[i]!;
  }
  return strides;
}

/** A shape walked in row-major order, with one stride list per operand. */
export interface StridedWalk {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * For backend kernels: drops size-1 axes and merges neighbouring axes that every operand walks contiguously
 * (axis d then d+1 is one axis when, for every operand, s[d] = s[d+1] · shape[d+1] — true of two broadcast
 * axes too, 0 = 0 · n). The element order, and so every operand's offsets, are unchanged, while the rank a
 * kernel loops over (or a GPU shader indexes by) shrinks: an op on equal shapes becomes one long row.
 */
export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): StridedWalk {
  // Plain loops, no callbacks: backends call this for most kernels, and a closure per call is garbage.
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let j = 0; j < strides.length; j++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let j = 0; mergeable && j < strides.length; j++) mergeable = outStrides[j]![last] === strides[j]![d]! * size;
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      for (let j = 0; j < strides.length; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(size);
      for (let j = 0; j < strides.length; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}
