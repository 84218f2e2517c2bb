import { ArgumentError } from "@neurite/tensor-core";

/** Throws an ArgumentError naming the optimizer and hyper-parameter unless `value` lies in the range. */
export function checkRange(
  op: string,
  argument: string,
  value: number,
  range: { readonly min: number; readonly max?: number; readonly minExclusive?: boolean; readonly maxExclusive?: boolean },
): void {
  const { min, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  const ok =
    Number.isFinite(value) && (minExclusive ? value > min : value >= min) && (max === Infinity || (maxExclusive ? value < max : value <= max));
  if (!ok) {
    const low = `${minExclusive ? "(" : "["}${min}`;
    const high = max === Infinity ? "∞)" : `${max}${maxExclusive ? ")" : "]"}`;
    throw new ArgumentError({ op, argument }, `expected a finite value in ${low}, ${high}, got ${value}`);
  }
}
