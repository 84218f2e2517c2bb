import { ArgumentError, tidy, type Tensor } from "@neurite/tensor-core";

/**
 * Clamps every gradient element to [−limit, limit].
 */
export function clipByValue(gradients: readonly Tensor[], limit: number): Tensor[] {
  if (!(limit > 0)) throw new ArgumentError({ op: "clipByValue", argument: "limit" }, `expected a positive limit, got ${limit}`);
  return gradients.map((g) => g.clip(-limit, limit));
}

/**
 * Scales all gradients by one factor so that their global L2 norm √(Σ‖gᵢ‖²) is at most `maxNorm`; leaves them
 * unchanged when it already is. Keeps the update's direction, unlike clipping by value.
 */
export function clipByGlobalNorm(gradients: readonly Tensor[], maxNorm: number): Tensor[] {
  if (!(maxNorm > 0)) throw new ArgumentError({ op: "clipByGlobalNorm", argument: "maxNorm" }, `expected a positive norm, got ${maxNorm}`);
  if (gradients.length === 0) return [];
  return tidy(() => {
    const norm = gradients.map((g) => g.square().sum()).reduce((a, b) => a.add(b)).sqrt();
    // factor = maxNorm / max(norm, maxNorm) is 1 when the norm is within bounds, and never divides by 0.
    const factor = norm.maximum(maxNorm).reciprocal().mul(maxNorm);
    return gradients.map((g) => g.mul(factor));
  });
}
