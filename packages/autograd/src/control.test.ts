import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { customGrad, grad, noGrad, stopGradient } from "./index.js";
import { expectGradcheck, f64, uniform } from "./testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

describe("noGrad", () => {
  it("makes what it computes a constant to the gradient", () => {
    // d/dx [c · x] with c = 3x held constant is 3x.
    expect(grad((x: Tensor) => noGrad(() => x.mul(3)).mul(x).sum())(tc.tensor([1, 2])).arraySync()).toEqual([3, 6]);
  });

  it("returns fn's result and restores tracing even when fn throws", () => {
    expect(noGrad(() => 5)).toBe(5);
    const g = grad((x: Tensor) => {
      expect(() => noGrad(() => { throw new Error("inner"); })).toThrow("inner");
      return x.mul(x).sum();
    })(tc.tensor([3]));
    expect(g.arraySync()).toEqual([6]);
  });
});

describe("stopGradient", () => {
  it("passes values and blocks gradients", () => {
    expect(grad((x: Tensor) => stopGradient(x).mul(x).sum())(tc.tensor([2, 5])).arraySync()).toEqual([2, 5]);
    const y = stopGradient(tc.tensor([1, 2]));
    expect(y.arraySync()).toEqual([1, 2]);
  });
});

describe("customGrad", () => {
  const softplus = customGrad(
    (x: Tensor) => x.exp().add(1).log(),
    (g, { inputs: [x] }) => [g.mul(tc.sigmoid(x))],
    "softplus",
  );

  it("computes the forward value and uses the given rule", async () => {
    expect(softplus(f64([0])).itemSync()).toBeCloseTo(Math.log(2), 14);
    await expectGradcheck((x) => softplus(x).sum(), [uniform([4], 1, -3, 3)]);
  });

  it("is used instead of looking inside: a straight-through estimator for round", () => {
    const roundThrough = customGrad((x: Tensor) => tc.round(x), (g) => [g], "roundThrough");
    expect(grad((x: Tensor) => roundThrough(x).mul(f64([1, 2])).sum())(f64([0.3, 1.7])).arraySync()).toEqual([1, 2]);
  });

  it("has second-order gradients when its rule is written with ops", async () => {
    await expectGradcheck((x) => grad((t: Tensor) => softplus(t).sum())(x), [uniform([4], 2, -3, 3)]);
  });

  it("passes null as no gradient, and handles several inputs and saved outputs", () => {
    const scaled = customGrad(
      (x: Tensor, s: Tensor) => x.mul(s),
      (g, { inputs: [, s], output }) => [g.mul(s).add(output.mul(0)), null],
      "scaled",
    );
    const [dx, ds] = grad((x: Tensor, s: Tensor) => scaled(x, s).sum(), [0, 1])(f64([1, 2]), f64([3]));
    expect(dx.arraySync()).toEqual([3, 3]);
    expect(ds.arraySync()).toEqual([0]);
  });

  it("may return a tensor it did not create, which stays the caller's", () => {
    const constant = f64([7, 7]);
    const fixed = customGrad((x: Tensor) => x.mul(2), () => [constant], "fixed");
    expect(grad((x: Tensor) => fixed(x).sum())(f64([1, 2])).arraySync()).toEqual([7, 7]);
    expect(constant.isDisposed).toBe(false);
  });

  it("works with no tape installed and when its inputs are not being differentiated", () => {
    const c = f64([1, 2]);
    expect(grad((x: Tensor) => softplus(c).sum().mul(x))(f64([1])).itemSync()).toBeCloseTo(Math.log(1 + Math.E) + Math.log(1 + Math.E ** 2), 12);
  });
});
