// Helpers for this package's tests (not exported from the entry point).
import { tensor, type NestedArray, type Tensor } from "@neurite/tensor-core";
import { expect } from "vitest";
import { gradcheck, type GradcheckOptions } from "./gradcheck.js";

/** A float64 tensor: gradient checks run in float64. */
export function f64(values: NestedArray, shape?: readonly number[]): Tensor {
  return tensor(values, shape === undefined ? { dtype: "float64" } : { dtype: "float64", shape });
}

/** A float64 tensor of `shape` with values in [lo, hi), from a small seeded generator. */
export function uniform(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  let state = seed * 7919 + 17;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (hi - lo) * (state / 2147483648);
  });
  return tensor(new Float64Array(values), { shape });
}

/** Asserts that f's analytic gradient at `inputs` matches finite differences. */
export async function expectGradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: GradcheckOptions): Promise<void> {
  const report = await gradcheck(f, inputs, options);
  expect(report.ok).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
}

/** The values of a tensor as plain nested arrays, rounded to `digits` decimals. */
export function rounded(t: Tensor, digits = 10): NestedArray {
  const round = (v: NestedArray): NestedArray => (Array.isArray(v) ? v.map(round) : typeof v === "number" ? Number(v.toFixed(digits)) + 0 : v);
  return round(t.arraySync());
}
