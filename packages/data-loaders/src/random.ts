import { ArgumentError, philoxUniform, seedToKey } from "@neurite/tensor-core";

/**
 * Where in a seed's Philox stream each use of randomness starts, so that uses never overlap:
 * epoch e of a DataLoader's shuffle starts at block e · 2³², a split at block 2⁵², and the built-in
 * generators at block 0 (as `randomNormal(shape, { seed })` does).
 */
export const EPOCH_STRIDE = 2 ** 32;
export const MAX_EPOCHS = 2 ** 20;
export const SPLIT_OFFSET = 2 ** 52;

const CHUNK = 4096; // uniforms per philoxUniform call: a multiple of 4, so blocks line up

/** Throws an ArgumentError unless `seed` is an integer in [0, 2⁵³). */
export function checkSeed(op: string, seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 53) {
    throw new ArgumentError({ op, argument: "seed" }, `expected an integer in [0, 2^53), got ${seed}`);
  }
}

/** A random seed for callers that gave none (then exposed, so the run can be repeated). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/**
 * Neurite's uniform stream for one seed, read sequentially from a block offset, in plain numbers: the same
 * values `randomUniform` gives on every backend.
 */
export class UniformStream {
  readonly #key: [number, number];
  #offset: number;
  #buffer: Float32Array = new Float32Array(0);
  #next = 0;

  constructor(seed: number, offset = 0) {
    this.#key = seedToKey(seed);
    this.#offset = offset;
  }

  /** The next uniform in [0, 1), with 24 random bits. */
  next(): number {
    if (this.#next === this.#buffer.length) {
      this.#buffer = philoxUniform(this.#key, this.#offset, CHUNK);
      this.#offset += CHUNK / 4;
      this.#next = 0;
    }
    return this.#buffer[this.#next++]!;
  }

  /**
   * A uniform integer in [0, bound), from the next two uniforms a and b: ⌊(a · 2²⁴ + b) · 2⁻⁴⁸ · bound⌋.
   * 48 bits keep the bias negligible for any dataset size (24 bits alone could not reach every index past
   * 16 million samples).
   */
  nextIndex(bound: number): number {
    const a = this.next() * 2 ** 24;
    const b = this.next() * 2 ** 24;
    return Math.min(bound - 1, Math.floor((a * 2 ** 24 + b) * 2 ** -48 * bound));
  }
}

/**
 * A seeded permutation of 0 … n − 1 by Fisher–Yates: for i from n − 1 down to 1, swap i with
 * j = `nextIndex(i + 1)` of the seed's stream read from `offset`. Same seed and offset, same order, on every
 * machine.
 *
 * ```ts
 * permutation(5, 42, 0); // e.g. Uint32Array [3, 0, 4, 1, 2], always the same for seed 42
 * ```
 */
export function permutation(n: number, seed: number, offset: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const stream = new UniformStream(seed, offset);
  for (let i = n - 1; i > 0; i--) {
    const j = stream.nextIndex(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * `count` standard normal values from a seed's stream, by the Box–Muller transform exactly as tensor-core's
 * `randomNormal` does it (radii from the first `count` uniforms, angles from the next `count`), in float64.
 */
export function normals(seed: number, count: number): Float64Array {
  const u = philoxUniform(seedToKey(seed), 0, 2 * count);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Math.sqrt(-2 * Math.log(1 - u[i]!)) * Math.cos(2 * Math.PI * u[count + i]!);
  }
  return out;
}
