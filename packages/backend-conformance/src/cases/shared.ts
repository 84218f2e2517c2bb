import type { DType } from "@neurite/tensor-core";
import type { Rng } from "../rng.js";

/** The dtypes the elementwise table lists, in the order cases are generated. */
export const DTYPE_ORDER: readonly DType[] = ["float32", "int32", "bool", "float64"];

/** `dtypes` in the kit's order. */
export function ordered(dtypes: readonly DType[]): DType[] {
  return DTYPE_ORDER.filter((d) => dtypes.includes(d));
}

export const FLOATS: readonly DType[] = ["float32", "float64"];
export const NUMERIC: readonly DType[] = ["float32", "int32", "float64"];
export const ALL: readonly DType[] = ["float32", "int32", "bool", "float64"];

/** A label for a shape in a case name: "scalar []", "empty [0, 3]", "large [64, 33]" or just "[3, 5]". */
export function shapeLabel(shape: readonly number[], large = 1000): string {
  const text = `[${shape.join(", ")}]`;
  if (shape.length === 0) return `scalar ${text}`;
  const size = shape.reduce((n, d) => n * d, 1);
  if (size === 0) return `empty ${text}`;
  if (size >= large) return `large ${text}`;
  return text;
}

/** Values of `dtype` in a general range: floats in [-5, 5), int32 in [-1000, 1000], bool 0/1. */
export function general(rng: Rng, count: number, dtype: DType): number[] {
  return dtype === "int32" ? rng.range(count, dtype, -1000, 1000) : rng.range(count, dtype);
}
