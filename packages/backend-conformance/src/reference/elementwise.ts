import { binaryOps, unaryOps, type BinaryOp, type DType, type UnaryOp } from "@neurite/tensor-core";
import { broadcastRead, broadcastShape, forEachIndex, numel, store, type NdArray } from "./nd.js";

/*
 * Elementwise references. The meaning of each op on one element is the float64 function of tensor-core's
 * primitive table (the single definition every backend shares); this file adds what the table leaves to the
 * store: broadcasting, int32 wrap-around (the table's `intFn` where plain truncation would be wrong, as for
 * mul), float32 rounding of the result, and 0/1 for bool.
 */

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

/** The dtype an elementwise op returns. */
export function unaryResult(op: UnaryOp, dtype: DType): DType {
  return unaryOps[op].result === "bool" ? "bool" : dtype;
}

/** The result dtype of binary `op` on `dtype` operands. */
export function binaryResult(op: BinaryOp, dtype: DType): DType {
  return binaryOps[op].result === "bool" ? "bool" : dtype;
}

/** Unary `op` computed in float64, rounded to `dtype`. */
export function unaryRef(op: UnaryOp, x: NdArray, dtype: DType): NdArray {
  const info: { fn: Fn1; intFn?: Fn1 } = unaryOps[op];
  const fn = dtype === "int32" && info.intFn !== undefined ? info.intFn : info.fn;
  const out = unaryResult(op, dtype);
  return { shape: x.shape, values: x.values.map((v) => store(fn(v), out)) };
}

/** Binary `op` with broadcasting, computed in float64, rounded to `dtype`. */
export function binaryRef(op: BinaryOp, a: NdArray, b: NdArray, dtype: DType): NdArray {
  const info: { fn: Fn2; intFn?: Fn2 } = binaryOps[op];
  const fn = dtype === "int32" && info.intFn !== undefined ? info.intFn : info.fn;
  const out = binaryResult(op, dtype);
  const shape = broadcastShape(a.shape, b.shape);
  const values = new Array<number>(numel(shape));
  forEachIndex(shape, (index, flat) => {
    values[flat] = store(fn(broadcastRead(a, index), broadcastRead(b, index)), out);
  });
  return { shape, values };
}

/** `condition ? a : b` with broadcasting. */
export function whereRef(condition: NdArray, a: NdArray, b: NdArray, dtype: DType): NdArray {
  const shape = broadcastShape(condition.shape, a.shape, b.shape);
  const values = new Array<number>(numel(shape));
  forEachIndex(shape, (index, flat) => {
    values[flat] = store(broadcastRead(condition, index) !== 0 ? broadcastRead(a, index) : broadcastRead(b, index), dtype);
  });
  return { shape, values };
}

/** The contract's conversions: to int32 truncates toward zero, to bool is "non-zero" (NaN included), float64 → float32 rounds. */
export function castRef(x: NdArray, to: DType): NdArray {
  const convert = (v: number): number => {
    switch (to) {
      case "bool":
        return v !== 0 ? 1 : 0;
      case "int32":
        return Math.trunc(v) | 0;
      case "float32":
        return Math.fround(v);
      case "float64":
        return v;
    }
  };
  return { shape: x.shape, values: x.values.map(convert) };
}
