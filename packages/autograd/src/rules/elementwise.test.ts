import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, it } from "vitest";
import { expectGradcheck, f64, uniform } from "../testing.js";

const { setBackend } = tc;
type Tensor = tc.Tensor;

beforeAll(async () => {
  await setBackend(cpu());
});

describe("unary rules match finite differences", () => {
  const x = () => uniform([2, 3], 1, -2, 2);
  const positive = () => uniform([2, 3], 2, 0.2, 3);
  const cases: [string, (t: Tensor) => Tensor, () => Tensor][] = [
    ["neg", tc.neg, x],
    ["abs (away from 0)", tc.abs, x],
    ["exp", tc.exp, x],
    ["expm1", tc.expm1, x],
    ["log", tc.log, positive],
    ["log1p", tc.log1p, positive],
    ["sqrt", tc.sqrt, positive],
    ["sin", tc.sin, x],
    ["cos", tc.cos, x],
    ["tanh", tc.tanh, x],
  ];
  for (const [name, op, input] of cases) {
    it(name, async () => {
      // A product with fixed weights makes every element's gradient different.
      const w = uniform([2, 3], 9);
      await expectGradcheck((t) => op(t).mul(w).sum(), [input()]);
    });
  }
});

describe("binary rules match finite differences, broadcasting included", () => {
  const shapes: [string, number[], number[]][] = [
    ["same shape", [2, 3], [2, 3]],
    ["a row vector b", [2, 3], [3]],
    ["a column and a row", [2, 1], [1, 3]],
    ["a scalar b", [2, 3], []],
    ["a broadcast a", [3], [4, 2, 3]],
  ];
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, [number, number], [number, number]][] = [
    ["add", tc.add, [-2, 2], [-2, 2]],
    ["sub", tc.sub, [-2, 2], [-2, 2]],
    ["mul", tc.mul, [-2, 2], [-2, 2]],
    ["div", tc.div, [-2, 2], [0.5, 2]],
    ["pow", tc.pow, [0.3, 2], [-1.5, 2.5]],
    ["maximum", tc.maximum, [-2, 2], [-2, 2]],
    ["minimum", tc.minimum, [-2, 2], [-2, 2]],
  ];
  for (const [name, op, ra, rb] of ops) {
    for (const [label, sa, sb] of shapes) {
      it(`${name}, ${label}`, async () => {
        await expectGradcheck((a, b) => tc.sum(tc.mul(op(a, b), op(a, b))), [uniform(sa, 3, ...ra), uniform(sb, 4, ...rb)]);
      });
    }
  }

  it("pow with a negative base and a constant integer exponent", async () => {
    await expectGradcheck((a) => a.pow(3).sum(), [f64([-1.5, -0.5, 0.7])]);
  });

  it("where, with the condition broadcast", async () => {
    const condition = tc.tensor([[true], [false]]);
    await expectGradcheck((a, b) => tc.where(condition, a, b).mul(uniform([2, 3], 5)).sum(), [uniform([2, 3], 6), uniform([3], 7)]);
  });
});
