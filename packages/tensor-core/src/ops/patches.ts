import { ArgumentError, ShapeError, expectDType, formatShape } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { pad, stack, stridedSlice } from "./movement.js";
import { transpose } from "./movement.js";

/** How a window slides over the image: "valid" (no padding), "same" (output = ⌈input / stride⌉), or explicit. */
export type Padding = "valid" | "same" | number | readonly [number, number];

/** Layout of image tensors: batch, height, width, channels ("NHWC", the default) or channels first. */
export type DataFormat = "NHWC" | "NCHW";

/** Stride, padding and layout of a sliding window (convolution and pooling). */
export interface WindowOptions {
  /** Step between windows: one number for both axes or [height, width]. Default 1 (conv) or the window (pool). */
  readonly stride?: number | readonly [number, number];
  readonly padding?: Padding;
  /** Spacing between the taps of a window (à trous). Default 1. */
  readonly dilation?: number | readonly [number, number];
  readonly dataFormat?: DataFormat;
}

/** Everything needed to cut windows out of an NHWC tensor. */
export interface WindowGeometry {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** [[top, bottom], [left, right]] */
  readonly pads: readonly [readonly [number, number], readonly [number, number]];
  readonly out: readonly [number, number];
}

function pair(op: string, argument: string, value: number | readonly [number, number], min: number): [number, number] {
  const [a, b] = typeof value === "number" ? [value, value] : value;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < min || b < min) {
    throw new ArgumentError({ op, argument }, `expected integers ≥ ${min}, got ${String(value)}`);
  }
  return [a, b];
}

/** Resolves window options against an NHWC input of spatial size [h, w]. */
export function windowGeometry(
  op: string,
  inputShape: readonly number[],
  kernel: readonly [number, number],
  options: WindowOptions,
  defaultStride: number | readonly [number, number],
): WindowGeometry {
  const stride = pair(op, "stride", options.stride ?? defaultStride, 1);
  const dilation = pair(op, "dilation", options.dilation ?? 1, 1);
  const padding = options.padding ?? "valid";
  const size = [inputShape[1]!, inputShape[2]!] as const;
  const span = [0, 1].map((i) => (kernel[i]! - 1) * dilation[i]! + 1);
  const pads: [number, number][] = [];
  const out: number[] = [];
  for (const i of [0, 1]) {
    const [n, s, k] = [size[i]!, stride[i]!, span[i]!];
    if (padding === "same") {
      const o = Math.ceil(n / s);
      const total = Math.max((o - 1) * s + k - n, 0);
      pads.push([Math.floor(total / 2), total - Math.floor(total / 2)]);
      out.push(o);
    } else {
      const p = padding === "valid" ? 0 : pair(op, "padding", padding, 0)[i]!;
      pads.push([p, p]);
      out.push(Math.floor((n + 2 * p - k) / s) + 1);
    }
  }
  if (out[0]! < 1 || out[1]! < 1) {
    throw new ShapeError(
      { op, argument: "x" },
      `the ${span[0]}×${span[1]} window (with dilation) does not fit the padded ${size[0]}×${size[1]} input of shape ${formatShape(inputShape)}`,
    );
  }
  return { kernel, stride, dilation, pads: [pads[0]!, pads[1]!], out: [out[0]!, out[1]!] };
}

/** Checks an image tensor and brings it to NHWC. */
export function toNHWC(op: string, x: Tensor, format: DataFormat): Tensor {
  expectDType({ op, argument: "x" }, x.dtype, ["float32", "float64"]);
  if (x.rank !== 4) {
    throw new ShapeError({ op, argument: "x" }, `expected a rank-4 image batch (${format}), got shape ${formatShape(x.shape)}`);
  }
  return format === "NCHW" ? transpose(x, [0, 2, 3, 1]) : x;
}

/** Brings an NHWC result back to the caller's layout. */
export function fromNHWC(x: Tensor, format: DataFormat): Tensor {
  return format === "NCHW" ? transpose(x, [0, 3, 1, 2]) : x;
}

/**
 * Unfolds (im2col) an NHWC tensor into its windows: `[N, outH, outW, kh·kw, C]`, taps in row-major window
 * order. Built from one strided slice per tap, so every backend has it and autograd differentiates it.
 */
export function patches(x: Tensor, g: WindowGeometry, padValue: number): Tensor {
  const padded = g.pads.some(([a, b]) => a > 0 || b > 0) ? pad(x, [[0, 0], g.pads[0], g.pads[1], [0, 0]], padValue) : x;
  const taps: Tensor[] = [];
  for (let i = 0; i < g.kernel[0]; i++) {
    for (let j = 0; j < g.kernel[1]; j++) {
      const top = i * g.dilation[0];
      const left = j * g.dilation[1];
      taps.push(
        stridedSlice(
          padded,
          [0, top, left, 0],
          [padded.shape[0]!, top + (g.out[0] - 1) * g.stride[0] + 1, left + (g.out[1] - 1) * g.stride[1] + 1, padded.shape[3]!],
          [1, g.stride[0], g.stride[1], 1],
        ),
      );
    }
  }
  return stack(taps, 3);
}
