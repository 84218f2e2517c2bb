import { add, cos, div, mul, neg, sign, sin, sub } from "@neurite/tensor-core";
import { rule, type GradRule } from "./rule.js";

/*
 * Elementwise unary ops: ∂L/∂x = g · f′(x). Where f′ is cheaper from the output y = f(x) (exp, tanh, sqrt)
 * the rule saves y instead of x. sign, floor, ceil and round are piecewise constant: their gradient is 0
 * wherever it exists, so the tape does not track their outputs at all (see `ZERO_GRADIENT` in index.ts).
 */
export const unaryRules: Record<string, GradRule> = {
  neg: rule("none", (g) => [() => neg(g)]),
  // |x|′ = sign(x), which is 0 at 0: the smallest subgradient, as PyTorch and JAX take.
  abs: rule("inputs", (g, n) => [() => mul(g, sign(n.input(0)))]),
  exp: rule("output", (g, n) => [() => mul(g, n.output())]),
  // (eˣ − 1)′ = eˣ = y + 1.
  expm1: rule("output", (g, n) => [() => mul(g, add(n.output(), 1))]),
  log: rule("inputs", (g, n) => [() => div(g, n.input(0))]),
  log1p: rule("inputs", (g, n) => [() => div(g, add(n.input(0), 1))]),
  // (√x)′ = 1 / (2√x) = 1 / (2y).
  sqrt: rule("output", (g, n) => [() => div(g, mul(n.output(), 2))]),
  sin: rule("inputs", (g, n) => [() => mul(g, cos(n.input(0)))]),
  cos: rule("inputs", (g, n) => [() => neg(mul(g, sin(n.input(0))))]),
  // tanh′ = 1 − tanh².
  tanh: rule("output", (g, n) => [() => mul(g, sub(1, mul(n.output(), n.output())))]),
};
