/**
 * WGSL helper functions for the float semantics Neurite promises and WGSL leaves to the implementation.
 *
 * WGSL lets a GPU treat NaN and infinity loosely (builtin `max`, `sign`, `log(0)`, `x / 0` and float-to-int
 * conversion are "implementation-defined" at the edges), and its builtin `log`/`exp` are accurate in absolute,
 * not relative, terms near 1 and 0. These helpers pin down what backend-cpu does: NaN is tested on the bits
 * (a compiler may fold `x != x` away), special values come from bit patterns held in private variables (a
 * NaN or infinite constant expression is a shader-creation error), and expm1/log1p/log use series where
 * `exp(x) - 1` or `log(1 + x)` would cancel.
 */

interface Helper {
  readonly deps: readonly string[];
  readonly code: string;
}

const HELPERS: Readonly<Record<string, Helper>> = {
  specials: {
    deps: [],
    code: `var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }`,
  },
  max_: {
    deps: ["specials"],
    // Math.max: NaN wins.
    code: `fn max_(a: f32, b: f32) -> f32 { if (isnan_(a)) { return a; } if (isnan_(b)) { return b; } return select(b, a, a > b); }
fn min_(a: f32, b: f32) -> f32 { if (isnan_(a)) { return a; } if (isnan_(b)) { return b; } return select(b, a, a < b); }`,
  },
  sign_: {
    deps: [],
    // NaN and ±0 come back unchanged, as in the reference (x > 0 ? 1 : x < 0 ? -1 : x).
    code: `fn sign_(x: f32) -> f32 { return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0); }`,
  },
  div_: {
    deps: ["specials"],
    // IEEE division by zero: ±Infinity with the XOR of the signs, NaN for 0/0 and NaN/0.
    code: `fn div_(a: f32, b: f32) -> f32 {
  if (b == 0.0) {
    if (a == 0.0 || isnan_(a)) { return nan_(); }
    return bitcast<f32>(((bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u) | INF_BITS);
  }
  return a / b;
}`,
  },
  log1p_: {
    deps: ["specials"],
    // log1p(x) = 2·atanh(s) with s = x / (2 + x); for |x| < 0.5, |s| < 1/3 and the odd series converges
    // to float32 precision by s¹⁵.
    code: `fn log1p_series_(x: f32) -> f32 {
  let s = x / (2.0 + x);
  let s2 = s * s;
  let poly = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0)))))));
  return 2.0 * s * poly;
}
fn log1p_(x: f32) -> f32 {
  if (x == -1.0) { return -inf_(); }
  if (x < -1.0) { return nan_(); }
  if (abs(x) < 0.5) { return log1p_series_(x); }
  return log(1.0 + x);
}
fn log_(x: f32) -> f32 {
  if (x == 0.0) { return -inf_(); }
  if (x < 0.0) { return nan_(); }
  // x - 1 is exact here (Sterbenz), so the series keeps full relative precision near log(1) = 0.
  if (x > 0.5 && x < 1.5) { return log1p_series_(x - 1.0); }
  return log(x);
}`,
  },
  expm1_: {
    deps: [],
    // Taylor series for |x| < 0.5 (the 10th term is below float32 resolution), exp(x) - 1 elsewhere.
    code: `fn expm1_(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0 * (1.0 + x / 9.0))))))));
  }
  return exp(x) - 1.0;
}`,
  },
  tanh_: {
    deps: [],
    // Some tanh implementations divide exponentials and overflow to NaN for large |x|; in float32
    // tanh(x) is exactly ±1 beyond |x| = 9.1.
    code: `fn tanh_(x: f32) -> f32 { if (abs(x) > 10.0) { return sign(x); } return tanh(x); }`,
  },
  sqrt_: {
    deps: ["specials"],
    code: `fn sqrt_(x: f32) -> f32 { if (x < 0.0) { return nan_(); } return sqrt(x); }`,
  },
  pow_: {
    deps: ["specials"],
    // Math.pow: exp2(b·log2|a|) with the sign of an odd integer power of a negative base, NaN for a
    // negative base with a fractional power, exact squares, and pow(x, 0) = 1 even for NaN x.
    code: `fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  let ab = abs(a);
  if (ab == 1.0 && isinf_(b)) { return nan_(); }
  var r: f32;
  if (ab == 0.0) {
    r = select(0.0, inf_(), b < 0.0);
  } else if (isinf_(ab)) {
    r = select(inf_(), 0.0, b < 0.0);
  } else {
    r = exp2(b * log2(ab));
  }
  if (a < 0.0 && !isinf_(a) && floor(b) != b && !isinf_(b)) { return nan_(); }
  // A negative base (-0 included) to an odd integer power keeps its sign.
  let odd = abs(b) < 16777216.0 && floor(b) == b && (i32(b) & 1) == 1;
  if (odd && (bitcast<u32>(a) & 0x80000000u) != 0u) { return -r; }
  return r;
}`,
  },
  toInt32_: {
    deps: ["specials"],
    // ECMAScript ToInt32 (what backend-cpu's typed-array store does): truncate toward zero, wrap modulo 2³²,
    // NaN and ±Infinity give 0. WGSL's i32(f32) saturates instead, so large values are wrapped by hand:
    // a float32 of magnitude ≥ 2³¹ is m · 2ᵏ with a 24-bit integer m and k ≥ 8.
    code: `fn toInt32_(x: f32) -> i32 {
  if (isnan_(x) || isinf_(x)) { return 0i; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let bits = bitcast<u32>(t);
  let k = i32((bits >> 23u) & 0xffu) - 127 - 23;
  let m = (bits & 0x7fffffu) | 0x800000u;
  var r = select(0u, m << u32(k), k < 32);
  if (t < 0.0) { r = ~r + 1u; }
  return bitcast<i32>(r);
}`,
  },
  mulhi_: {
    deps: [],
    // High word of the 64-bit product of two u32 (WGSL has no widening multiply), from 16-bit halves;
    // every partial sum fits in 32 bits.
    code: `fn mulhi_(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let lolo = aLo * bLo;
  let mid1 = aHi * bLo + (lolo >> 16u);
  let mid2 = aLo * bHi + (mid1 & 0xffffu);
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u);
}`,
  },
  trig_: {
    deps: ["specials", "mulhi_"],
    // sin and cos with exact argument reduction (Payne–Hanek): builtin sin/cos are only specified to an
    // absolute 2⁻¹¹ on [-π, π] (SwiftShader's is off by 1e-4 at 1.5) and to nothing outside it.
    // |x| = m·2^E with a 24-bit integer m; bits of 2/π before position E-1 only add multiples of 4 to x·2/π,
    // so a 96-bit window of 2/π from there, times m, gives the quadrant and 64 fraction bits of x·2/π.
    // What remains is r in [-π/4, π/4], where minimax polynomials (Cephes sinf/cosf) are good to 1 ulp.
    code: `var<private> TWO_OVER_PI: array<u32, 9> = array<u32, 9>(0u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u,
  0xf534ddc0u, 0xdb629599u, 0x3c439041u, 0xfe5163abu, 0xdebbc561u);
struct Reduced { r: f32, q: u32 }
fn two_over_pi_(w: u32, sh: u32) -> u32 {
  if (sh == 0u) { return TWO_OVER_PI[w]; }
  return (TWO_OVER_PI[w] << sh) | (TWO_OVER_PI[w + 1u] >> (32u - sh));
}
fn trig_reduce_(x: f32) -> Reduced {
  let ax = abs(x);
  if (ax <= 0.785398) { return Reduced(x, 0u); }
  let bits = bitcast<u32>(ax);
  let m = (bits & 0x7fffffu) | 0x800000u;
  // Bit E-1 of 2/π sits at bit E+30 of the table, which starts with a word of zeros (E ≥ -24 here).
  let g = u32(i32(bits >> 23u) - 150 + 30);
  let w = g >> 5u;
  let sh = g & 31u;
  let v0 = two_over_pi_(w, sh);
  let v1 = two_over_pi_(w + 1u, sh);
  let v2 = two_over_pi_(w + 2u, sh);
  // P = m·(v0:v1:v2); x·2/π ≡ P·2⁻⁹⁴ (mod 4). Words above p2 are multiples of 4 and dropped.
  let p0 = m * v2;
  let p1 = mulhi_(m, v2) + m * v1;
  let c1 = select(0u, 1u, p1 < m * v1);
  let p2 = mulhi_(m, v1) + m * v0 + c1;
  var q = p2 >> 30u;
  var hi = (p2 << 2u) | (p1 >> 30u);
  var lo = (p1 << 2u) | (p0 >> 30u);
  var negative = false;
  if (hi >= 0x80000000u) {
    // Fraction ≥ 1/2: round to the next quadrant and keep 1 - fraction with a minus sign.
    q = q + 1u;
    lo = ~lo + 1u;
    hi = ~hi + select(0u, 1u, lo == 0u);
    negative = true;
  }
  var r = (f32(hi) * 2.3283064365386963e-10 + f32(lo) * 5.421010862427522e-20) * 1.5707963267948966;
  if (negative) { r = -r; }
  if (x < 0.0) { r = -r; q = 0u - q; }
  return Reduced(r, q & 3u);
}
fn sin_poly_(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1);
}
fn cos_poly_(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2);
}
fn sin_(x: f32) -> f32 {
  if (isinf_(x)) { return nan_(); }
  let red = trig_reduce_(x);
  let s = sin_poly_(red.r);
  let c = cos_poly_(red.r);
  switch red.q {
    case 0u: { return s; }
    case 1u: { return c; }
    case 2u: { return -s; }
    default: { return -c; }
  }
}
fn cos_(x: f32) -> f32 {
  if (isinf_(x)) { return nan_(); }
  let red = trig_reduce_(x);
  let s = sin_poly_(red.r);
  let c = cos_poly_(red.r);
  switch red.q {
    case 0u: { return c; }
    case 1u: { return -s; }
    case 2u: { return -c; }
    default: { return s; }
  }
}`,
  },
  sigmoid_: {
    deps: ["specials"],
    // exp(NaN) may be Infinity (SwiftShader), which would make σ(NaN) = 0: NaN in, NaN out.
    code: `fn sigmoid_(x: f32) -> f32 { if (isnan_(x)) { return x; } return 1.0 / (1.0 + exp(-x)); }`,
  },
  relu_: {
    deps: ["specials"],
    // Math.max(x, 0): NaN stays NaN.
    code: `fn relu_(x: f32) -> f32 { if (isnan_(x)) { return x; } return select(0.0, x, x > 0.0); }`,
  },
};

/** The WGSL code of the named helpers and everything they use, each once, dependencies first. */
export function helpers(names: Iterable<string>): string {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    const helper = HELPERS[name];
    if (helper === undefined) throw new Error(`unknown WGSL helper '${name}'`);
    done.add(name);
    for (const dep of helper.deps) visit(dep);
    out.push(helper.code);
  };
  for (const name of names) visit(name);
  return out.join("\n");
}
