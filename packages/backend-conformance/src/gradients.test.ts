import { RULES } from "@neurite/autograd";
import { describe, expect, it } from "vitest";
import { awayFromZero, drawUntil, margin, spaced } from "./cases/gradient-check.js";
import { gradientCases } from "./cases/gradients.js";
import { linearRef, matmulNumpyRef } from "./cases/gradients-tensor.js";
import { nd } from "./reference/nd.js";
import { Rng } from "./rng.js";

// The gradient cases run on a backend (backend-cpu's suite); here, the case list and the input helpers.

describe("the gradient cases", () => {
  const cases = gradientCases();

  it("cover every op autograd has a rule for, in float32 and float64", () => {
    const names = cases.map((c) => c.name);
    for (const op of RULES.keys()) {
      for (const dtype of ["float32", "float64"]) {
        const prefix = op === "cast" ? "gradient/cast/" : `gradient/${op}/${dtype}/`;
        expect(names.some((n) => n.startsWith(prefix)), `a gradient case for ${op} in ${dtype}`).toBe(true);
      }
    }
  });

  it("cover the composites differentiated through their primitives", () => {
    for (const op of ["relu", "leakyRelu", "step", "softsign", "softplus", "logSigmoid", "mean", "logSumExp", "linear", "conv2d", "maxPool2d", "avgPool2d", "stack", "split", "stridedSlice"]) {
      expect(cases.some((c) => c.name.startsWith(`gradient/${op}/`)), op).toBe(true);
    }
  });

  it("are in the gradient group, with unique names and one float dtype each (casts need both)", () => {
    expect(new Set(cases.map((c) => c.group))).toEqual(new Set(["gradient"]));
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    for (const c of cases) expect(c.dtypes).toEqual(c.name.startsWith("gradient/cast/") ? ["float32", "float64"] : [c.name.split("/")[2]]);
  });
});

describe("inputs that keep away from kinks and ties", () => {
  it("spaced values are a shuffle of distinct values in range, far enough apart", () => {
    const values = spaced(Rng.from("t"), 50, "float32", -5, 5);
    const sorted = [...values].sort((a, b) => a - b);
    expect(sorted[0]).toBeGreaterThanOrEqual(-5);
    expect(sorted[49]).toBeLessThan(5);
    for (let i = 1; i < 50; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThan(10 / 100 - 1e-6);
    expect(values).not.toEqual(sorted);
  });

  it("awayFromZero keeps |v| in [lo, hi) with both signs", () => {
    const values = awayFromZero(Rng.from("t"), 100, "float64", 0.1, 3);
    expect(margin(values)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...values.map(Math.abs))).toBeLessThan(3);
    expect(values.some((v) => v < 0) && values.some((v) => v > 0)).toBe(true);
  });

  it("drawUntil redraws until accepted, and gives up loudly", () => {
    let n = 0;
    expect(drawUntil("n", () => ++n, (v) => v >= 3)).toBe(3);
    expect(() => drawUntil("never", () => 0, () => false)).toThrow("kit bug: 200 draws of never");
  });
});

describe("gradient-case references", () => {
  it("matmul drops the dims of rank-1 operands like NumPy", () => {
    expect(matmulNumpyRef(nd([2], [1, 2]), nd([2, 2], [1, 2, 3, 4]), false, false)).toEqual(nd([2], [7, 10]));
    expect(matmulNumpyRef(nd([2, 2], [1, 2, 3, 4]), nd([2], [1, 1]), false, false)).toEqual(nd([2], [3, 7]));
    expect(matmulNumpyRef(nd([2, 2], [1, 2, 3, 4]), nd([2, 2], [1, 0, 0, 1]), true, false)).toEqual(nd([2, 2], [1, 3, 2, 4]));
  });

  it("linear adds the bias, then activates", () => {
    expect(linearRef(nd([1, 2], [1, 2]), nd([2, 2], [1, -1, 1, -1]), nd([2], [0.5, 1]), "relu")).toEqual(nd([1, 2], [3.5, 0]));
    expect(linearRef(nd([1, 1], [0]), nd([1, 1], [1]), null, "sigmoid")).toEqual(nd([1, 1], [0.5]));
  });
});
