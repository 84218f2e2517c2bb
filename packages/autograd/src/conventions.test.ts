import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { grad } from "./index.js";
import { f64 } from "./testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

/** The elementwise derivative of f at each of `xs`. */
function derivative(f: (x: Tensor) => Tensor, xs: number[]): number[] {
  return grad((x: Tensor) => f(x).sum())(f64(xs)).arraySync() as number[];
}

describe("subgradient conventions at kinks and ties", () => {
  it("relu′(0) = 0 (the notes take 1; Neurite, like PyTorch, takes the left derivative)", () => {
    expect(derivative(tc.relu, [-1, 0, 2])).toEqual([0, 0, 1]);
  });

  it("leakyRelu′ is α for x < 0, 1 for x > 0, and α at 0 (the notes swap the cases)", () => {
    expect(derivative((x) => tc.leakyRelu(x, 0.1), [-1, 0, 2])).toEqual([0.1, 0.1, 1]);
    expect(derivative((x) => tc.leakyRelu(x), [-3])).toEqual([0.01]);
  });

  it("abs′(0) = 0", () => {
    expect(derivative(tc.abs, [-2, 0, 3])).toEqual([-1, 0, 1]);
  });

  it("step′ = 0 everywhere, 0 included (the notes call it undefined at 0)", () => {
    expect(derivative(tc.step, [-1, 0, 1])).toEqual([0, 0, 0]);
  });

  it("sign, floor, ceil and round have zero gradients", () => {
    for (const f of [tc.sign, tc.floor, tc.ceil, tc.round]) expect(derivative(f, [-1.5, 0, 0.5, 2.3])).toEqual([0, 0, 0, 0]);
  });

  it("maximum and minimum split a tie evenly, so maximum(x, x) has gradient 1", () => {
    const [da, db] = grad((a: Tensor, b: Tensor) => tc.maximum(a, b).sum(), [0, 1])(f64([1, 2, 3]), f64([1, 5, 0]));
    expect(da.arraySync()).toEqual([0.5, 0, 1]);
    expect(db.arraySync()).toEqual([0.5, 1, 0]);
    const [ma, mb] = grad((a: Tensor, b: Tensor) => tc.minimum(a, b).sum(), [0, 1])(f64([1, 2, 3]), f64([1, 5, 0]));
    expect(ma.arraySync()).toEqual([0.5, 1, 0]);
    expect(mb.arraySync()).toEqual([0.5, 0, 1]);
    expect(derivative((x) => tc.maximum(x, x), [1, -2])).toEqual([1, 1]);
  });

  it("max and min reductions share the gradient evenly between tied elements", () => {
    expect(derivative((x) => tc.max(x), [3, 1, 3, 2])).toEqual([0.5, 0, 0.5, 0]);
    expect(derivative((x) => tc.min(x.reshape([2, 2]), 1), [1, 1, 4, 2])).toEqual([0.5, 0.5, 0, 1]);
  });

  it("maxPool2d shares a window's gradient between tied maxima", () => {
    const g = grad((x: Tensor) => tc.maxPool2d(x, { poolSize: 2 }).sum())(f64([5, 1, 5, 0], [1, 2, 2, 1]));
    expect(g.arraySync()).toEqual([[[[0.5], [0]], [[0.5], [0]]]]);
  });

  it("softplus′ = σ, 0 included", () => {
    const xs = [-30, 0, 2];
    derivative(tc.softplus, xs).forEach((d, i) => expect(d).toBeCloseTo(1 / (1 + Math.exp(-xs[i]!)), 15));
    expect(derivative(tc.softplus, [0])).toEqual([0.5]);
  });

  it("clip passes the gradient on [min, max], bounds included", () => {
    expect(derivative((x) => tc.clip(x, -1, 1), [-2, -1, 0, 1, 2])).toEqual([0, 1, 1, 1, 0]);
  });

  it("pow at base 0 gives finite gradients, in the first and second order", () => {
    const [da, db] = grad((a: Tensor, b: Tensor) => tc.pow(a, b).sum(), [0, 1])(f64([0, 0, 2]), f64([2, 3, 3]));
    expect(da.arraySync()).toEqual([0, 0, 12]);
    expect(db.arraySync()).toEqual([0, 0, 8 * Math.log(2)]);
    const second = grad((x: Tensor) => grad((t: Tensor) => t.pow(2).sum())(x).sum())(f64([0, 1]));
    expect(second.arraySync()).toEqual([2, 2]);
    // A negative base has no real gradient in the exponent: 0, not NaN.
    const [, dbNegative] = grad((a: Tensor, b: Tensor) => tc.pow(a, b).sum(), [0, 1])(f64([-2]), f64([2]));
    expect(dbNegative.arraySync()).toEqual([0]);
  });
});
