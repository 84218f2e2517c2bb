import { ArgumentError, full, randomNormal, randomUniform, type DType, type Tensor } from "@neurite/tensor-core";

/** What an initializer is told about the tensor it fills. */
export interface InitContext {
  /** Inputs feeding each output unit: `in` for a Dense weight, kh·kw·Cin for a Conv2d filter. */
  readonly fanIn: number;
  /** Output units each input feeds: `out` for a Dense weight, kh·kw·Cout for a Conv2d filter. */
  readonly fanOut: number;
  /** Draw from this seed's stream (reproducible); without it, from the global stream (see `setSeed`). */
  readonly seed?: number;
  /** float32 by default. */
  readonly dtype?: DType;
}

/**
 * Makes a layer's initial tensor of `shape`. Initializers draw from tensor-core's seeded Philox stream, so
 * the same seed gives the same weights on every backend.
 *
 * ```ts
 * dense(8, 16, { init: init.normal(0.01) }); // the course notes' small random weights
 * ```
 */
export type Initializer = (shape: readonly number[], context: InitContext) => Tensor;

/** The initializers a layer option accepts by name. */
export type InitializerName = "zeros" | "ones" | "normal" | "uniform" | "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal";

function randomOptions(context: InitContext): { seed?: number; dtype?: DType } {
  return { ...(context.seed === undefined ? {} : { seed: context.seed }), ...(context.dtype === undefined ? {} : { dtype: context.dtype }) };
}

function checkScale(op: string, argument: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new ArgumentError({ op, argument }, `expected a finite number ≥ 0, got ${value}`);
}

function checkFans(op: string, context: InitContext): void {
  for (const key of ["fanIn", "fanOut"] as const) {
    const n = context[key];
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError({ op, argument: key }, `expected an integer ≥ 1, got ${n}`);
  }
}

/** Every value `value`. */
export function constant(value: number): Initializer {
  if (!Number.isFinite(value)) throw new ArgumentError({ op: "constant", argument: "value" }, `expected a finite number, got ${value}`);
  return (shape, context) => full(shape, value, { dtype: context.dtype ?? "float32" });
}

/** All zeros: the default for biases. Never for weights — every neuron of a layer would stay identical. */
export function zeros(): Initializer {
  return constant(0);
}

/** All ones: BatchNorm's default scale. */
export function ones(): Initializer {
  return constant(1);
}

/**
 * Normal values N(mean, σ²): the course notes' "small random numbers, close to 0 but not 0" with a small σ
 * such as `normal(0.01)` (the default σ). Small enough to keep sigmoid and tanh out of saturation; in deep
 * networks it shrinks the signal layer after layer, which is why the layers default to Glorot instead.
 */
export function normal(std = 0.01, mean = 0): Initializer {
  checkScale("normal", "std", std);
  if (!Number.isFinite(mean)) throw new ArgumentError({ op: "normal", argument: "mean" }, `expected a finite mean, got ${mean}`);
  return (shape, context) => randomNormal(shape, { ...randomOptions(context), mean, std });
}

/** Uniform values in [−limit, limit) (default limit 0.05), or in [min, max) when given two bounds. */
export function uniform(limit?: number): Initializer;
export function uniform(min: number, max: number): Initializer;
export function uniform(a = 0.05, b?: number): Initializer {
  const [min, max] = b === undefined ? [-a, a] : [a, b];
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new ArgumentError({ op: "uniform", argument: "min, max" }, `expected finite bounds with min ≤ max, got [${min}, ${max})`);
  }
  return (shape, context) => randomUniform(shape, { ...randomOptions(context), min, max });
}

function scaledUniform(op: string, scale: number, fan: (c: InitContext) => number): Initializer {
  checkScale(op, "gain", scale);
  return (shape, context) => {
    checkFans(op, context);
    const limit = scale * Math.sqrt(3 / fan(context));
    return randomUniform(shape, { ...randomOptions(context), min: -limit, max: limit });
  };
}

function scaledNormal(op: string, scale: number, fan: (c: InitContext) => number): Initializer {
  checkScale(op, "gain", scale);
  return (shape, context) => {
    checkFans(op, context);
    return randomNormal(shape, { ...randomOptions(context), std: scale / Math.sqrt(fan(context)) });
  };
}

const average = (c: InitContext): number => (c.fanIn + c.fanOut) / 2;
const fanIn = (c: InitContext): number => c.fanIn;

/**
 * Glorot (Xavier) uniform: U(−l, l) with l = gain·√(6 / (fanIn + fanOut)), so Var(w) = 2 / (fanIn + fanOut).
 * It keeps the variance of the activations (forward) and of the gradients (backward) about the same from
 * layer to layer for activations that are linear around 0 — sigmoid, tanh, softsign — which is why Dense and
 * Conv2d use it by default (as Keras does).
 */
export function glorotUniform(gain = 1): Initializer {
  return scaledUniform("glorotUniform", gain, average);
}

/** Glorot (Xavier) normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)) (not truncated). */
export function glorotNormal(gain = 1): Initializer {
  return scaledNormal("glorotNormal", gain, average);
}

/**
 * He (Kaiming) uniform: U(−l, l) with l = gain·√(6 / fanIn), so Var(w) = 2 / fanIn. ReLU zeroes half its
 * inputs, halving the variance; He's factor 2 makes up for it. Prefer it for ReLU and leaky-ReLU networks.
 */
export function heUniform(gain = 1): Initializer {
  return scaledUniform("heUniform", gain * Math.SQRT2, fanIn);
}

/** He (Kaiming) normal: N(0, σ²) with σ = gain·√(2 / fanIn) (not truncated). */
export function heNormal(gain = 1): Initializer {
  return scaledNormal("heNormal", gain * Math.SQRT2, fanIn);
}
