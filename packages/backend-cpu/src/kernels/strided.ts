/**
 * Strided iteration, the one loop every non-trivial CPU kernel is built on.
 *
 * Broadcasting, transposes, slices, pads and reductions are all "walk a shape, and for each operand move by
 * its own stride along each axis" (a stride of 0 repeats an element). Instead of computing a flat index per
 * element (a division per axis), the walk advances each operand's position incrementally, and hands whole
 * rows (the last axis) to the caller, which runs a plain typed-array loop over them.
 */

import { collapseAxes, sizeOf, type TypedArray } from "@neurite/tensor-core";

/**
 * Called once per row: `pos[j]` is operand j's position at the row's start, `step[j]` its stride along the
 * row, `length` the row's length. The callee must not keep or mutate `pos`.
 */
export type RowFn = (pos: readonly number[], step: readonly number[], length: number) => void;

/**
 * Walks `shape` for several operands at once (operand j starts at `starts[j]` and moves by `strides[j][d]`
 * along axis d), calling `row` once per row of the (collapsed) shape. Does nothing for an empty shape.
 */
export function forEachRow(shape: readonly number[], strides: readonly (readonly number[])[], starts: readonly number[], row: RowFn): void {
  if (sizeOf(shape) === 0) return;
  const { shape: s, strides: st } = collapseAxes(shape, strides);
  const operands = st.length;
  const pos = starts.slice();
  const rank = s.length;
  if (rank === 0) {
    row(pos, st.map(() => 0), 1);
    return;
  }
  const length = s[rank - 1]!;
  const step = st.map((x) => x[rank - 1]!);
  const counter = new Array<number>(rank - 1).fill(0);
  for (;;) {
    row(pos, step, length);
    let d = rank - 2;
    for (; d >= 0; d--) {
      const c = counter[d]! + 1;
      if (c < s[d]!) {
        counter[d] = c;
        for (let j = 0; j < operands; j++) pos[j] = pos[j]! + st[j]![d]!;
        break;
      }
      // Wrap this axis back to 0 and carry into the next outer one.
      counter[d] = 0;
      for (let j = 0; j < operands; j++) pos[j] = pos[j]! - st[j]![d]! * (s[d]! - 1);
    }
    if (d < 0) return;
  }
}

/**
 * Copies `shape` elements from `src` (walked from `srcStart` with `srcStrides`) into `dst` (walked from
 * `dstStart` with `dstStrides`). Transpose, broadcastTo, slice, pad and concat are all this one call.
 */
export function stridedCopy(
  src: TypedArray,
  srcStart: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstStart: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  forEachRow(shape, [srcStrides, dstStrides], [srcStart, dstStart], (pos, step, length) => {
    let i = pos[0]!;
    let o = pos[1]!;
    const si = step[0]!;
    const so = step[1]!;
    if (si === 1 && so === 1) {
      copyRun(src, i, dst, o, length);
      return;
    }
    for (let k = 0; k < length; k++) {
      dst[o] = src[i]!;
      i += si;
      o += so;
    }
  });
}

/** Below this many elements a manual loop beats `set(subarray(...))`, which allocates a view each time. */
const SET_THRESHOLD = 64;

/**
 * Copies `length` contiguous elements from `src[from]` to `dst[to]`: one memcpy for a long run, a loop for a
 * short one (a conv window's row, a pad's edge).
 */
export function copyRun(src: TypedArray, from: number, dst: TypedArray, to: number, length: number): void {
  if (length >= SET_THRESHOLD) {
    dst.set(src.subarray(from, from + length), to);
    return;
  }
  for (let i = 0; i < length; i++) dst[to + i] = src[from + i]!;
}
