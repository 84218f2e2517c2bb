import { ArgumentError, expectDType } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { fuse } from "../program/fuse.js";
import type { ProgramBuilder, Expr } from "../program/builder.js";
import { neg } from "./elementwise.js";
import { runOp } from "./op.js";

/*
 * The course notes' activation functions, composed from primitives so every backend has them and autograd
 * differentiates them without rules of their own. Each docstring gives the derivative that falls out, and
 * where the course notes print it wrongly.
 *
 * Each is one elementwise program (`fuse`): one kernel on a backend with the `elementwise` capability, the
 * same primitives as before on any other. Autograd has a rule for each (its gradient is one program too).
 */

const FLOATS = ["float32", "float64"] as const;
const NUMERIC = ["float32", "float64", "int32"] as const;

/**
 * Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), in (0, 1); σ′(x) = σ(x)(1 − σ(x)).
 * Written as 1 / (1 + e⁻ˣ) rather than eˣ / (1 + eˣ): for large |x| the former saturates to 0 or 1 while the
 * latter gives Inf / Inf = NaN.
 */
export function sigmoid(x: Tensor): Tensor {
  return runOp("sigmoid", [x], {}, false, () => {
    expectDType({ op: "sigmoid", argument: "x" }, x.dtype, FLOATS);
    return fuse("sigmoid", [x], sigmoidExpr);
  });
}

/**
 * Heaviside step: 0 for x < 0, 1 for x ≥ 0. Its derivative is 0 wherever it exists (the course notes call it
 * undefined at 0); autograd gives 0 everywhere, so a step network cannot learn by gradient descent.
 */
export function step(x: Tensor): Tensor {
  expectDType({ op: "step", argument: "x" }, x.dtype, NUMERIC);
  return runOp("step", [x], {}, false, () => fuse("step", [x], (p, v) => p.cast(p.binary("greaterEqual", v, 0), x.dtype)));
}

/**
 * Softsign x / (1 + |x|), in (−1, 1). Its derivative is 1 / (1 + |x|)² — the course notes print
 * x / (1 + |x|)², which is wrong (it would be negative for x < 0, but softsign is increasing).
 */
export function softsign(x: Tensor): Tensor {
  return runOp("softsign", [x], {}, false, () => {
    expectDType({ op: "softsign", argument: "x" }, x.dtype, FLOATS);
    return fuse("softsign", [x], (p, v) => p.binary("div", v, p.binary("add", p.unary("abs", v), 1)));
  });
}

/**
 * Rectified linear unit max(0, x). Its derivative is 0 for x < 0 and 1 for x > 0; at 0 Neurite takes 0 (the
 * left derivative, as PyTorch does; the course notes take 1). Written as `where(x > 0, x, 0)` so the gradient
 * at 0 is exactly that convention rather than a tie-breaking rule of `maximum`.
 */
export function relu(x: Tensor): Tensor {
  expectDType({ op: "relu", argument: "x" }, x.dtype, NUMERIC);
  return runOp("relu", [x], {}, false, () => fuse("relu", [x], (p, v) => p.where(p.binary("greater", v, 0), v, 0)));
}

/**
 * Leaky ReLU: x for x > 0, αx otherwise (α = 0.01 by default). Its derivative is 1 for x > 0 and α for x < 0
 * — the course notes print the two cases swapped. At 0 Neurite takes α, the left derivative, like `relu`.
 */
export function leakyRelu(x: Tensor, alpha = 0.01): Tensor {
  if (!Number.isFinite(alpha)) throw new ArgumentError({ op: "leakyRelu", argument: "alpha" }, `expected a finite slope, got ${alpha}`);
  expectDType({ op: "leakyRelu", argument: "x" }, x.dtype, FLOATS);
  return runOp("leakyRelu", [x], { alpha }, false, () => fuse("leakyRelu", [x], (p, v) => p.where(p.binary("greater", v, 0), v, p.binary("mul", v, alpha))));
}

/**
 * Softplus log(1 + eˣ), a smooth ReLU; its derivative is σ(x). Computed branch-wise as x + log(1 + e⁻ˣ) for
 * x ≥ 0 and log(1 + eˣ) otherwise, each on an input clamped to its own side: the exponential never overflows,
 * and the gradient is exactly σ(x) everywhere, 0 included — the common max(x, 0) + log(1 + e^−|x|) form
 * would give the kinks of max and |x| a wrong subgradient at 0.
 */
export function softplus(x: Tensor): Tensor {
  return runOp("softplus", [x], {}, false, () => {
    expectDType({ op: "softplus", argument: "x" }, x.dtype, FLOATS);
    return fuse("softplus", [x], softplusExpr);
  });
}

/** log σ(x) = −softplus(−x), finite for any x (log of a sigmoid that underflowed would be −∞). */
export function logSigmoid(x: Tensor): Tensor {
  return runOp("logSigmoid", [x], {}, false, () => neg(softplus(neg(x))));
}

/** σ(x) = 1 / (1 + e⁻ˣ) as a program expression. */
export function sigmoidExpr(p: ProgramBuilder, x: Expr): Expr {
  return p.binary("div", 1, p.binary("add", p.unary("exp", p.unary("neg", x)), 1));
}

function softplusExpr(p: ProgramBuilder, x: Expr): Expr {
  const positive = p.binary("greaterEqual", x, 0);
  const right = p.where(positive, x, 0);
  const left = p.where(positive, 0, x);
  const r = p.binary("add", right, p.unary("log1p", p.unary("exp", p.unary("neg", right))));
  return p.where(positive, r, p.unary("log1p", p.unary("exp", left)));
}
