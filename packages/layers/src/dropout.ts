import { ArgumentError, clone, div, greaterEqual, randomUniform, tidy, where, type Tensor } from "@neurite/tensor-core";
import { Module } from "./module.js";

/** Options of `dropout`. */
export interface DropoutOptions {
  /**
   * Makes the masks reproducible: the n-th training forward pass (n = 0, 1, …) draws its mask from the
   * stream of seed + n, so masks differ from step to step and a run repeats exactly. Without a seed the masks
   * come from the global stream (see `setSeed`).
   */
  readonly seed?: number;
}

/**
 * Inverted dropout. In training mode each value is zeroed with probability `rate` and the kept values are
 * scaled by 1 / (1 − rate), so the expected output equals the input and nothing needs rescaling at
 * evaluation time; in evaluation mode it is the identity. The course notes' remedy for overfitting: the
 * network cannot lean on any one neuron (0.5 in hidden layers is common).
 *
 * The mask is u ≥ rate for u uniform in [0, 1) from tensor-core's seeded Philox stream. The gradient is the
 * same mask scaled by 1 / (1 − rate).
 *
 * ```ts
 * sequential([dense(8, 16), relu(), dropout(0.5), dense(16, 4)]);
 * ```
 */
export class Dropout extends Module {
  readonly rate: number;
  readonly seed: number | undefined;
  /** The stream the masks come from: the layer's own seed, or one set by `reseed` (e.g. by `fit`). */
  #stream: number | undefined;
  #calls = 0;

  constructor(rate: number, options: DropoutOptions = {}) {
    super();
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
      throw new ArgumentError(
        { op: `Dropout(${String(rate)})`, argument: "rate" },
        `expected a drop rate in [0, 1) — the fraction of values zeroed in training — got ${String(rate)}`,
      );
    }
    if (options.seed !== undefined && (!Number.isInteger(options.seed) || options.seed < 0 || options.seed >= 2 ** 53)) {
      throw new ArgumentError({ op: `Dropout(${rate})`, argument: "seed" }, `expected an integer in [0, 2^53), got ${options.seed}`);
    }
    this.rate = rate;
    this.seed = options.seed;
    this.#stream = options.seed;
  }

  /**
   * Draws the masks from `seed`'s stream from now on, starting again at its beginning (pass n draws from
   * seed + n), independent of the global stream and of any other run; `undefined` goes back to the layer's
   * own seed (or the global stream). `fit({ seed })` does this for the layers without a seed, so two runs at
   * once each repeat exactly.
   *
   * ```ts
   * const layer = dropout(0.5);
   * layer.reseed(7); // the next training pass draws the same mask as any layer reseeded with 7
   * ```
   */
  reseed(seed: number | undefined): void {
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 53)) {
      throw new ArgumentError({ op: `${this.toString()}.reseed`, argument: "seed" }, `expected an integer in [0, 2^53), got ${seed}`);
    }
    this.#stream = seed ?? this.seed;
    this.#calls = 0;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.rate === 0) return clone(x);
    if (x.dtype !== "float32" && x.dtype !== "float64") {
      throw new ArgumentError({ op: this.toString(), argument: "x" }, `expected a float tensor, got ${x.dtype}`);
    }
    const seed = this.#stream === undefined ? {} : { seed: (this.#stream + this.#calls) % 2 ** 53 };
    this.#calls++;
    return tidy(() => {
      const u = randomUniform(x.shape, { ...seed, dtype: x.dtype, backend: x.backend });
      return where(greaterEqual(u, this.rate), div(x, 1 - this.rate), 0);
    });
  }

  override toString(): string {
    return `Dropout(${this.rate})`;
  }
}

/** A `Dropout` layer with drop rate `rate` in [0, 1). */
export function dropout(rate: number, options?: DropoutOptions): Dropout {
  return new Dropout(rate, options);
}
