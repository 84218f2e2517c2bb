import type { DType, TypedArray } from "./dtype.js";
import { sizeOf } from "./shape.js";

/** Above this many elements, each axis shows its first and last three entries around "...", as NumPy does. */
const SUMMARY_THRESHOLD = 1000;
const EDGE = 3;

function formatter(values: TypedArray, dtype: DType): (v: number) => string {
  if (dtype === "bool") return (v) => (v !== 0 ? "true" : "false");
  if (dtype === "int32") return String;
  const finite = [...values].filter((v) => Number.isFinite(v));
  if (finite.every((v) => Number.isInteger(v)) && finite.every((v) => Math.abs(v) < 1e16)) {
    return (v) => (Number.isFinite(v) ? `${v}.` : String(v));
  }
  const big = finite.some((v) => Math.abs(v) >= 1e8 || (v !== 0 && Math.abs(v) < 1e-4));
  if (big) return (v) => (Number.isFinite(v) ? v.toExponential(4) : String(v));
  return (v) => (Number.isFinite(v) ? String(Number(v.toFixed(4))) : String(v));
}

/**
 * NumPy-style text for a tensor:
 * ```
 * tensor([[1., 2.],
 *         [3., 4.]], dtype=float32)
 * ```
 */
export function formatTensor(values: TypedArray, shape: readonly number[], dtype: DType): string {
  const format = formatter(values, dtype);
  const summarize = sizeOf(shape) > SUMMARY_THRESHOLD;
  const width = Math.max(0, ...[...values].map((v) => format(v).length));
  const cell = (v: number) => format(v).padStart(width);
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const indent = "tensor(".length;
  const render = (axis: number, offset: number): string => {
    if (axis === shape.length) return cell(values[offset]!);
    const n = shape[axis]!;
    const indices = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    const parts = indices.map((i) => (i === -1 ? "..." : render(axis + 1, offset + i * strides[axis]!)));
    const separator = axis === shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - 1 - axis) + " ".repeat(indent + axis + 1);
    return `[${parts.join(separator)}]`;
  };
  return `tensor(${render(0, 0)}, dtype=${dtype})`;
}
