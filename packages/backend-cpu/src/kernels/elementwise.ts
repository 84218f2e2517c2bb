import { allocate, binaryOps, broadcastStrides, castValue, sizeOf, stridesOf, unaryOps, type BinaryOp, type DType, type OutputSpec, type TypedArray, type UnaryOp } from "@neurite/tensor-core";
import { forEachRow } from "./strided.js";
import type { Input } from "./types.js";

/**
 * Elementwise kernels. The meaning of each op is the float64 reference function of tensor-core's table, so
 * this backend cannot drift from the definition the conformance kit checks. The dtype semantics come from the
 * storage itself: an Int32Array store wraps to 32 bits (the `| 0` truncation), a Float32Array store rounds
 * to float32, a Uint8Array holds the 0/1 of bool results.
 */

/** The table's entries seen through the one shape the kernels need (the table is `as const`). */
interface Elementwise<F> {
  readonly fn: F;
  readonly intFn?: F;
}

type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;

/** The function that gives `dtype`'s meaning: `intFn` where int32 differs from `fn` plus truncation. */
function pick<F>(info: Elementwise<F>, dtype: DType): F {
  return dtype === "int32" && info.intFn !== undefined ? info.intFn : info.fn;
}

export function unary(op: UnaryOp, x: Input, out: OutputSpec): TypedArray {
  const info: Elementwise<Unary> = unaryOps[op];
  const fn = pick(info, x.dtype);
  const src = x.values;
  const n = sizeOf(out.shape);
  const dst = allocate(out.dtype, n);
  for (let i = 0; i < n; i++) dst[i] = fn(src[i]!);
  return dst;
}

// Hand-written loops for the ops that dominate training (the table's `fn` is called through a megamorphic
// call site otherwise, several times slower per element).
const ADD = 1;
const SUB = 2;
const MUL = 3;
const DIV = 4;
const IMUL = 5;
const MAX = 6;
const MIN = 7;

function fastKind(op: BinaryOp, dtype: DType): number {
  switch (op) {
    case "add":
      return ADD;
    case "sub":
      return SUB;
    case "mul":
      return dtype === "int32" ? IMUL : MUL;
    case "div":
      return DIV;
    case "maximum":
      return MAX;
    case "minimum":
      return MIN;
    default:
      return 0;
  }
}

export function binary(op: BinaryOp, a: Input, b: Input, out: OutputSpec): TypedArray {
  const info: Elementwise<Binary> = binaryOps[op];
  const fn = pick(info, a.dtype);
  const kind = fastKind(op, a.dtype);
  const av = a.values;
  const bv = b.values;
  const dst = allocate(out.dtype, sizeOf(out.shape));
  const strides = [broadcastStrides(a.shape, out.shape), broadcastStrides(b.shape, out.shape), stridesOf(out.shape)];
  // The output is contiguous, so each row is written with o++ (after collapsing, its row stride is 1).
  forEachRow(out.shape, strides, [0, 0, 0], (pos, step, length) => {
    let ia = pos[0]!;
    let ib = pos[1]!;
    let o = pos[2]!;
    const sa = step[0]!;
    const sb = step[1]!;
    const end = o + length;
    switch (kind) {
      case ADD:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = av[ia]! + bv[ib]!;
        return;
      case SUB:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = av[ia]! - bv[ib]!;
        return;
      case MUL:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = av[ia]! * bv[ib]!;
        return;
      case DIV:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = av[ia]! / bv[ib]!;
        return;
      case IMUL:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = Math.imul(av[ia]!, bv[ib]!);
        return;
      case MAX:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = Math.max(av[ia]!, bv[ib]!);
        return;
      case MIN:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = Math.min(av[ia]!, bv[ib]!);
        return;
      default:
        for (; o < end; o++, ia += sa, ib += sb) dst[o] = fn(av[ia]!, bv[ib]!);
    }
  });
  return dst;
}

export function where(condition: Input, a: Input, b: Input, out: OutputSpec): TypedArray {
  const cv = condition.values;
  const av = a.values;
  const bv = b.values;
  const dst = allocate(out.dtype, sizeOf(out.shape));
  const strides = [
    broadcastStrides(condition.shape, out.shape),
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
    stridesOf(out.shape),
  ];
  forEachRow(out.shape, strides, [0, 0, 0, 0], (pos, step, length) => {
    let ic = pos[0]!;
    let ia = pos[1]!;
    let ib = pos[2]!;
    let o = pos[3]!;
    const sc = step[0]!;
    const sa = step[1]!;
    const sb = step[2]!;
    const end = o + length;
    for (; o < end; o++, ic += sc, ia += sa, ib += sb) dst[o] = cv[ic] !== 0 ? av[ia]! : bv[ib]!;
  });
  return dst;
}


export function fill(value: number, out: OutputSpec): TypedArray {
  const dst = allocate(out.dtype, sizeOf(out.shape));
  dst.fill(castValue(value, out.dtype));
  return dst;
}

export function cast(x: Input, out: OutputSpec): TypedArray {
  const src = x.values;
  const n = src.length;
  const dst = allocate(out.dtype, n);
  if (out.dtype === "bool") {
    for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  } else {
    // A typed-array copy converts exactly as the contract asks: ToInt32 truncates toward zero and maps NaN
    // to 0, a Float32Array store rounds, and bool's 0/1 bytes read as numbers.
    dst.set(src);
  }
  return dst;
}
