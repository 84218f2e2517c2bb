import type { DType } from "@neurite/tensor-core";
import { numel, store, type NdArray } from "./nd.js";

/**
 * Direct convolution and pooling references: nested loops over output pixels and window taps, reading the
 * input with bounds checks for padding. Deliberately unlike the op layer's unfold (patches + matmul), so a bug
 * in either shows up as a disagreement. All arrays here are NHWC; the cases transpose for NCHW.
 */

export type PaddingSpec = "valid" | "same" | number | readonly [number, number];

/** Output size and padding of a sliding window over an image. */
export interface Geometry {
  readonly outH: number;
  readonly outW: number;
  /** Padding before (top, left); the padding after only changes the output size. */
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * Output size and leading padding of one spatial axis pair. "same" follows the usual convention (TensorFlow,
 * Keras): output ⌈n / stride⌉, total padding split with the extra pixel after.
 */
export function geometry(
  h: number,
  w: number,
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  padding: PaddingSpec,
): Geometry {
  const axis = (n: number, k: number, s: number, d: number, i: 0 | 1): [number, number] => {
    const span = (k - 1) * d + 1;
    if (padding === "same") {
      const out = Math.ceil(n / s);
      const total = Math.max(0, (out - 1) * s + span - n);
      return [out, Math.floor(total / 2)];
    }
    const p = padding === "valid" ? 0 : typeof padding === "number" ? padding : padding[i];
    return [Math.floor((n + 2 * p - span) / s) + 1, p];
  };
  const [outH, padTop] = axis(h, kernel[0], stride[0], dilation[0], 0);
  const [outW, padLeft] = axis(w, kernel[1], stride[1], dilation[1], 1);
  return { outH, outW, padTop, padLeft };
}

/** Stride, padding and window of a convolution or pooling reference. */
export interface WindowSpec {
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: PaddingSpec;
}

/** conv2d of NHWC `x` `[N, H, W, Cin]` with `filter` `[kh, kw, Cin, Cout]` (a cross-correlation). Also returns Σ|x·w| per output. */
export function conv2dRef(x: NdArray, filter: NdArray, spec: WindowSpec, dtype: DType): { result: NdArray; scale: NdArray } {
  const [n, h, w, cin] = x.shape as [number, number, number, number];
  const [kh, kw, , cout] = filter.shape as [number, number, number, number];
  const g = geometry(h, w, [kh, kw], spec.stride, spec.dilation, spec.padding);
  const shape = [n, g.outH, g.outW, cout];
  const values = new Array<number>(numel(shape));
  const scale = new Array<number>(numel(shape));
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let co = 0; co < cout; co++) {
          let sum = 0;
          let mag = 0;
          for (let i = 0; i < kh; i++) {
            const y = oy * spec.stride[0] + i * spec.dilation[0] - g.padTop;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < kw; j++) {
              const xx = ox * spec.stride[1] + j * spec.dilation[1] - g.padLeft;
              if (xx < 0 || xx >= w) continue;
              for (let ci = 0; ci < cin; ci++) {
                const term = x.values[((b * h + y) * w + xx) * cin + ci]! * filter.values[((i * kw + j) * cin + ci) * cout + co]!;
                sum += term;
                mag += Math.abs(term);
              }
            }
          }
          values[o] = store(sum, dtype);
          scale[o] = mag;
          o++;
        }
      }
    }
  }
  return { result: { shape, values }, scale: { shape, values: scale } };
}

/**
 * Max or average pooling of NHWC `x` over `pool`-sized windows. Padded positions are ignored: they never win
 * a max, and an average is over the real pixels of its window only.
 */
export function poolRef(kind: "max" | "avg", x: NdArray, pool: readonly [number, number], spec: WindowSpec, dtype: DType): NdArray {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const g = geometry(h, w, pool, spec.stride, spec.dilation, spec.padding);
  const shape = [n, g.outH, g.outW, c];
  const values: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let i = 0; i < pool[0]; i++) {
            const y = oy * spec.stride[0] + i * spec.dilation[0] - g.padTop;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < pool[1]; j++) {
              const xx = ox * spec.stride[1] + j * spec.dilation[1] - g.padLeft;
              if (xx < 0 || xx >= w) continue;
              const v = x.values[((b * h + y) * w + xx) * c + ch]!;
              best = Math.max(best, v);
              sum += v;
              count++;
            }
          }
          values.push(store(kind === "max" ? best : sum / count, dtype));
        }
      }
    }
  }
  return { shape, values };
}
