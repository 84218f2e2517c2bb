import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { grad } from "../index.js";
import { expectGradcheck, f64, uniform } from "../testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

describe("reduction rules honour axes and keepDims", () => {
  const reductions: [string, (x: Tensor, axes?: number | number[], keepDims?: boolean) => Tensor][] = [
    ["sum", tc.sum],
    ["prod", tc.prod],
    ["max", tc.max],
    ["min", tc.min],
  ];
  const axesCases: [string, number | number[] | undefined, boolean][] = [
    ["every axis", undefined, false],
    ["axis 0", 0, false],
    ["axis -1, keepDims", -1, true],
    ["axes [0, 2]", [0, 2], false],
    ["axes [0, 2], keepDims", [0, 2], true],
  ];
  for (const [name, reduce] of reductions) {
    for (const [label, axes, keepDims] of axesCases) {
      it(`${name} over ${label}`, async () => {
        const x = uniform([2, 3, 4], 11, 0.5, 1.5);
        await expectGradcheck((t) => {
          const r = reduce(t, axes, keepDims);
          return r.mul(r).mul(uniform(r.shape, 12)).sum();
        }, [x]);
      });
    }
  }

  it("prod gives each element the product of the others, also at zeros", () => {
    const dProd = grad((x: Tensor) => tc.prod(x, 1).sum());
    // Row 0 has no zero, row 1 one zero, row 2 two zeros.
    const x = f64([
      [2, 3, 4],
      [2, 0, 4],
      [0, 3, 0],
    ]);
    expect(dProd(x).arraySync()).toEqual([
      [12, 8, 6],
      [0, 8, 0],
      [0, 0, 0],
    ]);
  });

  it("mean (a composite: sum then divide) over an axis", async () => {
    await expectGradcheck((t) => tc.mean(t, 1).mul(f64([1, -2])).sum(), [uniform([2, 5], 13)]);
  });

  it("logSumExp (a composite through max, exp, sum, log)", async () => {
    await expectGradcheck((t) => tc.logSumExp(t, 1).mul(f64([1, -2])).sum(), [uniform([2, 5], 14, -3, 3)]);
  });
});
