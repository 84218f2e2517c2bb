import type { DType } from "./dtype.js";

/**
 * The elementwise primitives, declared once. Each entry is everything Neurite knows about an op, and every
 * consumer reads it from here: the op layer checks dtypes against `dtypes` and `result`; backend-cpu (and
 * its program evaluator) computes `fn` / `intFn`; the conformance kit compares every backend with `fn`.
 * Only what runs is here (a browser bundle carries this table): the kit's input domains and tolerance
 * classes, renderings for compiled backends (WGSL in backend-webgpu, Wasm in backend-cpu), gradient rules
 * (autograd) and the docs' one-line meanings are keyed by the same names, each typed as a total record over `UnaryOp` / `BinaryOp` or checked by a test that
 * enumerates this table, so an op added here and forgotten there fails a build or a test.
 */
export interface ElementwiseInfo<F> {
  readonly dtypes: readonly DType[];
  readonly result: "same" | "bool";
  /** Meaning on float64 values (and on float32 values before rounding). */
  readonly fn: F;
  /** Meaning on int32 values when it differs from `fn` followed by truncation to 32 bits. */
  readonly intFn?: F;
}

const FLOATS: readonly DType[] = ["float32", "float64"];
const NUMERIC: readonly DType[] = ["float32", "float64", "int32"];
const ALL: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** Rounds half to even, as NumPy and WGSL do (Math.round rounds half up). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The unary primitives: for each, the dtypes it accepts, its result dtype, and its exact meaning on numbers. */
export const unaryOps = {
  neg: { dtypes: NUMERIC, result: "same", fn: (x: number) => -x },
  abs: { dtypes: NUMERIC, result: "same", fn: Math.abs },
  sign: { dtypes: NUMERIC, result: "same", fn: (x: number) => (x > 0 ? 1 : x < 0 ? -1 : x) },
  exp: { dtypes: FLOATS, result: "same", fn: Math.exp },
  expm1: { dtypes: FLOATS, result: "same", fn: Math.expm1 },
  log: { dtypes: FLOATS, result: "same", fn: Math.log },
  log1p: { dtypes: FLOATS, result: "same", fn: Math.log1p },
  sqrt: { dtypes: FLOATS, result: "same", fn: Math.sqrt },
  sin: { dtypes: FLOATS, result: "same", fn: Math.sin },
  cos: { dtypes: FLOATS, result: "same", fn: Math.cos },
  tanh: { dtypes: FLOATS, result: "same", fn: Math.tanh },
  floor: { dtypes: FLOATS, result: "same", fn: Math.floor },
  ceil: { dtypes: FLOATS, result: "same", fn: Math.ceil },
  round: { dtypes: FLOATS, result: "same", fn: roundHalfEven },
  logicalNot: { dtypes: ["bool"], result: "same", fn: (x: number) => (x === 0 ? 1 : 0) },
  isNaN: { dtypes: FLOATS, result: "bool", fn: (x: number) => (Number.isNaN(x) ? 1 : 0) },
} as const satisfies Record<string, ElementwiseInfo<(x: number) => number>>;

/** The name of a unary primitive (a key of `unaryOps`). */
export type UnaryOp = keyof typeof unaryOps;

type Binary = (a: number, b: number) => number;
const compare = (fn: Binary) => ({ dtypes: NUMERIC, result: "bool", fn }) as const;

/** The binary primitives: for each, the dtypes it accepts, its result dtype, and its exact meaning on numbers. */
export const binaryOps = {
  add: { dtypes: NUMERIC, result: "same", fn: (a: number, b: number) => a + b },
  sub: { dtypes: NUMERIC, result: "same", fn: (a: number, b: number) => a - b },
  mul: { dtypes: NUMERIC, result: "same", fn: (a: number, b: number) => a * b, intFn: Math.imul },
  div: {
    dtypes: FLOATS,
    result: "same",
    fn: (a: number, b: number) => a / b,
  },
  pow: {
    dtypes: FLOATS,
    result: "same",
    fn: Math.pow,
  },
  maximum: { dtypes: NUMERIC, result: "same", fn: Math.max },
  minimum: { dtypes: NUMERIC, result: "same", fn: Math.min },
  equal: { ...compare((a, b) => (a === b ? 1 : 0)), dtypes: ALL },
  notEqual: { ...compare((a, b) => (a !== b ? 1 : 0)), dtypes: ALL },
  less: compare((a, b) => (a < b ? 1 : 0)),
  lessEqual: compare((a, b) => (a <= b ? 1 : 0)),
  greater: compare((a, b) => (a > b ? 1 : 0)),
  greaterEqual: compare((a, b) => (a >= b ? 1 : 0)),
  logicalAnd: { dtypes: ["bool"], result: "same", fn: (a: number, b: number) => (a !== 0 && b !== 0 ? 1 : 0) },
  logicalOr: { dtypes: ["bool"], result: "same", fn: (a: number, b: number) => (a !== 0 || b !== 0 ? 1 : 0) },
} as const satisfies Record<string, ElementwiseInfo<Binary>>;

/** The name of a binary primitive (a key of `binaryOps`). */
export type BinaryOp = keyof typeof binaryOps;

/**
 * Reductions. `sum` and `prod` of int32 wrap to 32 bits; `max` and `min` also accept bool (any / all).
 * The reduction of zero elements is the identity: 0, 1, -Infinity, +Infinity (int32: its min / max value).
 * NaN propagates: `max` and `min` of values that include NaN are NaN (as `maximum` / `minimum` are, following
 * Math.max and NumPy).
 */
export const reduceOps = {
  sum: { dtypes: NUMERIC, identity: 0 },
  prod: { dtypes: NUMERIC, identity: 1 },
  max: { dtypes: ALL, identity: -Infinity },
  min: { dtypes: ALL, identity: Infinity },
} as const satisfies Record<string, { dtypes: readonly DType[]; identity: number }>;

/** The name of a reduction primitive (a key of `reduceOps`). */
export type ReduceOp = keyof typeof reduceOps;

/**
 * Arg-reductions return the int32 index of the first extreme value along one axis (a NaN counts as the
 * extreme, so the index of the first NaN is returned when there is one). The axis is never empty.
 */
export const argReduceOps = {
  argmax: { dtypes: NUMERIC },
  argmin: { dtypes: NUMERIC },
} as const satisfies Record<string, { dtypes: readonly DType[] }>;

/** The name of an arg-reduction primitive (`argmax`, `argmin`). */
export type ArgReduceOp = keyof typeof argReduceOps;

/** Value a reduction of zero elements gives in `dtype`. */
export function reduceIdentity(op: ReduceOp, dtype: DType): number {
  const identity = reduceOps[op].identity;
  if (dtype === "int32" && !Number.isFinite(identity)) return identity > 0 ? 2147483647 : -2147483648;
  if (dtype === "bool" && !Number.isFinite(identity)) return identity > 0 ? 1 : 0;
  return identity;
}
