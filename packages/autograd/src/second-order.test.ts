import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { grad, valueAndGrad, vjp } from "./index.js";
import { expectGradcheck, f64, uniform } from "./testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

/** x ↦ ∇ₓ Σ f(x): a non-scalar function whose own gradient is the (diagonal of the) Hessian. */
function gradientOf(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => grad((t: Tensor) => f(t).sum())(x);
}

function values(t: Tensor): number[] {
  return t.arraySync() as number[];
}

describe("second-order gradients match the closed forms", () => {
  const xs = [-2, -0.5, 0, 0.7, 3];

  it("sigmoid″ = σ(1 − σ)(1 − 2σ)", () => {
    const second = grad((x: Tensor) => gradientOf(tc.sigmoid)(x).sum())(f64(xs));
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    values(second).forEach((v, i) => expect(v).toBeCloseTo(s(xs[i]!) * (1 - s(xs[i]!)) * (1 - 2 * s(xs[i]!)), 12));
  });

  it("tanh″ = −2 tanh (1 − tanh²)", () => {
    const second = grad((x: Tensor) => gradientOf(tc.tanh)(x).sum())(f64(xs));
    values(second).forEach((v, i) => expect(v).toBeCloseTo(-2 * Math.tanh(xs[i]!) * (1 - Math.tanh(xs[i]!) ** 2), 12));
  });

  it("third order: sin‴ = −cos", () => {
    const third = grad((x: Tensor) => grad((y: Tensor) => gradientOf(tc.sin)(y).sum())(x).sum())(f64(xs));
    values(third).forEach((v, i) => expect(v).toBeCloseTo(-Math.cos(xs[i]!), 12));
  });

  it("an outer gradient flows through a tensor the inner function closes over", () => {
    // Inner: ∂/∂x Σ x·w = w (broadcast to x's 3 elements); outer: ∂/∂w Σ(w, w, w) = 3.
    const x = f64([1, 2, 3]);
    const outer = grad((w: Tensor) => grad((t: Tensor) => t.mul(w).sum())(x).sum())(f64(2));
    expect(outer.itemSync()).toBe(3);
    // And mixed: ∂/∂w of ∂/∂x Σ x²w = ∂/∂w Σ 2xw = Σ 2x = 12.
    const mixed = grad((w: Tensor) => grad((t: Tensor) => t.square().mul(w).sum())(x).sum())(f64(2));
    expect(mixed.itemSync()).toBe(12);
  });

  it("a Hessian-vector product of ½xᵀAx is Av (vjp of grad)", () => {
    const a = f64([
      [2, 1],
      [1, 3],
    ]);
    const f = (x: Tensor) => x.matmul(a).mul(x).sum().mul(0.5);
    using hvp = vjp((x: Tensor) => grad(f)(x), f64([0.3, -0.2]));
    const [av] = hvp.pullback(f64([1, 2]));
    expect(av.arraySync()).toEqual([4, 7]);
  });
});

describe("second-order gradients match finite differences", () => {
  const unary: [string, (x: Tensor) => Tensor, [number, number]][] = [
    ["sigmoid", tc.sigmoid, [-3, 3]],
    ["tanh", tc.tanh, [-2, 2]],
    ["exp", tc.exp, [-1, 1]],
    ["log", tc.log, [0.5, 2]],
    ["sqrt", tc.sqrt, [0.5, 2]],
    ["sin and cos", (x) => tc.sin(x).mul(tc.cos(x)), [-2, 2]],
    ["expm1 and log1p", (x) => tc.log1p(tc.expm1(x).mul(x)), [0.1, 1]],
    ["softsign", tc.softsign, [-2, 2]],
    ["softmax", (x) => tc.softmax(x).mul(uniform(x.shape, 8)), [-2, 2]],
    ["logSoftmax", (x) => tc.logSoftmax(x).mul(uniform(x.shape, 9)), [-2, 2]],
    ["reciprocal and square", (x) => tc.reciprocal(tc.square(x).add(1)), [-2, 2]],
    ["pow with a tensor exponent", (x) => tc.pow(x, x), [0.5, 2]],
    ["div", (x) => tc.div(tc.sin(x), x.add(3)), [-2, 2]],
    ["abs, maximum and minimum away from kinks", (x) => tc.maximum(tc.abs(x), 0.3).mul(tc.minimum(x, 0.2)).mul(x), [-2, 2]],
  ];
  for (const [label, f, [lo, hi]] of unary) {
    it(label, async () => {
      await expectGradcheck(gradientOf(f), [uniform([2, 3], 61, lo, hi)]);
    });
  }

  it("sum over an axis", async () => {
    await expectGradcheck(gradientOf((x) => tc.square(tc.sum(x, 1)).mul(f64([1, -2]))), [uniform([2, 3], 62)]);
  });

  it("mean, prod, max and min reductions", async () => {
    await expectGradcheck(
      gradientOf((x) => tc.square(tc.mean(x, 0)).sum().add(tc.prod(x, 1).sum()).add(tc.square(tc.max(x, 1))).add(tc.square(tc.min(x, 0)).sum())),
      [uniform([2, 3], 63, 0.5, 2)],
    );
  });

  it("matmul, with respect to both operands (mixed second derivatives included)", async () => {
    const f = (a: Tensor, b: Tensor) => tc.square(tc.matmul(a, b)).sum();
    await expectGradcheck((a, b) => grad(f, [0, 1])(a, b)[0], [uniform([2, 3], 64), uniform([3, 2], 65)]);
    await expectGradcheck((a, b) => grad(f, [0, 1])(a, b)[1], [uniform([2, 3], 64), uniform([3, 2], 65)]);
  });

  it("matmul with transposes and a broadcast batch", async () => {
    const f = (a: Tensor, b: Tensor) => tc.tanh(tc.matmul(a, b, { transposeA: true, transposeB: true })).sum();
    await expectGradcheck((a, b) => grad(f, 1)(a, b), [uniform([2, 3, 2], 66), uniform([4, 3], 67)]);
  });

  it("a dense layer's loss, through its parameters", async () => {
    const x = uniform([4, 3], 68);
    const loss = (w: Tensor, b: Tensor) => tc.mean(tc.square(tc.linear(x, w, b, "tanh")));
    await expectGradcheck((w, b) => grad(loss, 0)(w, b), [uniform([3, 2], 69), uniform([2], 70)]);
  });

  it("movement ops and gather", async () => {
    const indices = tc.tensor([1, 0, 1], { dtype: "int32" });
    const f = (x: Tensor) =>
      tc.square(tc.concat([tc.gather(x, indices).transpose(), x.slice([0, 1], [2, 2]).pad([[0, 0], [1, 0]]).transpose()], 1)).mul(tc.sin(x.sum()));
    await expectGradcheck(gradientOf(f), [uniform([2, 3], 71)]);
  });

  it("valueAndGrad inside grad", async () => {
    await expectGradcheck(
      (x) => {
        const [value, g] = valueAndGrad((t: Tensor) => tc.sigmoid(t).mul(t).sum())(x);
        return g.mul(value);
      },
      [uniform([3], 72)],
    );
  });
});
