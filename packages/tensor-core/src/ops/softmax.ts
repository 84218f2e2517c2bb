import { engine } from "../engine.js";
import { expectDType } from "../errors.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { fuse } from "../program/fuse.js";
import { div } from "./elementwise.js";
import { backendOf, kernel, runOp } from "./op.js";
import { max, sum } from "./reduce.js";

const FLOATS = ["float32", "float64"] as const;

/**
 * Softmax along `axis` (the last by default): eˣⁱ / Σⱼ eˣʲ, computed after subtracting the maximum so that
 * large inputs do not overflow. Uses the backend's fused kernel on the last axis when it has one and no
 * gradient is being traced.
 *
 * ```ts
 * tensor([1, 2, 3]).softmax(); // [0.090, 0.245, 0.665]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const op = "softmax";
  expectDType({ op, argument: "x" }, x.dtype, FLOATS);
  const a = normalizeAxis({ op, argument: "axis" }, axis, x.rank);
  return runOp(op, [x], { axis: a }, false, () => {
    const backend = backendOf(op, { x });
    const fused = backend.fused;
    if (fused?.softmax !== undefined && engine.recorder === null && a === x.rank - 1) {
      const out = { shape: x.shape, dtype: x.dtype };
      return kernel(op, { x }, out, (_, info) => fused.softmax!(info.x!, out));
    }
    const e = fuse(op, [x, max(x, a, true)], (p, x, m) => p.unary("exp", p.binary("sub", x, m)));
    return div(e, sum(e, a, true));
  });
}

/**
 * log(softmax(x)) along `axis`, computed stably as (x − max) − log Σ e^(x − max): it stays finite where
 * softmax underflows to 0.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const op = "logSoftmax";
  expectDType({ op, argument: "x" }, x.dtype, FLOATS);
  const a = normalizeAxis({ op, argument: "axis" }, axis, x.rank);
  return runOp(op, [x], { axis: a }, false, () => {
    const m = max(x, a, true);
    const s = sum(
      fuse(op, [x, m], (p, x, m) => p.unary("exp", p.binary("sub", x, m))),
      a,
      true,
    );
    return fuse(op, [x, m, s], (p, x, m, s) => p.binary("sub", p.binary("sub", x, m), p.unary("log", s)));
  });
}
