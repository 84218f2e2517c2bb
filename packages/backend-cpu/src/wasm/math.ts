import { SIMD, type FunctionBuilder } from "./emitter.js";

/**
 * Vector math that WebAssembly lacks as instructions, emitted inline: eˣ and the activations built on it.
 * Each helper reads its operand from a v128 local and leaves the result on the stack.
 */

/** Pushes a v128 with every f32 lane `value` (built once per function: see `FunctionBuilder.splat`). */
export function splat(f: FunctionBuilder, value: number): FunctionBuilder {
  return f.splat(value);
}

/**
 * eˣ on four lanes, after Cephes' expf: x = n·ln 2 + r with |r| ≤ ln2 / 2, eʳ by a degree-6 polynomial, 2ⁿ
 * as 2^⌊n/2⌋ · 2^⌈n/2⌉ built from exponent bits (both halves normal, so results below 2⁻¹²⁶ come out
 * subnormal, rounded once). About 1 ulp in float32. x is first clamped to [−104, 88.8], where the result has
 * already rounded to 0 or overflowed to +∞, so both ends (±∞ too) come out of the arithmetic itself; NaN
 * stays NaN (pmin/pmax with x first keep it). `t` must be three scratch v128 locals.
 *
 * Written for x86, where each instruction here is one or two machine instructions: pmin/pmax rather than
 * min/max (which need NaN and −0 fix-ups), and n rounded by adding 1.5·2²³ rather than by nearest + trunc_sat.
 *
 * `beforeAdding`: the caller only adds the result to a constant of magnitude ≥ 2⁻⁹⁰ (the 1 of σ and tanh), to
 * which anything below 2⁻¹²⁴ adds nothing. Then x is clamped at −86 instead and 2ⁿ built in one step, as
 * 2ⁿ⁻¹ · 2 (n ≥ −124 there, so 2ⁿ⁻¹ is normal and both products are exact, or overflow exactly where eˣ
 * does), from y's bits without first taking n out of them: five instructions fewer, and the same sums bit for bit.
 */
export function emitExp(f: FunctionBuilder, x: number, t: readonly [number, number, number], beforeAdding = false): void {
  const [xc, fx, y] = t;
  const MAGIC = 12582912; // 1.5·2²³: adding it rounds to an integer, which lands in the low mantissa bits
  // xc = clamp(x)
  f.get(x);
  splat(f, beforeAdding ? -86 : -104).simd(SIMD.f32x4_pmax);
  splat(f, 88.8).simd(SIMD.f32x4_pmin).set(xc).mark();
  // y = xc·log2 e + MAGIC; fx = y − MAGIC = n as a float
  f.get(xc);
  splat(f, Math.LOG2E).simd(SIMD.f32x4_mul);
  splat(f, MAGIC).simd(SIMD.f32x4_add).tee(y);
  splat(f, MAGIC).simd(SIMD.f32x4_sub).set(fx).mark();
  // r = xc − fx·C1 − fx·C2 (ln 2 split in two so fx·C1 is exact)
  f.get(xc).get(fx);
  splat(f, 0.693359375).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_sub).get(fx);
  splat(f, -2.12194440e-4).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_sub).set(xc).mark();
  // n = bits(y) − bits(MAGIC), as i32 lanes, into fx (the cheaper form shifts y's bits directly: see below)
  if (!beforeAdding) {
    f.get(y);
    splat(f, MAGIC).simd(SIMD.i32x4_sub).set(fx).mark();
  }
  // y = P(r)·r² + r + 1
  splat(f, 1.9875691500e-4);
  for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
    f.get(xc).simd(SIMD.f32x4_mul);
    splat(f, c).simd(SIMD.f32x4_add);
  }
  f.get(xc).simd(SIMD.f32x4_mul).get(xc).simd(SIMD.f32x4_mul).get(xc).simd(SIMD.f32x4_add);
  splat(f, 1).simd(SIMD.f32x4_add);
  if (beforeAdding) {
    // · 2^(n − 1) · 2, with 2^(n − 1) = (bits(y) + 126) << 23: bits(y) is bits(MAGIC) + n, and the bits of
    // MAGIC that the shift keeps are all zero
    f.get(y);
    splatI32(f, 126).simd(SIMD.i32x4_add).i32(23).simd(SIMD.i32x4_shl).simd(SIMD.f32x4_mul).tee(xc).get(xc).simd(SIMD.f32x4_add);
    return;
  }
  // · 2^(n >> 1) · 2^(n − (n >> 1))
  f.get(fx).i32(1).simd(SIMD.i32x4_shr_s).tee(xc);
  splatI32(f, 127).simd(SIMD.i32x4_add).i32(23).simd(SIMD.i32x4_shl).simd(SIMD.f32x4_mul);
  f.get(fx).get(xc).simd(SIMD.i32x4_sub);
  splatI32(f, 127).simd(SIMD.i32x4_add).i32(23).simd(SIMD.i32x4_shl).simd(SIMD.f32x4_mul);
}

export type VectorActivation = "linear" | "relu" | "sigmoid" | "tanh";

/**
 * An activation of the v128 in local `x`, left on the stack. sigmoid is 1 / (1 + e⁻ˣ) and tanh is
 * 1 − 2 / (e²ˣ + 1): both saturate correctly at ±∞. `t` must be four scratch v128 locals.
 */
export function emitActivation(f: FunctionBuilder, activation: VectorActivation, x: number, t: readonly [number, number, number, number]): void {
  const [u, ...rest] = t;
  switch (activation) {
    case "linear":
      f.get(x);
      return;
    case "relu":
      // max(x, 0) as Math.max: NaN stays NaN, −0 becomes +0.
      f.get(x);
      splat(f, 0).simd(SIMD.f32x4_max);
      return;
    case "sigmoid":
      f.get(x).simd(SIMD.f32x4_neg).set(u).mark();
      emitExp(f, u, rest, true);
      f.set(u).mark();
      splat(f, 1).get(u);
      splat(f, 1).simd(SIMD.f32x4_add).simd(SIMD.f32x4_div);
      return;
    case "tanh":
      f.get(x).get(x).simd(SIMD.f32x4_add).set(u).mark();
      emitExp(f, u, rest, true);
      f.set(u).mark();
      splat(f, 1);
      splat(f, 2).get(u);
      splat(f, 1).simd(SIMD.f32x4_add).simd(SIMD.f32x4_div).simd(SIMD.f32x4_sub);
      return;
  }
}

/** Pushes a v128 with every i32 lane `value`. */
export function splatI32(f: FunctionBuilder, value: number): FunctionBuilder {
  return f.splat(value, "i32");
}

/** The smallest normal float32, 2⁻¹²⁶. */
const MIN_NORMAL = 1.1754943508222875e-38;

/**
 * ln x on four lanes, after Cephes' logf: x = m·2ᵉ with m in [√½, √2), ln m = (m − 1) − (m − 1)²/2 + a
 * degree-8 polynomial, plus e·ln 2 in two parts. About 1 ulp in float32. Subnormal inputs are scaled by 2²³
 * first, so their exponent is right; 0 gives −∞ (−0 too), +∞ gives +∞, negatives and NaN give NaN.
 * `t` must be three scratch v128 locals other than `x`.
 */
export function emitLog(f: FunctionBuilder, x: number, t: readonly [number, number, number]): void {
  const [m, e, z] = t;
  // m = x scaled into the normal range where it is subnormal
  f.get(x);
  splat(f, 2 ** 23).simd(SIMD.f32x4_mul).get(x).get(x);
  splat(f, MIN_NORMAL).simd(SIMD.f32x4_lt).simd(SIMD.v128_bitselect).set(m).mark();
  // e = (exponent field − 126), minus 23 where the input was scaled
  f.get(m).i32(23).simd(SIMD.i32x4_shr_u);
  splatI32(f, 126).simd(SIMD.i32x4_sub).simd(SIMD.f32x4_convert_i32x4_s);
  f.get(x);
  splat(f, MIN_NORMAL).simd(SIMD.f32x4_lt);
  splat(f, 23).simd(SIMD.v128_and).simd(SIMD.f32x4_sub).set(e).mark();
  // m = mantissa in [0.5, 1)
  f.get(m);
  splatI32(f, 0x007fffff).simd(SIMD.v128_and);
  splatI32(f, 0x3f000000).simd(SIMD.v128_or).set(m).mark();
  // below √½: e −= 1 and m = 2m − 1; otherwise m = m − 1
  f.get(m);
  splat(f, Math.SQRT1_2).simd(SIMD.f32x4_lt).set(z).mark();
  f.get(e).get(z);
  splat(f, 1).simd(SIMD.v128_and).simd(SIMD.f32x4_sub).set(e).mark();
  f.get(m).get(m).get(z).simd(SIMD.v128_and).simd(SIMD.f32x4_add);
  splat(f, 1).simd(SIMD.f32x4_sub).set(m).mark();
  // y = m·z·P(m), z = m²
  f.get(m).get(m).simd(SIMD.f32x4_mul).set(z).mark();
  splat(f, 7.0376836292e-2);
  for (const c of [-1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1]) {
    f.get(m).simd(SIMD.f32x4_mul);
    splat(f, c).simd(SIMD.f32x4_add);
  }
  f.get(m).simd(SIMD.f32x4_mul).get(z).simd(SIMD.f32x4_mul);
  // y += e·(−2.12194440e−4) − z/2;  ln x = m + y + e·0.693359375
  f.get(e);
  splat(f, -2.1219444e-4).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_add).get(z);
  splat(f, -0.5).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_add).get(m).simd(SIMD.f32x4_add).get(e);
  splat(f, 0.693359375).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_add).set(z).mark();
  // ±0 → −∞, +∞ → +∞, negative or NaN → NaN
  splat(f, -Infinity).get(z).get(x);
  splat(f, 0).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect).set(z).mark();
  splat(f, Infinity).get(z).get(x);
  splat(f, Infinity).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect).set(z).mark();
  f.get(z);
  splat(f, Number.NaN).get(x);
  splat(f, 0).simd(SIMD.f32x4_ge).simd(SIMD.v128_bitselect);
}

/**
 * ln(1 + x) on four lanes, accurate near 0: with u = 1 + x rounded, ln u · x / (u − 1) cancels the rounding
 * of u (Goldberg's trick); x where u is exactly 1, +∞ at +∞. `t` must be five scratch v128 locals.
 */
export function emitLog1p(f: FunctionBuilder, x: number, t: readonly [number, number, number, number, number]): void {
  const [u, l, ...rest] = t;
  f.get(x);
  splat(f, 1).simd(SIMD.f32x4_add).set(u).mark();
  emitLog(f, u, rest);
  f.set(l).mark();
  f.get(x).get(l).get(x).get(u);
  splat(f, 1).simd(SIMD.f32x4_sub).simd(SIMD.f32x4_div).simd(SIMD.f32x4_mul);
  f.get(u);
  splat(f, 1).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect).set(l).mark();
  f.get(x).get(l).get(x);
  splat(f, Infinity).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect);
}

/**
 * eˣ − 1 on four lanes, accurate near 0: with u = eˣ rounded, (u − 1) · x / ln u (Kahan's trick); x where u
 * is exactly 1, −1 where u − 1 is, +∞ where u is. `t` must be five scratch v128 locals.
 */
export function emitExpm1(f: FunctionBuilder, x: number, t: readonly [number, number, number, number, number]): void {
  const [u, d, ...rest] = t;
  emitExp(f, x, rest);
  f.set(u).mark();
  f.get(u);
  splat(f, 1).simd(SIMD.f32x4_sub).set(d).mark();
  // d·(x / ln u), then the special lanes
  emitLog(f, u, rest);
  f.set(rest[0]).mark();
  f.get(d).get(x).get(rest[0]).simd(SIMD.f32x4_div).simd(SIMD.f32x4_mul).set(rest[0]).mark();
  f.get(x).get(rest[0]).get(u);
  splat(f, 1).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect).set(rest[0]).mark();
  splat(f, -1).get(rest[0]).get(d);
  splat(f, -1).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect).set(rest[0]).mark();
  splat(f, Infinity).get(rest[0]).get(u);
  splat(f, Infinity).simd(SIMD.f32x4_eq).simd(SIMD.v128_bitselect);
}

/**
 * tanh on four lanes, after Cephes' tanhf: an odd polynomial for |x| ≤ 0.625, 1 − 2/(e²ˣ + 1) above, and the
 * sign of x copied onto the result (so −0 stays −0 and ±∞ give ±1). `t` must be five scratch v128 locals.
 */
export function emitTanh(f: FunctionBuilder, x: number, t: readonly [number, number, number, number, number]): void {
  const [ax, big, ...rest] = t;
  f.get(x).simd(SIMD.f32x4_abs).set(ax).mark();
  // 1 − 2/(e^(2|x|) + 1)
  f.get(ax).get(ax).simd(SIMD.f32x4_add).set(big).mark();
  emitExp(f, big, rest, true);
  f.set(big).mark();
  splat(f, 1);
  splat(f, 2).get(big);
  splat(f, 1).simd(SIMD.f32x4_add).simd(SIMD.f32x4_div).simd(SIMD.f32x4_sub).set(big).mark();
  // x + x·z·P(z), z = x²
  const z = rest[0];
  f.get(x).get(x).simd(SIMD.f32x4_mul).set(z).mark();
  splat(f, -5.70498872745e-3);
  for (const c of [2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]) {
    f.get(z).simd(SIMD.f32x4_mul);
    splat(f, c).simd(SIMD.f32x4_add);
  }
  f.get(z).simd(SIMD.f32x4_mul).get(x).simd(SIMD.f32x4_mul).get(x).simd(SIMD.f32x4_add).set(z).mark();
  f.get(big).get(z).get(ax);
  splat(f, 0.625).simd(SIMD.f32x4_gt).simd(SIMD.v128_bitselect).set(z).mark();
  // copysign(result, x)
  f.get(x).get(z);
  splatI32(f, 0x80000000).simd(SIMD.v128_bitselect);
}
