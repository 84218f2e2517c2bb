import { concat, keep, tidy, type NeuriteError, type Tensor } from "@neurite/tensor-core";

/**
 * A check of a loss's input values, computed on the device. `values` is a small float32 vector whose first
 * element is the violation — exactly 0 when the input is fine, anything else (a positive number, NaN) when it
 * is not — followed by the numbers `refuse` puts in its message (e.g. the smallest and largest label).
 */
export interface InputCheck {
  readonly values: Tensor;
  readonly refuse: (values: readonly number[]) => NeuriteError;
}

let collected: InputCheck[] | null = null;

/**
 * Runs `fn` (a forward pass and loss) and hands back the input checks its losses made instead of reading them
 * at once, so a training loop can fold them into its own device-side bookkeeping and read them when it reads
 * anything else: a check costs a reduction, not a device round-trip. The caller owns `checks[i].values`.
 *
 * ```ts
 * const [p, y] = [tensor([0.9, 0.2]), tensor([1, 0])];
 * const { value: loss, checks } = deferInputChecks(() => binaryCrossEntropy(p, y));
 * ```
 */
export function deferInputChecks<T>(fn: () => T): { value: T; checks: InputCheck[] } {
  const outer = collected;
  const checks: InputCheck[] = [];
  collected = checks;
  try {
    return { value: fn(), checks };
  } catch (error) {
    for (const c of checks) c.values.dispose();
    throw error;
  } finally {
    collected = outer;
  }
}

/**
 * Registers a check. Inside `deferInputChecks` it is collected; otherwise it is read now and throws when it
 * fails. A backend without synchronous reads (WebGPU) cannot be read inside a synchronous loss: there the
 * check runs only under `deferInputChecks`, which `fit` uses.
 */
export function checkInput(parts: readonly Tensor[], refuse: InputCheck["refuse"]): void {
  const values = tidy(() => keep(concat(parts.map((p) => p.cast("float32").reshape([1])), 0)));
  if (collected !== null) {
    collected.push({ values, refuse });
    return;
  }
  try {
    if (!values.backend.capabilities.syncRead) return;
    const read = [...values.dataSync()];
    if (read[0] !== 0) throw refuse(read);
  } finally {
    values.dispose();
  }
}

/** 0 when every value of `x` lies in [low, high], else how far outside (NaN for a NaN): one min and one max. */
export function rangeViolation(x: Tensor, low: number, high: number): { violation: Tensor; min: Tensor; max: Tensor } {
  const min = x.min().cast("float32");
  const max = x.max().cast("float32");
  return { violation: min.neg().add(low).maximum(0).add(max.sub(high).maximum(0)), min, max };
}

/** Formats a number for a message: a few significant digits. */
export function shown(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
