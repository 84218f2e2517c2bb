import { DTypeError, ShapeError, formatShape } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { matmul } from "./matmul.js";
import { runOp } from "./op.js";
import { fromNHWC, patches, toNHWC, windowGeometry, type WindowOptions } from "./patches.js";
import { reshape } from "./reshape.js";

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) of an image batch with a filter bank.
 *
 * - `x`: `[N, H, W, Cin]` (NHWC, the default) or `[N, Cin, H, W]` with `dataFormat: "NCHW"`.
 * - `filter`: `[kh, kw, Cin, Cout]` in either layout.
 * - Result: `[N, outH, outW, Cout]` (or NCHW). With `padding: "same"` and stride 1, outH = H.
 *
 * Built as unfold + matmul: the windows are cut out with strided slices (`patches`) and multiplied by the
 * filter reshaped to `[kh·kw·Cin, Cout]`, so it runs on every backend and has gradients for free.
 *
 * ```ts
 * const images = ones([2, 28, 28, 1]);  // NHWC
 * const filters = ones([3, 3, 1, 8]);    // [kh, kw, Cin, Cout]
 * conv2d(images, filters, { stride: 1, padding: "same" }); // [2, 28, 28, 8]
 * ```
 */
export function conv2d(x: Tensor, filter: Tensor, options: WindowOptions = {}): Tensor {
  const op = "conv2d";
  const format = options.dataFormat ?? "NHWC";
  return runOp(op, [x, filter], { ...options }, false, () => {
    const input = toNHWC(op, x, format);
    if (filter.rank !== 4) throw new ShapeError({ op, argument: "filter" }, `expected [kh, kw, Cin, Cout], got shape ${formatShape(filter.shape)}`);
    if (filter.dtype !== x.dtype) throw new DTypeError({ op, argument: "filter" }, `dtype ${filter.dtype} differs from x's ${x.dtype}`);
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    if (cin !== input.shape[3]) {
      throw new ShapeError(
        { op, argument: "filter" },
        `filter of shape ${formatShape(filter.shape)} expects ${cin} input channels but x of shape ${formatShape(x.shape)} has ${input.shape[3]} (${format})`,
      );
    }
    const g = windowGeometry(op, input.shape, [kh, kw], options, 1);
    const n = input.shape[0]!;
    const cols = reshape(patches(input, g, 0), [n * g.out[0] * g.out[1], kh * kw * cin]);
    const y = reshape(matmul(cols, reshape(filter, [kh * kw * cin, cout])), [n, g.out[0], g.out[1], cout]);
    return fromNHWC(y, format);
  });
}
