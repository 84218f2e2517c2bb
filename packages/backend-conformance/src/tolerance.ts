import type { DType } from "@neurite/tensor-core";

/**
 * How close a value must be: `|actual − expected| ≤ atol + rtol · max(|expected|, scale)`.
 *
 * `scale` is the magnitude the result was computed from, when that is larger than the result itself: for a
 * sum it is Σ|xᵢ|, for a matrix product (|A|·|B|)ᵢⱼ. Rounding errors grow with those magnitudes, not with the
 * (possibly cancelled) result, so a bound relative to the result alone would reject correct float32 kernels.
 */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/**
 * What an op does to rounding:
 * - `exact`: one correctly rounded operation per element, or none (add, mul, floor, comparisons, movement);
 * - `transcendental`: exp, log, sin, tanh… and composites of them (sigmoid, softmax), where backends may use
 *   their own approximations;
 * - `accumulate`: sums of many terms (reductions, matmul, convolution), whose order is up to the backend.
 */
export type ToleranceKind = "exact" | "transcendental" | "accumulate";

/**
 * The tolerances per dtype. float32 values are compared with references computed in float64 from the same
 * float32 inputs; int32 and bool must match exactly (int32 arithmetic wraps to 32 bits, deterministically);
 * float64 is the reference precision and must agree to about 1e-12.
 */
export const TOLERANCES: Readonly<Record<DType, Readonly<Record<ToleranceKind, Tolerance>>>> = {
  float32: {
    exact: { atol: 1e-5, rtol: 1e-5 },
    transcendental: { atol: 1e-5, rtol: 1e-4 },
    accumulate: { atol: 1e-5, rtol: 1e-4 },
  },
  float64: {
    exact: { atol: 1e-12, rtol: 1e-12 },
    transcendental: { atol: 1e-12, rtol: 1e-12 },
    accumulate: { atol: 1e-12, rtol: 1e-12 },
  },
  int32: {
    exact: { atol: 0, rtol: 0 },
    transcendental: { atol: 0, rtol: 0 },
    accumulate: { atol: 0, rtol: 0 },
  },
  bool: {
    exact: { atol: 0, rtol: 0 },
    transcendental: { atol: 0, rtol: 0 },
    accumulate: { atol: 0, rtol: 0 },
  },
};

/** The tolerance of a case of `kind` in `dtype`. */
export function toleranceFor(dtype: DType, kind: ToleranceKind): Tolerance {
  return TOLERANCES[dtype][kind];
}

/** Bit-for-bit: used for the random stream and for values that must not be touched. */
export const EXACT: Tolerance = { atol: 0, rtol: 0 };

/**
 * Tolerances of the gradient cases, per dtype of the backend's computation: `|actual − expected| ≤ atol +
 * rtol · max|expected|`, where max|expected| is the largest element of that input's reference gradient (a
 * gradient element is a sum of terms on the scale of the whole gradient, not of itself). The reference is a
 * float64 central difference of the kit's own forward function, accurate to about 1e-9 for these inputs, so
 * the float64 bound is set by it. backend-cpu's float32 gradients are within 1e-6 + 1e-5 · max|expected|;
 * the float32 bound leaves a hundredfold margin for GPUs whose exp, log and tanh are approximations, and still
 * catches a gradient that is off by a tenth of a percent of its scale.
 */
export const GRADIENT_TOLERANCES: Readonly<Record<"float32" | "float64", Tolerance>> = {
  float32: { atol: 1e-4, rtol: 1e-3 },
  float64: { atol: 1e-6, rtol: 1e-6 },
};

/** The tolerance of a gradient case in `dtype` (float32 or float64). */
export function gradientTolerance(dtype: DType): Tolerance {
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`kit bug: no gradient tolerance for ${dtype}`);
  return GRADIENT_TOLERANCES[dtype];
}
