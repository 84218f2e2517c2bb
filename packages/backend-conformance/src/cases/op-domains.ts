import type { BinaryOp, UnaryOp } from "@neurite/tensor-core";
import type { ToleranceKind } from "../tolerance.js";

/**
 * Where the kit draws float inputs for each elementwise primitive, and how closely a float32 result must
 * match. They are the kit's business, so they live here rather than in tensor-core's op table (which a
 * browser bundle carries); each table is a total record over tensor-core's op names, so an op added there and
 * forgotten here fails this package's build.
 */

/**
 * A range of input values for one operand: `[lo, hi)`; `signed` draws the magnitude from the range and a
 * random sign (a divisor away from 0); `halves` makes half the values exact halves and integers (ties for
 * round, fixed points of floor); `ties` draws small integers so that comparisons and maximum/minimum see
 * equal operands. int32 and bool inputs are drawn from their own ranges.
 */
export interface Domain {
  readonly lo: number;
  readonly hi: number;
  readonly signed?: boolean;
  readonly halves?: boolean;
  readonly ties?: boolean;
}

/** How the kit tests one op: a domain per operand, and "exact" (correctly rounded) or "transcendental". */
export interface OpSampling {
  readonly domain: readonly Domain[];
  readonly tolerance: Extract<ToleranceKind, "exact" | "transcendental">;
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

const exact = (domain: readonly Domain[]): OpSampling => ({ domain, tolerance: "exact" });
const transcendental = (domain: readonly Domain[]): OpSampling => ({ domain, tolerance: "transcendental" });

export const unarySampling: Readonly<Record<UnaryOp, OpSampling>> = {
  neg: exact(GENERAL),
  abs: exact(GENERAL),
  sign: exact(STEPS),
  exp: transcendental(WIDE),
  expm1: transcendental(WIDE),
  log: transcendental([{ lo: 0.01, hi: 10 }]),
  log1p: transcendental([{ lo: -0.9, hi: 10 }]),
  sqrt: transcendental([{ lo: 0.01, hi: 10 }]),
  sin: transcendental(WIDE),
  cos: transcendental(WIDE),
  tanh: transcendental(GENERAL),
  floor: exact(STEPS),
  ceil: exact(STEPS),
  round: exact(STEPS),
  logicalNot: exact(GENERAL),
  isNaN: exact(GENERAL),
};

export const binarySampling: Readonly<Record<BinaryOp, OpSampling>> = {
  add: exact(PAIR),
  sub: exact(PAIR),
  mul: exact(PAIR),
  div: exact([
    { lo: -5, hi: 5 },
    { lo: 0.5, hi: 5, signed: true },
  ]),
  pow: transcendental([
    { lo: 0.1, hi: 4 },
    { lo: -3, hi: 3 },
  ]),
  maximum: exact(TIES),
  minimum: exact(TIES),
  equal: exact(TIES),
  notEqual: exact(TIES),
  less: exact(TIES),
  lessEqual: exact(TIES),
  greater: exact(TIES),
  greaterEqual: exact(TIES),
  logicalAnd: exact(TIES),
  logicalOr: exact(TIES),
};
