import type { Tensor } from "../tensor.js";
import { full } from "./creation.js";
import { div } from "./elementwise.js";
import { runOp } from "./op.js";
import { fromNHWC, patches, toNHWC, windowGeometry, type WindowOptions } from "./patches.js";
import { max, sum } from "./reduce.js";

/** Options of `maxPool2d` and `avgPool2d`. */
export interface PoolOptions extends WindowOptions {
  /** Window size: one number for both axes or [height, width]. */
  readonly poolSize: number | readonly [number, number];
}

function poolWindow(options: PoolOptions): [number, number] {
  return typeof options.poolSize === "number" ? [options.poolSize, options.poolSize] : [options.poolSize[0], options.poolSize[1]];
}

/**
 * Max pooling over `poolSize` windows (stride defaults to the window, padding to "valid"). Padded positions
 * never win: they hold −∞. Layout as for `conv2d`.
 *
 * ```ts
 * const x = ones([1, 28, 28, 3]);
 * maxPool2d(x, { poolSize: 2 }); // halves height and width: [1, 14, 14, 3]
 * ```
 */
export function maxPool2d(x: Tensor, options: PoolOptions): Tensor {
  const op = "maxPool2d";
  const format = options.dataFormat ?? "NHWC";
  return runOp(op, [x], { ...options }, false, () => {
    const input = toNHWC(op, x, format);
    const kernel = poolWindow(options);
    const g = windowGeometry(op, input.shape, kernel, options, kernel);
    return fromNHWC(max(patches(input, g, -Infinity), 3), format);
  });
}

/**
 * Average pooling over `poolSize` windows (stride defaults to the window). With padding, each window is
 * averaged over its real pixels only, so border outputs are not pulled towards 0.
 */
export function avgPool2d(x: Tensor, options: PoolOptions): Tensor {
  const op = "avgPool2d";
  const format = options.dataFormat ?? "NHWC";
  return runOp(op, [x], { ...options }, false, () => {
    const input = toNHWC(op, x, format);
    const kernel = poolWindow(options);
    const g = windowGeometry(op, input.shape, kernel, options, kernel);
    const total = sum(patches(input, g, 0), 3);
    const padded = g.pads.some(([a, b]) => a > 0 || b > 0);
    if (!padded) return fromNHWC(div(total, kernel[0] * kernel[1]), format);
    // Count the real pixels under each window by pooling a one-channel image of ones.
    const ones = full([1, input.shape[1]!, input.shape[2]!, 1], 1, { dtype: x.dtype, backend: x.storage(op).backend });
    return fromNHWC(div(total, sum(patches(ones, g, 0), 3)), format);
  });
}
