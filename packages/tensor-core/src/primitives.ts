import type { DType } from "./dtype.js";

/**
 * The elementwise primitives, declared once. Each entry is everything Neurite knows about an op, and every
 * consumer reads it from here: the op layer checks dtypes against `dtypes` and `result`; backend-cpu (and
 * its program evaluator) computes `fn` / `intFn`; the conformance kit compares every backend with `fn`,
 * drawing inputs from `domain` and comparing within the `tolerance` class; the docs print `doc`. Renderings
 * for compiled backends (WGSL in backend-webgpu, Wasm in backend-cpu) and gradient rules (autograd) are keyed
 * by the same names, each typed as a total record over `UnaryOp` / `BinaryOp` or checked by a test that
 * enumerates this table, so an op added here and forgotten there fails a build or a test.
 */
export interface ElementwiseInfo<F> {
  readonly dtypes: readonly DType[];
  readonly result: "same" | "bool";
  /** Meaning on float64 values (and on float32 values before rounding). */
  readonly fn: F;
  /** Meaning on int32 values when it differs from `fn` followed by truncation to 32 bits. */
  readonly intFn?: F;
  /**
   * Where the conformance kit draws float inputs, one range per operand: `[lo, hi)`; `signed` draws the
   * magnitude from the range and a random sign (a divisor away from 0); `halves` makes half the values exact
   * halves and integers (ties for round, fixed points of floor); `ties` draws small integers so that
   * comparisons and maximum/minimum see equal operands. int32 and bool inputs are drawn from their own ranges.
   */
  readonly domain: readonly Domain[];
  /** "exact" when a float32 result must be the correctly rounded one; "transcendental" for library functions. */
  readonly tolerance: "exact" | "transcendental";
  /** One line for the docs' capability matrix. */
  readonly doc: string;
}

/** A range of input values the conformance kit samples for one operand of an op. */
export interface Domain {
  readonly lo: number;
  readonly hi: number;
  readonly signed?: boolean;
  readonly halves?: boolean;
  readonly ties?: boolean;
}

const FLOATS: readonly DType[] = ["float32", "float64"];
const NUMERIC: readonly DType[] = ["float32", "float64", "int32"];
const ALL: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** Rounds half to even, as NumPy and WGSL do (Math.round rounds half up). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const GENERAL: readonly Domain[] = [{ lo: -5, hi: 5 }];
const WIDE: readonly Domain[] = [{ lo: -10, hi: 10 }];
const STEPS: readonly Domain[] = [{ lo: -10, hi: 10, halves: true }];
const PAIR: readonly Domain[] = [
  { lo: -5, hi: 5 },
  { lo: -5, hi: 5 },
];
const TIES: readonly Domain[] = [
  { lo: -3, hi: 3, ties: true },
  { lo: -3, hi: 3, ties: true },
];

/** The unary primitives: for each, the dtypes it accepts, its result dtype, its exact meaning on numbers, its test domain and tolerance class, and its docs line. */
export const unaryOps = {
  neg: { dtypes: NUMERIC, result: "same", fn: (x: number) => -x, domain: GENERAL, tolerance: "exact", doc: "−x" },
  abs: { dtypes: NUMERIC, result: "same", fn: Math.abs, domain: GENERAL, tolerance: "exact", doc: "|x|" },
  sign: { dtypes: NUMERIC, result: "same", fn: (x: number) => (x > 0 ? 1 : x < 0 ? -1 : x), domain: STEPS, tolerance: "exact", doc: "−1, 0 or 1 (±0 and NaN unchanged)" },
  exp: { dtypes: FLOATS, result: "same", fn: Math.exp, domain: WIDE, tolerance: "transcendental", doc: "eˣ" },
  expm1: { dtypes: FLOATS, result: "same", fn: Math.expm1, domain: WIDE, tolerance: "transcendental", doc: "eˣ − 1, accurate near 0" },
  log: { dtypes: FLOATS, result: "same", fn: Math.log, domain: [{ lo: 0.01, hi: 10 }], tolerance: "transcendental", doc: "natural logarithm" },
  log1p: { dtypes: FLOATS, result: "same", fn: Math.log1p, domain: [{ lo: -0.9, hi: 10 }], tolerance: "transcendental", doc: "ln(1 + x), accurate near 0" },
  sqrt: { dtypes: FLOATS, result: "same", fn: Math.sqrt, domain: [{ lo: 0.01, hi: 10 }], tolerance: "transcendental", doc: "√x" },
  sin: { dtypes: FLOATS, result: "same", fn: Math.sin, domain: WIDE, tolerance: "transcendental", doc: "sine" },
  cos: { dtypes: FLOATS, result: "same", fn: Math.cos, domain: WIDE, tolerance: "transcendental", doc: "cosine" },
  tanh: { dtypes: FLOATS, result: "same", fn: Math.tanh, domain: GENERAL, tolerance: "transcendental", doc: "hyperbolic tangent" },
  floor: { dtypes: FLOATS, result: "same", fn: Math.floor, domain: STEPS, tolerance: "exact", doc: "round toward −∞" },
  ceil: { dtypes: FLOATS, result: "same", fn: Math.ceil, domain: STEPS, tolerance: "exact", doc: "round toward +∞" },
  round: { dtypes: FLOATS, result: "same", fn: roundHalfEven, domain: STEPS, tolerance: "exact", doc: "round half to even" },
  logicalNot: { dtypes: ["bool"], result: "same", fn: (x: number) => (x === 0 ? 1 : 0), domain: GENERAL, tolerance: "exact", doc: "not x" },
  isNaN: { dtypes: FLOATS, result: "bool", fn: (x: number) => (Number.isNaN(x) ? 1 : 0), domain: GENERAL, tolerance: "exact", doc: "true where x is NaN" },
} as const satisfies Record<string, ElementwiseInfo<(x: number) => number>>;

/** The name of a unary primitive (a key of `unaryOps`). */
export type UnaryOp = keyof typeof unaryOps;

type Binary = (a: number, b: number) => number;
const compare = (fn: Binary, doc: string) => ({ dtypes: NUMERIC, result: "bool", fn, domain: TIES, tolerance: "exact", doc }) as const;

/** The binary primitives: for each, the dtypes it accepts, its result dtype, its exact meaning on numbers, its test domain and tolerance class, and its docs line. */
export const binaryOps = {
  add: { dtypes: NUMERIC, result: "same", fn: (a: number, b: number) => a + b, domain: PAIR, tolerance: "exact", doc: "a + b" },
  sub: { dtypes: NUMERIC, result: "same", fn: (a: number, b: number) => a - b, domain: PAIR, tolerance: "exact", doc: "a − b" },
  mul: { dtypes: NUMERIC, result: "same", fn: (a: number, b: number) => a * b, intFn: Math.imul, domain: PAIR, tolerance: "exact", doc: "a · b (int32 keeps the low 32 bits)" },
  div: {
    dtypes: FLOATS,
    result: "same",
    fn: (a: number, b: number) => a / b,
    domain: [
      { lo: -5, hi: 5 },
      { lo: 0.5, hi: 5, signed: true },
    ],
    tolerance: "exact",
    doc: "a / b (IEEE: ±∞ for a non-zero a over 0)",
  },
  pow: {
    dtypes: FLOATS,
    result: "same",
    fn: Math.pow,
    domain: [
      { lo: 0.1, hi: 4 },
      { lo: -3, hi: 3 },
    ],
    tolerance: "transcendental",
    doc: "aᵇ, as Math.pow",
  },
  maximum: { dtypes: NUMERIC, result: "same", fn: Math.max, domain: TIES, tolerance: "exact", doc: "the larger of a and b (NaN wins)" },
  minimum: { dtypes: NUMERIC, result: "same", fn: Math.min, domain: TIES, tolerance: "exact", doc: "the smaller of a and b (NaN wins)" },
  equal: { ...compare((a, b) => (a === b ? 1 : 0), "a = b"), dtypes: ALL },
  notEqual: { ...compare((a, b) => (a !== b ? 1 : 0), "a ≠ b (true for NaN)"), dtypes: ALL },
  less: compare((a, b) => (a < b ? 1 : 0), "a < b"),
  lessEqual: compare((a, b) => (a <= b ? 1 : 0), "a ≤ b"),
  greater: compare((a, b) => (a > b ? 1 : 0), "a > b"),
  greaterEqual: compare((a, b) => (a >= b ? 1 : 0), "a ≥ b"),
  logicalAnd: { dtypes: ["bool"], result: "same", fn: (a: number, b: number) => (a !== 0 && b !== 0 ? 1 : 0), domain: TIES, tolerance: "exact", doc: "a and b" },
  logicalOr: { dtypes: ["bool"], result: "same", fn: (a: number, b: number) => (a !== 0 || b !== 0 ? 1 : 0), domain: TIES, tolerance: "exact", doc: "a or b" },
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
