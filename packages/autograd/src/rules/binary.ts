import { add, cast, div, equal, greater, less, log, mul, neg, pow, sub, where, type Tensor } from "@neurite/tensor-core";
import { rule, type GradRule, type NodeContext } from "./rule.js";
import { unbroadcast } from "./util.js";

/*
 * Elementwise binary ops with NumPy broadcasting. Each rule forms the gradient at the output's shape and
 * then `unbroadcast`s it to the input's shape: an input broadcast along an axis was used once per position
 * on that axis, so its gradient sums over it.
 */

/** ∂L/∂a and ∂L/∂b from gradients `da`, `db` formed at the output's shape. */
function both(n: NodeContext, da: () => Tensor, db: () => Tensor) {
  return [() => unbroadcast(da(), n.inputShapes[0]!), () => unbroadcast(db(), n.inputShapes[1]!)];
}

/**
 * Weight of `a` in maximum(a, b) (or minimum with `less`): 1 where a wins, 0 where b wins, ½ on a tie.
 * Splitting ties evenly makes maximum(x, x) = x have gradient 1 and is what TensorFlow and JAX do.
 */
function winnerWeight(wins: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor): Tensor {
  return add(cast(wins(a, b), a.dtype), mul(cast(equal(a, b), a.dtype), 0.5));
}

export const binaryRules: Record<string, GradRule> = {
  add: rule("none", (g, n) => both(n, () => g, () => g)),
  sub: rule("none", (g, n) => both(n, () => g, () => neg(g))),
  mul: rule("inputs", (g, n) =>
    both(
      n,
      () => mul(g, n.input(1)),
      () => mul(g, n.input(0)),
    ),
  ),
  // (a / b)′ = 1 / b and −a / b².
  div: rule("inputs", (g, n) =>
    both(
      n,
      () => div(g, n.input(1)),
      () => neg(div(mul(g, n.input(0)), mul(n.input(1), n.input(1)))),
    ),
  ),
  // (aᵇ)′ = b·aᵇ⁻¹ and aᵇ·ln a. ln a is taken as 0 where a ≤ 0 (there aᵇ is 0, 1 or NaN and has no
  // useful gradient in b); the inner `where` keeps log away from a ≤ 0 so that its own gradient — in
  // second-order passes — is not 0·∞ = NaN.
  pow: rule("both", (g, n) => {
    const [a, b] = [n.input(0), n.input(1)];
    return both(
      n,
      () => mul(g, mul(b, pow(a, sub(b, 1)))),
      () => {
        const positive = greater(a, 0);
        return mul(g, mul(n.output(), where(positive, log(where(positive, a, 1)), 0)));
      },
    );
  }),
  maximum: rule("inputs", (g, n) => {
    const wa = () => winnerWeight(greater, n.input(0), n.input(1));
    return both(
      n,
      () => mul(g, wa()),
      () => mul(g, sub(1, wa())),
    );
  }),
  minimum: rule("inputs", (g, n) => {
    const wa = () => winnerWeight(less, n.input(0), n.input(1));
    return both(
      n,
      () => mul(g, wa()),
      () => mul(g, sub(1, wa())),
    );
  }),
  // where(c, a, b): the condition is bool and gets nothing; a gets g where c holds, b where it does not.
  where: rule([0], (g, n) => {
    const c = n.input(0);
    return [null, () => unbroadcast(where(c, g, 0), n.inputShapes[1]!), () => unbroadcast(where(c, 0, g), n.inputShapes[2]!)];
  }),
};
