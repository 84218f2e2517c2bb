import { broadcastTo, cast, div, equal, mul, prod, sub, sum, where, type Tensor } from "@neurite/tensor-core";
import { rule, type GradRule, type NodeContext } from "./rule.js";
import { keepReducedAxes } from "./util.js";

/*
 * Reductions, recorded with attrs `{ axes, keepDims }`. Each rule first brings g back to the input's rank
 * (reduced axes of size 1) so that it broadcasts against the input.
 */

function expanded(g: Tensor, n: NodeContext): Tensor {
  return keepReducedAxes(g, n.inputShapes[0]!, n.attrs.axes as readonly number[]);
}

/** max and min: g goes to the elements equal to the result, shared evenly between ties. */
function extremum(g: Tensor, n: NodeContext): Tensor {
  const x = n.input(0);
  const axes = n.attrs.axes as readonly number[];
  const hit = cast(equal(x, keepReducedAxes(n.output(), x.shape, axes)), x.dtype);
  return mul(div(expanded(g, n), sum(hit, axes, true)), hit);
}

/**
 * prod: ∂/∂xᵢ Π x = Π_{j≠i} xⱼ. Dividing the product by xᵢ fails at zeros, so count them instead: with no
 * zero it is Π / xᵢ; with one zero only that element gets the product of the others; with two or more
 * every gradient is 0.
 *
 * Where the value is 0 because of zero factors, it is written as a product with those factors (their sum,
 * which is 0) rather than as the constant 0, so that second derivatives through the zeros are right:
 * with one zero x_k, element i ≠ k gets (Π' / xᵢ)·x_k; with two zeros x_k and x_m, x_k gets Π'·x_m.
 */
function product(g: Tensor, n: NodeContext): Tensor {
  const x = n.input(0);
  const axes = n.attrs.axes as readonly number[];
  const isZero = equal(x, 0);
  const nonZero = where(isZero, 1, x);
  const productOfNonZeros = prod(nonZero, axes, true);
  const zeros = sum(cast(isZero, x.dtype), axes, true);
  const zeroFactors = sum(where(isZero, x, 0), axes, true); // 0, but depends on the zero factors
  const others = where(
    isZero,
    where(equal(zeros, 1), productOfNonZeros, where(equal(zeros, 2), mul(productOfNonZeros, sub(zeroFactors, x)), 0)),
    where(equal(zeros, 0), div(productOfNonZeros, nonZero), where(equal(zeros, 1), mul(div(productOfNonZeros, nonZero), zeroFactors), 0)),
  );
  return mul(expanded(g, n), others);
}

export const reduceRules: Record<string, GradRule> = {
  sum: rule("none", (g, n) => [() => broadcastTo(expanded(g, n), n.inputShapes[0]!)]),

  prod: rule("inputs", (g, n) => [() => product(g, n)]),
  max: rule("both", (g, n) => [() => extremum(g, n)]),
  min: rule("both", (g, n) => [() => extremum(g, n)]),
};
