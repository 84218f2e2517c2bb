import { exp, greaterEqual, lessEqual, logicalAnd, mul, sub, sum, where } from "@neurite/tensor-core";
import { rule, type GradRule } from "./rule.js";

/*
 * Rules for a few composite ops. None is needed for correctness — without a rule the tape sees a composite's
 * inner primitives — but each is shorter to run, keeps fewer tensors alive, or fixes a convention:
 * - sigmoid saves only its output: σ′ = σ(1 − σ).
 * - softmax and logSoftmax save only their output and, because the tape claims them as one op, run the
 *   backend's fused kernel in the forward pass.
 * - clip passes the gradient on [min, max] inclusive, as PyTorch does; composed as minimum(maximum(x, min),
 *   max) it would give ½ at the bounds (the tie convention of maximum and minimum).
 */
export const compositeRules: Record<string, GradRule> = {
  sigmoid: rule("output", (g, n) => [() => mul(g, mul(n.output(), sub(1, n.output())))]),
  // ∂L/∂x = y ⊙ (g − Σ g ⊙ y) along the axis.
  softmax: rule("output", (g, n) => {
    const y = n.output();
    return [() => mul(y, sub(g, sum(mul(g, y), n.attrs.axis as number, true)))];
  }),
  // ∂L/∂x = g − softmax(x) · Σ g, and softmax(x) = exp(y).
  logSoftmax: rule("output", (g, n) => [() => sub(g, mul(exp(n.output()), sum(g, n.attrs.axis as number, true)))]),
  clip: rule("inputs", (g, n) => {
    const x = n.input(0);
    return [() => where(logicalAnd(greaterEqual(x, n.attrs.min as number), lessEqual(x, n.attrs.max as number)), g, 0)];
  }),
};
