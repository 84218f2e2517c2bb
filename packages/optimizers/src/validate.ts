import { ArgumentError } from "@neurite/tensor-core";

/** Throws an ArgumentError naming the optimizer and hyper-parameter unless `value` lies in the range. */
export function checkRange(
  op: string,
  argument: string,
  value: unknown,
  range: { readonly min: number; readonly max?: number; readonly minExclusive?: boolean; readonly maxExclusive?: boolean },
): void {
  const { min, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) && (max === Infinity || (maxExclusive ? value < max : value <= max));
  if (!ok) {
    const low = `${minExclusive ? "(" : "["}${min}`;
    const high = max === Infinity ? "∞)" : `${max}${maxExclusive ? ")" : "]"}`;
    throw new ArgumentError({ op, argument }, `expected a finite value in ${low}, ${high}, got ${describeValue(value)}`);
  }
}

/** How a refused value reads in a message: a string is shown as a string, so "0.1" is not mistaken for 0.1. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)} (pass a number)`;
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  if (typeof value === "function") return "a function";
  if (typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${value}`;
  return typeof value === "symbol" ? "a symbol" : "undefined";
}
