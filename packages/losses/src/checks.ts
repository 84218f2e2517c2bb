import { keep, noGrad, type NeuriteError, type Tensor } from "@neurite/tensor-core";

/**
 * A check of a loss's input values, computed on the device: a few scalars (`values`: a smallest and largest
 * label, a row-sum error…) and the range each one must lie in. `refusedWhen: "outside"` (the default) refuses
 * the input when any value lies outside its range — NaN included; `"inside"` when every value lies inside
 * (the default mode of the categorical loss refuses rows that are already probabilities). Declared as data,
 * so a training loop can fold the check into its own programs on the device, and read it when it reads
 * anything else, while `refuse` turns the values read back into the error.
 */
export interface InputCheck {
  readonly values: readonly Tensor[];
  readonly ranges: readonly (readonly [low: number, high: number])[];
  readonly refusedWhen: "outside" | "inside";
  readonly refuse: (values: readonly number[]) => NeuriteError;
}

/** Whether the values read back for `check` refuse its input. */
export function refused(check: Pick<InputCheck, "ranges" | "refusedWhen">, values: readonly number[]): boolean {
  const inside = check.ranges.every(([low, high], i) => values[i]! >= low && values[i]! <= high);
  return check.refusedWhen === "inside" ? inside : !inside;
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
    for (const c of checks) for (const t of c.values) t.dispose();
    throw error;
  } finally {
    collected = outer;
  }
}

/**
 * Registers a check. Inside `deferInputChecks` it is collected (the caller then owns `check.values`);
 * otherwise it is read now and throws when it fails. A backend without synchronous reads (WebGPU) cannot be
 * read inside a synchronous loss: there the check runs only under `deferInputChecks`, which `fit` uses.
 */
export function checkInput(check: Omit<InputCheck, "refusedWhen"> & { readonly refusedWhen?: InputCheck["refusedWhen"] }): void {
  const full: InputCheck = { values: keep([...check.values]), ranges: check.ranges, refusedWhen: check.refusedWhen ?? "outside", refuse: check.refuse };
  if (collected !== null) {
    collected.push(full);
    return;
  }
  try {
    if (!full.values.every((v) => v.backend.capabilities.syncRead)) return;
    const read = full.values.map((v) => v.dataSync()[0]!);
    if (refused(full, read)) throw full.refuse(read);
  } finally {
    for (const t of full.values) t.dispose();
  }
}

/**
 * The smallest and largest value of `x` as scalars (its dtype): one min and one max reduction. Unrecorded by
 * autograd (a check needs no gradient), so the tape keeps nothing for it.
 */
export function extremes(x: Tensor): [min: Tensor, max: Tensor] {
  return noGrad(() => [x.min(), x.max()]);
}

/** Formats a number for a message: a few significant digits. */
export function shown(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
