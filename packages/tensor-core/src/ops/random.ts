import type { Backend } from "../backend.js";
import type { DType } from "../dtype.js";
import { engine } from "../engine.js";
import { ArgumentError, expectDType } from "../errors.js";
import { blocksFor, seedToKey } from "../philox.js";
import { checkShape, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, cos, log, mul, sqrt, sub } from "./elementwise.js";
import { kernel, runOp } from "./op.js";
import { slice } from "./movement.js";
import { reshape } from "./reshape.js";
import { tidy } from "../memory.js";

/** Options shared by the random creation functions. */
export interface RandomOptions {
  /**
   * An integer in [0, 2⁵³). With a seed the draw starts at the beginning of that seed's stream, so the same
   * seed gives the same values on every backend and every run. Without one the global stream is used (see
   * `setSeed`).
   */
  readonly seed?: number;
  /** float32 (default) or float64. */
  readonly dtype?: DType;
  readonly backend?: Backend;
  /**
   * With a seed: start this many Philox blocks (4 values each) into the seed's stream, so successive draws can
   * walk along one seed's stream (e.g. a dropout mask per training step). Default 0.
   */
  readonly offset?: number;
}

function checkSeed(op: string, seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 53) {
    throw new ArgumentError({ op, argument: "seed" }, `expected an integer in [0, 2^53), got ${seed}`);
  }
}

/**
 * Seeds the global random stream: afterwards the unseeded random functions (and the layers that use them)
 * repeat the same sequence of draws.
 */
export function setSeed(seed: number): void {
  checkSeed("setSeed", seed);
  engine.randomKey = seedToKey(seed);
  engine.randomOffset = 0;
}

/** Draws `shape` uniform [0, 1) values from the seed's stream or the global one, advancing the latter. */
function uniformBits(op: string, shape: readonly number[], options: RandomOptions): Tensor {
  checkShape({ op, argument: "shape" }, shape);
  const dtype = options.dtype ?? "float32";
  expectDType({ op, argument: "dtype" }, dtype, ["float32", "float64"]);
  let key: [number, number];
  let offset: number;
  if (options.seed !== undefined) {
    checkSeed(op, options.seed);
    key = seedToKey(options.seed);
    offset = options.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset >= 2 ** 53) {
      throw new ArgumentError({ op, argument: "offset" }, `expected an integer block offset in [0, 2^53), got ${offset}`);
    }
  } else {
    if (options.offset !== undefined) throw new ArgumentError({ op, argument: "offset" }, "an offset needs a seed; without one the global stream advances by itself");
    key = engine.randomKey;
    offset = engine.randomOffset;
    engine.randomOffset += blocksFor(sizeOf(shape));
  }
  const backend = options.backend ?? engine.currentBackend(op);
  const out = { shape, dtype };
  return kernel(op, {}, out, (b) => b.randomUniform(key, offset, out), backend);
}

/**
 * Uniform random values in [min, max).
 *
 * ```ts
 * randomUniform([2, 3], { min: -1, max: 1, seed: 42 });
 * ```
 */
export function randomUniform(shape: readonly number[], options: RandomOptions & { readonly min?: number; readonly max?: number } = {}): Tensor {
  const op = "randomUniform";
  const { min = 0, max = 1 } = options;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new ArgumentError({ op, argument: "min, max" }, `expected finite min ≤ max, got min=${min}, max=${max}`);
  }
  return runOp(op, [], {}, false, () => {
    const u = uniformBits(op, shape, options);
    return min === 0 && max === 1 ? u : add(mul(u, max - min), min);
  });
}

/**
 * Normal random values with the given mean and standard deviation, by the Box–Muller transform of pairs of
 * uniform draws: the first half of a draw of 2n uniforms gives the radii, the second half the angles.
 * The uniform stream is bit-exact across backends; normals agree to the precision of log, sqrt and cos.
 *
 * ```ts
 * randomNormal([8, 4], { std: 0.01, seed: 1 }); // the course notes' small random initial weights
 * ```
 */
export function randomNormal(shape: readonly number[], options: RandomOptions & { readonly mean?: number; readonly std?: number } = {}): Tensor {
  const op = "randomNormal";
  const { mean = 0, std = 1 } = options;
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new ArgumentError({ op, argument: "mean, std" }, `expected a finite mean and std ≥ 0, got mean=${mean}, std=${std}`);
  }
  checkShape({ op, argument: "shape" }, shape);
  const n = sizeOf(shape);
  return tidy(() => {
    const u = uniformBits(op, [2, n], options);
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = sqrt(mul(log(sub(1, slice(u, [0, 0], [1, n]))), -2));
    const angle = mul(slice(u, [1, 0], [1, n]), 2 * Math.PI);
    const z = reshape(mul(radius, cos(angle)), shape);
    return std === 1 && mean === 0 ? z : add(mul(z, std), mean);
  });
}
