import { SIMD, type FunctionBuilder } from "./emitter.js";

/**
 * Vector math that WebAssembly lacks as instructions, emitted inline: eˣ and the activations built on it.
 * Each helper reads its operand from a v128 local and leaves the result on the stack.
 */

/** Pushes a v128 with every f32 lane `value`. */
export function splat(f: FunctionBuilder, value: number): FunctionBuilder {
  return f.f32(value).simd(SIMD.f32x4_splat);
}

/**
 * eˣ on four lanes, after Cephes' expf: x = n·ln 2 + r with |r| ≤ ln2 / 2, eʳ by a degree-6 polynomial, 2ⁿ
 * by building the exponent bits. About 1 ulp in float32. Inputs above 88.72 give +∞, below −87.5 give 0 (the
 * true value there is under 1.2e-38), NaN stays NaN (min/max and the polynomial propagate it).
 * `t` must be three scratch v128 locals.
 */
export function emitExp(f: FunctionBuilder, x: number, t: readonly [number, number, number]): void {
  const [xc, fx, y] = t;
  // xc = clamp(x)
  f.get(x);
  splat(f, -87.5).simd(SIMD.f32x4_max);
  splat(f, 88.72283).simd(SIMD.f32x4_min).set(xc);
  // fx = nearest(xc · log2 e)
  f.get(xc);
  splat(f, Math.LOG2E).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_nearest).set(fx);
  // r = xc − fx·C1 − fx·C2 (ln 2 split in two so fx·C1 is exact)
  f.get(xc).get(fx);
  splat(f, 0.693359375).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_sub).get(fx);
  splat(f, -2.12194440e-4).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_sub).set(xc);
  // y = P(r)·r² + r + 1
  splat(f, 1.9875691500e-4);
  for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
    f.get(xc).simd(SIMD.f32x4_mul);
    splat(f, c).simd(SIMD.f32x4_add);
  }
  f.get(xc).simd(SIMD.f32x4_mul).get(xc).simd(SIMD.f32x4_mul).get(xc).simd(SIMD.f32x4_add);
  splat(f, 1).simd(SIMD.f32x4_add).set(y);
  // 2ⁿ as 2ⁿ⁻¹ · 2, so n = 128 (x near 88.72) still has a finite exponent field.
  f.get(y).get(fx).simd(SIMD.i32x4_trunc_sat_f32x4_s).i32(126).simd(SIMD.i32x4_splat).simd(SIMD.i32x4_add).i32(23).simd(SIMD.i32x4_shl);
  f.simd(SIMD.f32x4_mul);
  splat(f, 2).simd(SIMD.f32x4_mul).set(y);
  // Saturate: +∞ above the range, 0 below it.
  splat(f, Infinity).get(y).get(x);
  splat(f, 88.72283).simd(SIMD.f32x4_gt).simd(SIMD.v128_bitselect).set(y);
  splat(f, 0).get(y).get(x);
  splat(f, -87.5).simd(SIMD.f32x4_lt).simd(SIMD.v128_bitselect);
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
      f.get(x).simd(SIMD.f32x4_neg).set(u);
      splat(f, 1);
      emitExp(f, u, rest);
      splat(f, 1).simd(SIMD.f32x4_add).simd(SIMD.f32x4_div);
      return;
    case "tanh":
      f.get(x).get(x).simd(SIMD.f32x4_add).set(u);
      splat(f, 1);
      splat(f, 2);
      emitExp(f, u, rest);
      splat(f, 1).simd(SIMD.f32x4_add).simd(SIMD.f32x4_div).simd(SIMD.f32x4_sub);
      return;
  }
}
