import { fuse, matmul, sum, type FusedActivation, type Tensor } from "@neurite/tensor-core";
import { rule, type GradRule } from "./rule.js";
import { keepReducedAxes, unbroadcast } from "./util.js";

/*
 * Rules for composite ops. None is needed for correctness — without a rule the tape sees a composite's inner
 * primitives — but with one the tape claims the op whole, so its forward pass runs as one fused kernel (an
 * elementwise program, `linear`'s matmul+bias+activation, softmax), and each gradient below is itself one
 * elementwise program (`fuse`) where it can be. Every rule is written with tensor-core ops: under an outer
 * tape `fuse` runs as the ops it is made of, so gradients of gradients work.
 * - sigmoid saves only its output: σ′ = σ(1 − σ).
 * - relu and leakyRelu take the left derivative at 0 (0 and α), as the op's docs say.
 * - softmax and logSoftmax save only their output.
 * - clip passes the gradient on [min, max] inclusive, as PyTorch does; composed as minimum(maximum(x, min),
 *   max) it would give ½ at the bounds (the tie convention of maximum and minimum).
 * - linear's activation derivative is read from the output y, so only x, w and y are kept.
 */

/** ∂L/∂z of y = activation(z), from y and g = ∂L/∂y, as one program. */
function activationGrad(activation: FusedActivation, y: Tensor, g: Tensor): Tensor {
  switch (activation) {
    case "linear":
      return g;
    case "relu":
      // y > 0 exactly where z > 0.
      return fuse("linear", [y, g], (p, y, g) => p.where(p.binary("greater", y, 0), g, 0));
    case "sigmoid":
      return fuse("linear", [y, g], (p, y, g) => p.binary("mul", g, p.binary("mul", y, p.binary("sub", 1, y))));
    case "tanh":
      return fuse("linear", [y, g], (p, y, g) => p.binary("mul", g, p.binary("sub", 1, p.binary("mul", y, y))));
  }
}

export const compositeRules: Record<string, GradRule> = {
  sigmoid: rule("output", (g, n) => [() => fuse("sigmoid", [n.output(), g], (p, y, g) => p.binary("mul", g, p.binary("mul", y, p.binary("sub", 1, y))))]),
  relu: rule("inputs", (g, n) => [() => fuse("relu", [n.input(0), g], (p, x, g) => p.where(p.binary("greater", x, 0), g, 0))]),
  leakyRelu: rule("inputs", (g, n) => {
    const alpha = n.attrs.alpha as number;
    return [() => fuse("leakyRelu", [n.input(0), g], (p, x, g) => p.where(p.binary("greater", x, 0), g, p.binary("mul", g, alpha)))];
  }),
  // softsign′ = 1 / (1 + |x|)².
  softsign: rule("inputs", (g, n) => [
    () =>
      fuse("softsign", [n.input(0), g], (p, x, g) => {
        const d = p.binary("add", p.unary("abs", x), 1);
        return p.binary("div", g, p.binary("mul", d, d));
      }),
  ]),
  // softplus′ = σ(x).
  softplus: rule("inputs", (g, n) => [
    () => fuse("softplus", [n.input(0), g], (p, x, g) => p.binary("mul", g, p.binary("div", 1, p.binary("add", p.unary("exp", p.unary("neg", x)), 1)))),
  ]),
  square: rule("inputs", (g, n) => [() => fuse("square", [n.input(0), g], (p, x, g) => p.binary("mul", g, p.binary("mul", x, 2)))]),
  // (1/x)′ = −1/x² = −y².
  reciprocal: rule("output", (g, n) => [() => fuse("reciprocal", [n.output(), g], (p, y, g) => p.unary("neg", p.binary("mul", g, p.binary("mul", y, y))))]),
  // mean = sum / count: g / count at every element, broadcast back to the input's shape in the same program.
  mean: rule("none", (g, n) => {
    const shape = n.inputShapes[0]!;
    const axes = n.attrs.axes as readonly number[];
    const count = axes.reduce((c, a) => c * shape[a]!, 1);
    return [() => fuse("mean", [keepReducedAxes(g, shape, axes)], (p, g) => p.binary("div", g, count), { shape })];
  }),
  // ∂L/∂x = y ⊙ (g − Σ g ⊙ y) along the axis.
  softmax: rule("output", (g, n) => {
    const y = n.output();
    return [
      () => {
        const s = sum(fuse("softmax", [g, y], (p, g, y) => p.binary("mul", g, y)), n.attrs.axis as number, true);
        return fuse("softmax", [y, g, s], (p, y, g, s) => p.binary("mul", y, p.binary("sub", g, s)));
      },
    ];
  }),
  // ∂L/∂x = g − softmax(x) · Σ g, and softmax(x) = exp(y).
  logSoftmax: rule("output", (g, n) => [
    () => {
      const s = sum(g, n.attrs.axis as number, true);
      return fuse("logSoftmax", [g, n.output(), s], (p, g, y, s) => p.binary("sub", g, p.binary("mul", p.unary("exp", y), s)));
    },
  ]),
  clip: rule("inputs", (g, n) => {
    const [min, max] = [n.attrs.min as number, n.attrs.max as number];
    return [
      () =>
        fuse("clip", [n.input(0), g], (p, x, g) =>
          p.where(p.binary("logicalAnd", p.binary("greaterEqual", x, min), p.binary("lessEqual", x, max)), g, 0),
        ),
    ];
  }),
  // y = activation(x·w + bias): ∂z from y, then ∂x = ∂z·wᵀ, ∂w = xᵀ·∂z (summed over x's batch axes), ∂bias = Σ ∂z.
  linear: rule("both", (g, n) => {
    const [x, w] = [n.input(0), n.input(1)];
    let dz: Tensor | undefined;
    const grad = (): Tensor => (dz ??= activationGrad(n.attrs.activation as FusedActivation, n.output(), g));
    return [
      () => matmul(grad(), w, { transposeB: true }),
      () => unbroadcast(matmul(x, grad(), { transposeA: true }), w.shape),
      n.inputShapes.length > 2 ? () => unbroadcast(grad(), n.inputShapes[2]!) : null,
    ];
  }),
};
