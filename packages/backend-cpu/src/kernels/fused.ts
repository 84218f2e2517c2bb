import { allocate, broadcastStrides, shapesEqual, sizeOf, stridesOf, type OutputSpec, type TypedArray } from "@neurite/tensor-core";
import { binary } from "./elementwise.js";
import { matmul, matmulDims } from "./matmul.js";
import { forEachRow } from "./strided.js";
import type { Input } from "./types.js";

/**
 * Fused kernels. On a CPU they pay by skipping the intermediate tensors a composition allocates and walks
 * (the product, the biased product, the max, the shifted exponentials...), which costs as much as the
 * arithmetic for these memory-bound steps.
 */

export type Activation = "linear" | "relu" | "sigmoid" | "tanh";

export function matmulBiasActivation(
  a: Input,
  b: Input,
  bias: Input | null,
  activation: Activation,
  transposeA: boolean,
  transposeB: boolean,
  out: OutputSpec,
): TypedArray {
  const { m, n, batch } = matmulDims(a.shape, b.shape, transposeA, transposeB);
  const productShape = [...batch, m, n];
  let dst = matmul(a, b, transposeA, transposeB, { shape: productShape, dtype: out.dtype });
  if (bias !== null) {
    if (shapesEqual(productShape, out.shape)) {
      addInPlace(dst, out.shape, bias);
    } else {
      // The bias has more (or larger) dims than the product: the sum is bigger than the product, so it
      // cannot be written in place.
      dst = binary("add", { values: dst, shape: productShape, dtype: out.dtype }, bias, out);
    }
  }
  activate(dst, activation);
  return dst;
}

/** dst += bias, with bias broadcast to dst's shape. */
function addInPlace(dst: TypedArray, shape: readonly number[], bias: Input): void {
  const bv = bias.values;
  forEachRow(shape, [broadcastStrides(bias.shape, shape), stridesOf(shape)], [0, 0], (pos, step, length) => {
    let ib = pos[0]!;
    let o = pos[1]!;
    const sb = step[0]!;
    const end = o + length;
    for (; o < end; o++, ib += sb) dst[o] = dst[o]! + bv[ib]!;
  });
}

function activate(dst: TypedArray, activation: Activation): void {
  const n = dst.length;
  switch (activation) {
    case "linear":
      return;
    case "relu":
      // Math.max, like the composition maximum(x, 0): NaN stays NaN.
      for (let i = 0; i < n; i++) dst[i] = Math.max(dst[i]!, 0);
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) dst[i] = 1 / (1 + Math.exp(-dst[i]!));
      return;
    case "tanh":
      for (let i = 0; i < n; i++) dst[i] = Math.tanh(dst[i]!);
      return;
  }
}

/**
 * Softmax along the last axis, shifted by the row's max so exp never overflows. Exponentials and their sum
 * stay in float64 until the final division, so a float32 result is rounded once.
 */
export function softmax(x: Input, out: OutputSpec): TypedArray {
  const size = sizeOf(out.shape);
  const dst = allocate(out.dtype, size);
  const n = out.shape.length === 0 ? 1 : out.shape[out.shape.length - 1]!;
  if (size === 0) return dst;
  const src = x.values;
  const exps = new Float64Array(n);
  for (let row = 0; row < size; row += n) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = src[row + i]!;
      if (v > max || v !== v) max = v;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(src[row + i]! - max);
      exps[i] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) dst[row + i] = exps[i]! / sum;
  }
  return dst;
}
