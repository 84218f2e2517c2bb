import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, it } from "vitest";
import { expectGradcheck, uniform } from "../testing.js";

beforeAll(async () => {
  await tc.setBackend(cpu());
});

describe("matmul's rule covers transposes, broadcast batches and vectors", () => {
  const cases: [string, number[], number[], tc.MatmulOptions][] = [
    ["matrices", [2, 3], [3, 4], {}],
    ["aᵀ", [3, 2], [3, 4], { transposeA: true }],
    ["bᵀ", [2, 3], [4, 3], { transposeB: true }],
    ["aᵀ and bᵀ", [3, 2], [4, 3], { transposeA: true, transposeB: true }],
    ["a batch times a matrix", [2, 2, 3], [3, 4], {}],
    ["a matrix times a batch, bᵀ", [2, 3], [2, 4, 3], { transposeB: true }],
    ["broadcast batch dims [1, 2] × [3, 1]", [1, 2, 2, 3], [3, 1, 3, 2], {}],
    ["a row vector times a matrix", [3], [3, 4], {}],
    ["a matrix times a column vector", [2, 3], [3], {}],
    ["vector · vector", [3], [3], {}],
  ];
  for (const [label, sa, sb, options] of cases) {
    it(label, async () => {
      await expectGradcheck(
        (a, b) => {
          const c = tc.matmul(a, b, options);
          return c.mul(uniform(c.shape, 3)).sum();
        },
        [uniform(sa, 1), uniform(sb, 2)],
      );
    });
  }

  it("linear (matmul, bias, activation) with every activation", async () => {
    for (const activation of ["linear", "relu", "sigmoid", "tanh"] as const) {
      await expectGradcheck((x, w, b) => tc.linear(x, w, b, activation).mul(uniform([4, 3], 7)).sum(), [uniform([4, 2], 4), uniform([2, 3], 5), uniform([3], 6)]);
    }
  });
});
